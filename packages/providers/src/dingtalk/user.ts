import { type DirectoryUser, tryParseMobile } from "@dirgate/core";
import * as z from "zod";
import { boolish, listish, numish, objectish, strish } from "../coerce.ts";
import { compact, filterRaw, isoFromEpochMs } from "../raw.ts";

/**
 * A user as `topapi/v2/user/get` and `topapi/v2/user/list` send it (seed 001). Every scalar may
 * arrive typed or stringified, every list as an array, a JSON string or a single object.
 */
export const DingTalkUserSchema = z.looseObject({
  userid: strish,
  unionid: z.string().optional(),
  name: z.string(),
  avatar: z.string().optional(),
  state_code: strish.optional(),
  mobile: strish.optional(),
  hide_mobile: boolish.optional(),
  telephone: z.string().optional(),
  job_number: strish.optional(),
  title: z.string().optional(),
  email: z.string().optional(),
  org_email: z.string().optional(),
  work_place: z.string().optional(),
  remark: z.string().optional(),
  dept_id_list: listish(numish).optional(),
  dept_order_list: listish(z.looseObject({ dept_id: numish, order: numish })).optional(),
  extension: objectish.optional(),
  hired_date: numish.optional(),
  active: boolish.optional(),
  real_authed: boolish.optional(),
  senior: boolish.optional(),
  admin: boolish.optional(),
  boss: boolish.optional(),
  leader_in_dept: listish(z.looseObject({ dept_id: numish, leader: boolish })).optional(),
  role_list: listish(
    z.looseObject({ id: strish, name: z.string(), group_name: z.string().optional() }),
  ).optional(),
  exclusive_account: boolish.optional(),
  exclusive_account_type: z.string().optional(),
  exclusive_account_corp_id: z.string().optional(),
  exclusive_account_corp_name: z.string().optional(),
  login_id: z.string().optional(),
  manager_userid: z.string().optional(),
  nickname: z.string().optional(),
  disable_status: boolish.optional(),
});
export type DingTalkUser = z.infer<typeof DingTalkUserSchema>;

export interface MapOptions {
  connection: string;
  includeRaw: boolean;
  expose: readonly string[];
}

/** Fields never returned unless the connection's `expose` names them (hidden mobiles). */
const HIDDEN_MOBILE_FIELDS = ["mobile", "state_code"];

/** Maps a DingTalk v2 user to DirectoryUser (docs/providers.md, DingTalk column). */
export function dingTalkUserToDirectoryUser(
  user: DingTalkUser,
  raw: Record<string, unknown>,
  options: MapOptions,
): DirectoryUser {
  const mobileHidden = user.hide_mobile === true && !options.expose.includes("mobile");
  const orders = new Map((user.dept_order_list ?? []).map((d) => [String(d.dept_id), d.order]));
  const leaders = new Map((user.leader_in_dept ?? []).map((d) => [String(d.dept_id), d.leader]));
  const deptIds = user.dept_id_list?.map(String) ?? [...orders.keys()];
  const disabled = user.disable_status === true;
  return compact({
    provider: "dingtalk",
    connection: options.connection,
    id: user.userid,
    unionId: user.unionid,
    loginId: user.login_id,
    name: user.name,
    nickname: user.nickname,
    mobile: mobileHidden ? undefined : tryParseMobile(user.mobile, user.state_code ?? "86"),
    email: user.email || undefined,
    enterpriseEmail: user.org_email || undefined,
    title: user.title || undefined,
    employeeNumber: user.job_number || undefined,
    departments: deptIds.map((id) => compact({ id, order: orders.get(id), isLeader: leaders.get(id) })),
    managerId: user.manager_userid || undefined,
    avatarUrl: user.avatar || undefined,
    status: disabled ? "disabled" : user.active === false ? "inactive" : "active",
    hiredAt: isoFromEpochMs(user.hired_date),
    workPlace: user.work_place || undefined,
    roles: user.role_list?.map((r) => compact({ id: r.id, name: r.name, group: r.group_name })),
    isAdmin: user.admin,
    isBoss: user.boss,
    isSenior: user.senior,
    extension: user.extension,
    exclusiveAccount:
      user.exclusive_account === true
        ? compact({
            type: user.exclusive_account_type ?? "unknown",
            corpId: user.exclusive_account_corp_id,
            corpName: user.exclusive_account_corp_name,
            disabled: user.disable_status,
          })
        : undefined,
    raw: options.includeRaw
      ? filterRaw(raw, mobileHidden ? HIDDEN_MOBILE_FIELDS : [], options.expose)
      : undefined,
  }) as DirectoryUser;
}
