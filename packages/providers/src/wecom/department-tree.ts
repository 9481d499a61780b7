import type { CallOptions } from "@dirgate/core";
import * as z from "zod";
import { numish, readUpstream } from "../coerce.ts";
import type { ProviderContext } from "../provider.ts";
import type { WeComConnection } from "./connection.ts";
import type { WeComEndpoint } from "./transport.ts";

const SimpleListSchema = z.object({
  department_id: z.array(z.looseObject({ id: numish, parentid: numish, order: numish.optional() })),
});

/** How long a subtree (or a department's members) is reused by the pages of one listing. */
export const LIST_TTL_MS = 60_000;

/**
 * The department and everything under it, breadth-first (parents before children, siblings in
 * WeCom's order), the department itself first: one `department/simplelist?id` call (95350: "获取指定
 * 部门及其下的子部门…递归"), ids and parents only, kept briefly for the pages of a listing.
 */
export function subtree(
  ctx: ProviderContext<WeComConnection, WeComEndpoint>,
  rootId: string,
  options?: CallOptions,
): Promise<{ id: string; parentId: string }[]> {
  return ctx.memo(`simplelist ${rootId}`, LIST_TTL_MS, async () => {
    const body = await ctx.api.call("department.simplelist", { query: { id: rootId } }, options);
    const rows = readUpstream(SimpleListSchema, body, "wecom.department.simplelist").department_id.map(
      (d) => ({ id: String(d.id), parentId: String(d.parentid) }),
    );
    const children = new Map<string, typeof rows>();
    for (const row of rows) {
      if (row.id === rootId) continue;
      children.set(row.parentId, [...(children.get(row.parentId) ?? []), row]);
    }
    const root = rows.find((r) => r.id === rootId) ?? { id: rootId, parentId: "0" };
    const ordered = [root];
    for (let i = 0; i < ordered.length; i += 1) ordered.push(...(children.get(ordered[i]!.id) ?? []));
    // A department whose parent the app cannot see is still listed (last), never silently dropped.
    const reached = new Set(ordered.map((d) => d.id));
    return [...ordered, ...rows.filter((r) => !reached.has(r.id))];
  });
}
