import { type DirectoryDepartment, DirgateError } from "@dirgate/core";
import * as z from "zod";
import { numish, readUpstream, strish } from "../coerce.ts";
import type { Implementation } from "../provider.ts";
import { compact, filterRaw } from "../raw.ts";
import { refuseOpenDepartmentIds } from "../unsupported.ts";
import type { WeComConnection } from "./connection.ts";
import type { WeComEndpoint } from "./transport.ts";

/** A department as `department/get` sends it (95351 / 95407). The root is 1, its `parentid` 0. */
export const WeComDepartmentSchema = z.looseObject({
  id: numish,
  name: z.string(),
  name_en: z.string().optional(),
  parentid: numish.optional(),
  order: numish.optional(),
  department_leader: z.array(strish).optional(),
});

/** WeCom department ids are 32-bit unsigned numbers ("部门id，32位整型"), the root 1. */
export function weComDepartmentId(input: { departmentId: string; departmentIdType?: string }): string {
  refuseOpenDepartmentIds("WeCom", input);
  const id = input.departmentId;
  if (!/^\d{1,10}$/.test(id) || Number(id) > 0xffff_ffff) {
    throw new DirgateError("INVALID_REQUEST", "WeCom department ids are numbers", {
      details: [{ path: "departmentId", message: "expected a number such as 1 or 5" }],
    });
  }
  return String(Number(id));
}

/** `name_en` with `language=en_US` when the department has one, else `name`. */
export function weComDepartmentToDirectory(
  raw: Record<string, unknown>,
  options: { connection: string; includeRaw: boolean; language?: string },
): DirectoryDepartment {
  const d = readUpstream(WeComDepartmentSchema, raw, "wecom.department");
  return compact({
    provider: "wecom",
    connection: options.connection,
    id: String(d.id),
    parentId: d.parentid === undefined || d.parentid === 0 || d.id === 1 ? null : String(d.parentid),
    name: (options.language === "en_US" && d.name_en) || d.name,
    order: d.order,
    leaderIds: d.department_leader,
    raw: options.includeRaw ? filterRaw(raw, [], []) : undefined,
  }) as DirectoryDepartment;
}

const ResultSchema = z.object({ department: z.record(z.string(), z.unknown()) });

/** `GET /cgi-bin/department/get?id`: one department (its leaders as far as the app may see them). */
export const department: Implementation<"department", WeComConnection, WeComEndpoint> = {
  upstream: "department/get",
  async run({ api, connection }, input, options) {
    const id = weComDepartmentId(input);
    const body = await api.call("department.get", { query: { id } }, options);
    const { department: raw } = readUpstream(ResultSchema, body, "wecom.department.get");
    return weComDepartmentToDirectory(raw, {
      connection,
      includeRaw: input.include === "raw",
      language: input.language,
    });
  },
};
