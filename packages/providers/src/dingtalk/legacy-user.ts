import { type DirectoryUser, tryParseMobile } from "@dirgate/core";
import * as z from "zod";
import { boolish, listish, looseMap, numish, objectish, strish } from "../coerce.ts";
import { compact, filterRaw, isoFromEpochMs } from "../raw.ts";
import type { MapOptions } from "./user.ts";

/**
 * A user as the legacy 1.0 `GET /user/get` sends it (seed 003): flat, camelCase, `department` as
 * an array (or its JSON string), `orderInDepts`/`isLeaderInDepts` as `"{2:1,3:2}"` strings.
 */
export const DingTalkLegacyUserSchema = z.looseObject({
  userid: strish,
  unionid: z.string().optional(),
  managerUserid: z.string().optional(),
  hiredDate: numish.optional(),
  tel: z.string().optional(),
  remark: z.string().optional(),
  workPlace: z.string().optional(),
  name: z.string(),
  position: z.string().optional(),
  mobile: strish.optional(),
  stateCode: strish.optional(),
  email: z.string().optional(),
  orgEmail: z.string().optional(),
  isSenior: boolish.optional(),
  jobnumber: strish.optional(),
  active: boolish.optional(),
  avatar: z.string().optional(),
  extattr: objectish.optional(),
  roles: listish(
    z.looseObject({ id: strish, name: z.string(), groupName: z.string().optional() }),
  ).optional(),
  department: listish(numish).optional(),
  orderInDepts: looseMap.optional(),
  isAdmin: boolish.optional(),
  isLeaderInDepts: looseMap.optional(),
  isHide: boolish.optional(),
  isBoss: boolish.optional(),
});
export type DingTalkLegacyUser = z.infer<typeof DingTalkLegacyUserSchema>;

/** Maps a DingTalk 1.0 user to DirectoryUser: the same person as the v2 mapper gives. */
export function dingTalkLegacyUserToDirectoryUser(
  user: DingTalkLegacyUser,
  raw: Record<string, unknown>,
  options: MapOptions,
): DirectoryUser {
  const mobileHidden = user.isHide === true && !options.expose.includes("mobile");
  const orders = user.orderInDepts ?? {};
  const leaders = user.isLeaderInDepts ?? {};
  const { errcode: _code, errmsg: _msg, ...record } = raw;
  return compact({
    provider: "dingtalk",
    connection: options.connection,
    id: user.userid,
    unionId: user.unionid,
    name: user.name,
    mobile: mobileHidden ? undefined : tryParseMobile(user.mobile, user.stateCode ?? "86"),
    email: user.email || undefined,
    enterpriseEmail: user.orgEmail || undefined,
    title: user.position || undefined,
    employeeNumber: user.jobnumber || undefined,
    departments: (user.department ?? []).map((id) =>
      compact({
        id: String(id),
        order: typeof orders[String(id)] === "number" ? (orders[String(id)] as number) : undefined,
        isLeader: typeof leaders[String(id)] === "boolean" ? (leaders[String(id)] as boolean) : undefined,
      }),
    ),
    managerId: user.managerUserid || undefined,
    avatarUrl: user.avatar || undefined,
    status: user.active === false ? "inactive" : "active",
    hiredAt: isoFromEpochMs(user.hiredDate),
    workPlace: user.workPlace || undefined,
    roles: user.roles?.map((r) => compact({ id: r.id, name: r.name, group: r.groupName })),
    isAdmin: user.isAdmin,
    isBoss: user.isBoss,
    isSenior: user.isSenior,
    extension: user.extattr,
    raw: options.includeRaw
      ? filterRaw(record, mobileHidden ? ["mobile", "stateCode"] : [], options.expose)
      : undefined,
  }) as DirectoryUser;
}
