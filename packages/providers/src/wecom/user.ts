import { type DirectoryUser, tryParseMobile } from "@dirgate/core";
import * as z from "zod";
import { numish, strish } from "../coerce.ts";
import { compact, filterRaw } from "../raw.ts";

/** One custom attribute (扩展属性): text (type 0), web (1) or mini program (2); old answers put `value` flat. */
const AttrSchema = z.looseObject({
  type: numish.optional(),
  name: z.string(),
  value: z.string().optional(),
  text: z.looseObject({ value: z.string() }).optional(),
  web: z.looseObject({ url: z.string().optional(), title: z.string().optional() }).optional(),
  miniprogram: z.looseObject({}).optional(),
});

/**
 * A member as `user/get` (读取成员 90196 / 96255) and `user/list` (90201 / 96260) send it. Apps
 * created from 2022-06-20 20:00 get no avatar, gender, mobile, email, biz_mail, qr_code or address:
 * those keys are absent (gender stays, as "0").
 */
export const WeComUserSchema = z.looseObject({
  userid: strish,
  name: z.string(),
  english_name: z.string().optional(),
  alias: z.string().optional(),
  department: z.array(numish).optional(),
  order: z.array(numish).optional(),
  is_leader_in_dept: z.array(numish).optional(),
  main_department: numish.optional(),
  direct_leader: z.array(strish).optional(),
  position: z.string().optional(),
  mobile: strish.optional(),
  hide_mobile: numish.optional(),
  email: z.string().optional(),
  biz_mail: z.string().optional(),
  avatar: z.string().optional(),
  address: z.string().optional(),
  open_userid: z.string().optional(),
  status: numish.optional(),
  enable: numish.optional(),
  extattr: z.looseObject({ attrs: z.array(AttrSchema).optional() }).optional(),
});
export type WeComUser = z.infer<typeof WeComUserSchema>;

/**
 * The DirectoryUser fields WeCom withholds from newer apps, and the `user/get` key each comes from.
 * gender and qr_code are withheld too but have no DirectoryUser field, so no answer lacks them.
 */
export const WITHHOLDABLE = [
  ["mobile", "mobile"],
  ["email", "email"],
  ["enterpriseEmail", "biz_mail"],
  ["avatarUrl", "avatar"],
  ["workPlace", "address"],
] as const;

/** 1 已激活, 2 已禁用, 4 未激活, 5 退出企业 (90196 `status`). */
const STATUSES: Record<number, DirectoryUser["status"]> = {
  1: "active",
  2: "disabled",
  4: "inactive",
  5: "resigned",
};

export interface MapOptions {
  connection: string;
  includeRaw: boolean;
  expose: readonly string[];
}

/** Maps a WeCom member to DirectoryUser (docs/providers.md, WeCom column). */
export function weComUserToDirectoryUser(
  user: WeComUser,
  raw: Record<string, unknown>,
  options: MapOptions,
): DirectoryUser {
  // 隐藏手机号: dropped like DingTalk's hide_mobile, unless the connection exposes it.
  const mobileHidden = Number(user.hide_mobile) === 1 && !options.expose.includes("mobile");
  // A key that is absent was refused to this app; an empty string is a member without one.
  const withheld = WITHHOLDABLE.filter(([, key]) => !(key in raw)).map(([field]) => field);
  const { errcode: _code, errmsg: _msg, ...record } = raw;
  return compact({
    provider: "wecom",
    connection: options.connection,
    id: user.userid,
    openId: user.open_userid || undefined,
    name: user.name,
    englishName: user.english_name || undefined,
    nickname: user.alias || undefined,
    mobile: mobileHidden ? undefined : tryParseMobile(user.mobile, "86"),
    email: user.email || undefined,
    enterpriseEmail: user.biz_mail || undefined,
    title: user.position || undefined,
    departments: departmentsOf(user),
    managerId: user.direct_leader?.[0] || undefined,
    avatarUrl: user.avatar || undefined,
    status: statusOf(user),
    workPlace: user.address || undefined,
    extension: extensionOf(user),
    withheld: withheld.length > 0 ? withheld : undefined,
    raw: options.includeRaw ? filterRaw(record, mobileHidden ? ["mobile"] : [], options.expose) : undefined,
  }) as DirectoryUser;
}

/** `department[]` zipped with `order[]` and `is_leader_in_dept[]`; the main department first. */
function departmentsOf(user: WeComUser): DirectoryUser["departments"] {
  const ids = user.department ?? [];
  const list = ids.map((id, i) => {
    const leader = user.is_leader_in_dept?.[i];
    return compact({
      id: String(id),
      order: user.order?.[i],
      isLeader: leader === undefined ? undefined : leader === 1,
    });
  });
  const main = user.main_department === undefined ? -1 : ids.indexOf(user.main_department);
  return main > 0 ? [list[main]!, ...list.filter((_, i) => i !== main)] : list;
}

/** `enable: 0` is a disabled member whatever `status` says; an undocumented status is not called active. */
function statusOf(user: WeComUser): DirectoryUser["status"] {
  if (user.enable !== undefined && Number(user.enable) === 0) return "disabled";
  return (user.status === undefined ? undefined : STATUSES[user.status]) ?? "inactive";
}

/** `extattr.attrs[]` → `{ name: text }` for text attributes, `{ name: { url, title } }` for web ones. */
function extensionOf(user: WeComUser): Record<string, unknown> | undefined {
  const attrs = user.extattr?.attrs ?? [];
  if (attrs.length === 0) return undefined;
  const out: Record<string, unknown> = {};
  for (const attr of attrs) {
    out[attr.name] = attr.text?.value ?? attr.web ?? attr.miniprogram ?? attr.value ?? null;
  }
  return out;
}
