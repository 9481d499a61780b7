import { type DirectoryDepartment, DirgateError } from "@dirgate/core";
import * as z from "zod";
import { listish, numish, readUpstream, strish } from "../coerce.ts";
import type { Implementation } from "../provider.ts";
import { compact, filterRaw } from "../raw.ts";
import { refuseOpenDepartmentIds } from "../unsupported.ts";
import type { DingTalkConnection } from "./connection.ts";
import type { DingTalkEndpoint } from "./transport.ts";

/** A department as `topapi/v2/department/get` and `listsub` send it. */
export const DingTalkDepartmentSchema = z.looseObject({
  dept_id: numish,
  name: z.string(),
  parent_id: numish.optional(),
  order: numish.optional(),
  dept_manager_userid_list: listish(strish).optional(),
});

/** DingTalk department ids are numbers, the root is 1; JSON carries them exactly up to 2^53. */
export function dingTalkDepartmentId(id: string): number {
  const n = /^\d{1,16}$/.test(id) ? Number(id) : Number.NaN;
  if (!Number.isSafeInteger(n)) {
    throw new DirgateError("INVALID_REQUEST", "DingTalk department ids are numbers", {
      details: [{ path: "departmentId", message: "expected a number such as 1 or 5" }],
    });
  }
  return n;
}

export function dingTalkDepartmentToDirectory(
  raw: Record<string, unknown>,
  options: { connection: string; includeRaw: boolean },
): DirectoryDepartment {
  const d = readUpstream(DingTalkDepartmentSchema, raw, "dingtalk.department");
  return compact({
    provider: "dingtalk",
    connection: options.connection,
    id: String(d.dept_id),
    parentId: d.parent_id === undefined || d.dept_id === 1 ? null : String(d.parent_id),
    name: d.name,
    order: d.order,
    leaderIds: d.dept_manager_userid_list,
    raw: options.includeRaw ? filterRaw(raw, [], []) : undefined,
  }) as DirectoryDepartment;
}

const ResultSchema = z.object({ result: z.record(z.string(), z.unknown()) });

/** `POST /topapi/v2/department/get`. */
export const department: Implementation<"department", DingTalkConnection, DingTalkEndpoint> = {
  upstream: "topapi/v2/department/get",
  async run({ api, connection }, input, options) {
    refuseOpenDepartmentIds("DingTalk", input);
    const body = await api.call(
      "department.get",
      { body: { dept_id: dingTalkDepartmentId(input.departmentId), language: input.language ?? "zh_CN" } },
      options,
    );
    const { result } = readUpstream(ResultSchema, body, "dingtalk.department.get");
    return dingTalkDepartmentToDirectory(result, { connection, includeRaw: input.include === "raw" });
  },
};
