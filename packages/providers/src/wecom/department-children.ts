import type { CallOptions, DirectoryDepartment } from "@dirgate/core";
import pLimit from "p-limit";
import * as z from "zod";
import { readUpstream } from "../coerce.ts";
import { pageOfList, pageScope } from "../pages.ts";
import type { Implementation, ProviderContext } from "../provider.ts";
import type { WeComConnection } from "./connection.ts";
import { weComDepartmentId, weComDepartmentToDirectory } from "./department.ts";
import { subtree } from "./department-tree.ts";
import type { WeComEndpoint } from "./transport.ts";

const ResultSchema = z.object({ department: z.record(z.string(), z.unknown()) });

/** `department/get` for each id of one page, a few at a time (simplelist carries no names). */
async function details(
  ctx: ProviderContext<WeComConnection, WeComEndpoint>,
  ids: string[],
  input: { language?: string; include?: string },
  options?: CallOptions,
): Promise<DirectoryDepartment[]> {
  const limit = pLimit(4);
  const map = { connection: ctx.connection, includeRaw: input.include === "raw", language: input.language };
  return Promise.all(
    ids.map((id) =>
      limit(async () => {
        const body = await ctx.api.call("department.get", { query: { id } }, options);
        const { department } = readUpstream(ResultSchema, body, "wecom.department.get");
        return weComDepartmentToDirectory(department, map);
      }),
    ),
  );
}

/**
 * `department/simplelist?id` (the whole subtree in one call: direct children are the rows whose
 * parent is the department), paged by dirgate; then `department/get` for the page's departments
 * only. Upstream calls: 1 per listing (kept 60 s across its pages) + 1 per department returned.
 */
export const departmentChildren: Implementation<"departmentChildren", WeComConnection, WeComEndpoint> = {
  upstream: "department/simplelist (the subtree in one call), then department/get per department returned",
  async run(ctx, input, options) {
    const id = weComDepartmentId(input);
    const tree = (await subtree(ctx, id, options)).slice(1);
    const ids = (input.recursive ? tree : tree.filter((d) => d.parentId === id)).map((d) => d.id);
    const page = pageOfList(ids, input, pageScope(ctx, "departmentChildren", input));
    return { items: await details(ctx, page.items, input, options), nextPageToken: page.nextPageToken };
  },
};
