import { type DirectoryUser, tryParseMobile } from "@dirgate/core";
import * as z from "zod";
import { compact, filterRaw, isoFromEpochMs } from "../raw.ts";

/** A user as contact/v3 sends it (seed 004's item). */
export const FeishuUserSchema = z.looseObject({
  union_id: z.string().optional(),
  user_id: z.string().optional(),
  open_id: z.string(),
  name: z.string(),
  en_name: z.string().optional(),
  nickname: z.string().optional(),
  email: z.string().optional(),
  mobile: z.string().optional(),
  mobile_visible: z.boolean().optional(),
  avatar: z
    .looseObject({ avatar_origin: z.string().optional(), avatar_240: z.string().optional() })
    .optional(),
  status: z
    .looseObject({
      is_frozen: z.boolean().optional(),
      is_resigned: z.boolean().optional(),
      is_activated: z.boolean().optional(),
      is_exited: z.boolean().optional(),
      is_unjoin: z.boolean().optional(),
    })
    .optional(),
  department_ids: z.array(z.string()).optional(),
  leader_user_id: z.string().optional(),
  city: z.string().optional(),
  country: z.string().optional(),
  work_station: z.string().optional(),
  join_time: z.number().optional(),
  is_tenant_manager: z.boolean().optional(),
  employee_no: z.string().optional(),
  orders: z.array(z.looseObject({ department_id: z.string(), user_order: z.number().optional() })).optional(),
  custom_attrs: z
    .array(
      z.looseObject({
        id: z.string(),
        type: z.string().optional(),
        value: z.record(z.string(), z.unknown()).optional(),
      }),
    )
    .optional(),
  enterprise_email: z.string().optional(),
  job_title: z.string().optional(),
});
export type FeishuUser = z.infer<typeof FeishuUserSchema>;

export const FEISHU_ID_FIELDS = { userId: "user_id", openId: "open_id", unionId: "union_id" } as const;

export interface FeishuMapOptions {
  connection: string;
  includeRaw: boolean;
  expose: readonly string[];
  /** Which id the request used: it becomes `id` (and `managerId` is in the same kind). */
  idType: keyof typeof FEISHU_ID_FIELDS;
}

/** Maps a Feishu contact/v3 user to DirectoryUser (docs/providers.md, Feishu column). */
export function feishuUserToDirectoryUser(
  user: FeishuUser,
  raw: Record<string, unknown>,
  options: FeishuMapOptions,
): DirectoryUser {
  const mobileHidden = user.mobile_visible === false && !options.expose.includes("mobile");
  const orders = new Map((user.orders ?? []).map((o) => [o.department_id, o.user_order]));
  const status = user.status;
  return compact({
    provider: "feishu",
    connection: options.connection,
    id:
      (options.idType === "userId"
        ? user.user_id
        : options.idType === "unionId"
          ? user.union_id
          : user.open_id) ?? user.open_id,
    unionId: user.union_id,
    openId: user.open_id,
    name: user.name,
    englishName: user.en_name || undefined,
    nickname: user.nickname || undefined,
    mobile: mobileHidden ? undefined : tryParseMobile(user.mobile),
    email: user.email || undefined,
    enterpriseEmail: user.enterprise_email || undefined,
    title: user.job_title || undefined,
    employeeNumber: user.employee_no || undefined,
    departments: (user.department_ids ?? []).map((id) => compact({ id, order: orders.get(id) })),
    managerId: user.leader_user_id || undefined,
    avatarUrl: user.avatar?.avatar_origin ?? user.avatar?.avatar_240,
    status:
      status?.is_resigned || status?.is_exited
        ? "resigned"
        : status?.is_frozen
          ? "frozen"
          : status?.is_activated === false || status?.is_unjoin
            ? "inactive"
            : "active",
    hiredAt: user.join_time ? isoFromEpochMs(user.join_time * 1000) : undefined,
    workPlace: user.work_station || undefined,
    city: user.city || undefined,
    country: user.country || undefined,
    isAdmin: user.is_tenant_manager,
    extension: user.custom_attrs?.length
      ? Object.fromEntries(
          user.custom_attrs.map((a) => [a.id, a.type === "TEXT" ? a.value?.["text"] : a.value]),
        )
      : undefined,
    raw: options.includeRaw ? filterRaw(raw, mobileHidden ? ["mobile"] : [], options.expose) : undefined,
  }) as DirectoryUser;
}
