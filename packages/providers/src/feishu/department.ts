import { type DirectoryDepartment, DirgateError } from "@dirgate/core";
import * as z from "zod";
import { readUpstream } from "../coerce.ts";
import type { Implementation } from "../provider.ts";
import { compact, filterRaw } from "../raw.ts";
import type { FeishuConnection } from "./connection.ts";
import type { FeishuEndpoint } from "./transport.ts";

/**
 * A department as contact/v3 `departments/:id` and `/children` send it (field names: the Node
 * SDK's `contact.department.get` type; `order` is a string upstream, smaller first).
 */
export const FeishuDepartmentSchema = z.looseObject({
  name: z.string(),
  i18n_name: z.looseObject({ zh_cn: z.string().optional(), en_us: z.string().optional() }).optional(),
  parent_department_id: z.string().optional(),
  department_id: z.string().optional(),
  open_department_id: z.string().optional(),
  leader_user_id: z.string().optional(),
  order: z.union([z.number(), z.string()]).optional(),
  member_count: z.number().int().optional(),
  leaders: z.array(z.looseObject({ leaderType: z.number().optional(), leaderID: z.string() })).optional(),
});

/** Feishu's name for a department id type, as its `department_id_type` parameter takes it. */
export type FeishuDepartmentIdType = "department_id" | "open_department_id";

/**
 * The department id type of a request: the one it names, else guessed from the id. Feishu's own
 * default is `open_department_id`; its root is `0` under both, and custom ids may not start with
 * `od-` (department/get: "不能以 od- 开头"), so anything else is a custom `department_id`.
 */
export function feishuDepartmentIdType(input: {
  departmentId: string;
  departmentIdType?: "departmentId" | "openDepartmentId" | undefined;
}): FeishuDepartmentIdType {
  const type =
    input.departmentIdType ??
    (input.departmentId === "0" || input.departmentId.startsWith("od-")
      ? "openDepartmentId"
      : "departmentId");
  return type === "departmentId" ? "department_id" : "open_department_id";
}

/** The department's id in the request's id type (`fallback` when the record omits it: the id asked for). */
export function feishuDepartmentIdOf(
  raw: Record<string, unknown>,
  type: FeishuDepartmentIdType,
  fallback?: string,
): string {
  const id = raw[type];
  return typeof id === "string" && id !== "" ? id : (fallback ?? "");
}

export interface FeishuDepartmentMapOptions {
  connection: string;
  includeRaw: boolean;
  expose: readonly string[];
  idType: FeishuDepartmentIdType;
  language?: string | undefined;
  /** The id the request named, for a record that omits its own. */
  requestedId?: string;
}

/** Maps a Feishu contact/v3 department to DirectoryDepartment (docs/providers.md, Feishu column). */
export function feishuDepartmentToDirectory(
  raw: Record<string, unknown>,
  options: FeishuDepartmentMapOptions,
): DirectoryDepartment {
  const d = readUpstream(FeishuDepartmentSchema, raw, "feishu.department");
  const id = feishuDepartmentIdOf(raw, options.idType, options.requestedId);
  if (id === "") {
    throw new DirgateError(
      "UPSTREAM_ERROR",
      `feishu.department: unexpected answer from upstream at ${options.idType}`,
    );
  }
  const order = d.order === undefined || d.order === "" ? Number.NaN : Number(d.order);
  // The main leader (leaderType 1) first, then the deputies in Feishu's order.
  const leaders = [...(d.leaders ?? [])].sort((a, b) => (a.leaderType ?? 2) - (b.leaderType ?? 2));
  const leaderIds = leaders.map((l) => l.leaderID);
  if (d.leader_user_id && !leaderIds.includes(d.leader_user_id)) leaderIds.unshift(d.leader_user_id);
  return compact({
    provider: "feishu",
    connection: options.connection,
    id,
    // The root is `0` under either id type; its parent field is "" or absent.
    parentId: id === "0" || !d.parent_department_id ? null : d.parent_department_id,
    name: (options.language === "en_US" ? d.i18n_name?.en_us : undefined) || d.name,
    order: Number.isFinite(order) ? order : undefined,
    leaderIds: leaderIds.length > 0 ? leaderIds : undefined,
    memberCount: d.member_count,
    raw: options.includeRaw ? filterRaw(raw, [], options.expose) : undefined,
  }) as DirectoryDepartment;
}

const DataSchema = z.object({ data: z.object({ department: z.record(z.string(), z.unknown()) }) });

/** `GET /open-apis/contact/v3/departments/:department_id` (leaders as user ids). */
export const department: Implementation<"department", FeishuConnection, FeishuEndpoint> = {
  upstream: "contact/v3/departments/:department_id",
  async run({ api, connection, config }, input, options) {
    const idType = feishuDepartmentIdType(input);
    const body = await api.call(
      "department.get",
      {
        params: { department_id: input.departmentId },
        query: { department_id_type: idType, user_id_type: "user_id" },
      },
      options,
    );
    const { data } = readUpstream(DataSchema, body, "feishu.department.get");
    return feishuDepartmentToDirectory(data.department, {
      connection,
      includeRaw: input.include === "raw",
      expose: config.expose,
      idType,
      language: input.language,
      requestedId: input.departmentId,
    });
  },
};
