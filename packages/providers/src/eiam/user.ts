import { type DirectoryUser, tryParseMobile } from "@dirgate/core";
import * as z from "zod";
import { boolish, compactRecord } from "../coerce.ts";
import { compact, filterRaw } from "../raw.ts";

/** A user as the EIAM management API sends it (seed 002). */
export const EiamUserSchema = z.looseObject({
  user_id: z.string(),
  org_id: z.string().optional(),
  user_name: z.string().optional(),
  name: z.string(),
  mobile: z.string().optional(),
  email: z.string().optional(),
  employee_id: z.string().optional(),
  attr_city: z.string().optional(),
  attr_nick_name: z.string().optional(),
  attr_area: z.string().optional(),
  attr_work_place: z.string().optional(),
  attr_manager_id: z.string().optional(),
  attr_hire_date: z.string().optional(),
  disabled: boolish.optional(),
  locked: boolish.optional(),
  user_org_relation_list: z
    .array(z.looseObject({ org_id: z.string(), relation_type: z.union([z.number(), z.string()]) }))
    .optional(),
  extension: z.record(z.string(), z.unknown()).optional(),
});
export type EiamUser = z.infer<typeof EiamUserSchema>;

/** Personal data EIAM returns that dirgate drops, raw included, unless a connection's `expose` names it. */
export const EIAM_SENSITIVE_FIELDS = [
  "attr_identity_number",
  "attr_identity_type",
  "attr_birthday",
  "last_login_ip",
  "last_login_at",
  "pwd_must_modify",
  "pwd_change_at",
] as const;

export interface EiamMapOptions {
  connection: string;
  includeRaw: boolean;
  expose: readonly string[];
}

/** Maps an EIAM user to DirectoryUser (docs/providers.md, EIAM column). */
export function eiamUserToDirectoryUser(
  user: EiamUser,
  raw: Record<string, unknown>,
  options: EiamMapOptions,
): DirectoryUser {
  const relations = [...(user.user_org_relation_list ?? [])].sort(
    (a, b) => Number(b.relation_type) - Number(a.relation_type),
  );
  return compact({
    provider: "eiam",
    connection: options.connection,
    id: user.user_id,
    loginId: user.user_name,
    name: user.name,
    nickname: user.attr_nick_name || undefined,
    mobile: tryParseMobile(user.mobile),
    email: user.email || undefined,
    employeeNumber: user.employee_id || undefined,
    departments:
      relations.length > 0
        ? relations.map((r) => ({ id: r.org_id }))
        : user.org_id
          ? [{ id: user.org_id }]
          : [],
    managerId: user.attr_manager_id || undefined,
    status: user.disabled ? "disabled" : user.locked ? "frozen" : "active",
    hiredAt: shanghaiToIso(user.attr_hire_date),
    workPlace: user.attr_work_place || undefined,
    city: user.attr_city || undefined,
    country: user.attr_area || undefined,
    extension: compactRecord(user.extension),
    raw: options.includeRaw ? filterRaw(raw, EIAM_SENSITIVE_FIELDS, options.expose) : undefined,
  }) as DirectoryUser;
}

/** EIAM writes `2022-08-01 00:00:00.000` in the tenant's time (Asia/Shanghai, UTC+8). */
function shanghaiToIso(value: string | undefined): string | undefined {
  const match = value && /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(\.\d{1,3})?$/.exec(value);
  if (!match) return undefined;
  // Kept in the provider's own offset (DESIGN §3: ISO 8601 with the provider's offset), not UTC.
  const iso = `${match[1]}T${match[2]}${(match[3] ?? ".000").padEnd(4, "0")}+08:00`;
  return Number.isNaN(new Date(iso).getTime()) ? undefined : iso;
}
