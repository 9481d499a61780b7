import type { CallOptions } from "@dirgate/core";
import * as z from "zod";
import { readUpstream } from "../coerce.ts";
import type { ProviderContext } from "../provider.ts";
import type { FeishuConnection } from "./connection.ts";
import { type FeishuDepartmentIdType, feishuDepartmentIdOf } from "./department.ts";
import type { FeishuEndpoint } from "./transport.ts";

/** Feishu's largest `departments/:id/children` page. */
export const MAX_CHILDREN_PAGE = 50;

/** How long a walked subtree is reused by the pages of one listing (and by other listings of it). */
const SUBTREE_TTL_MS = 60_000;

const PageSchema = z.object({
  data: z.object({
    has_more: z.boolean(),
    page_token: z.string().optional(),
    items: z.array(z.record(z.string(), z.unknown())).optional(),
  }),
});

type Context = ProviderContext<FeishuConnection, FeishuEndpoint>;

/**
 * One upstream page of `GET /open-apis/contact/v3/departments/:id/children`: the direct children
 * (`fetch_child=false`) or the whole subtree (`true`), ids in `idType`, leaders as user ids.
 */
export async function childrenPage(
  ctx: Context,
  departmentId: string,
  request: { idType: FeishuDepartmentIdType; recursive: boolean; cursor?: string | undefined; size: number },
  options?: CallOptions,
): Promise<{ items: Record<string, unknown>[]; next: string | undefined }> {
  const body = await ctx.api.call(
    "department.children",
    {
      params: { department_id: departmentId },
      query: {
        department_id_type: request.idType,
        user_id_type: "user_id",
        fetch_child: String(request.recursive),
        page_size: String(Math.min(request.size, MAX_CHILDREN_PAGE)),
        page_token: request.cursor,
      },
    },
    options,
  );
  const { data } = readUpstream(PageSchema, body, "feishu.department.children");
  return { items: data.items ?? [], next: data.has_more ? data.page_token : undefined };
}

/**
 * The ids of every department under `rootId` (itself excluded), in Feishu's `fetch_child` order
 * (breadth-first), each once: every page of the recursive children listing, kept briefly so a
 * paged walk does not read the tree again for every page. A failing page fails the whole subtree.
 */
export function subtreeIds(
  ctx: Context,
  rootId: string,
  idType: FeishuDepartmentIdType,
  options?: CallOptions,
): Promise<string[]> {
  return ctx.memo(`subtree ${idType} ${rootId}`, SUBTREE_TTL_MS, async () => {
    const ids = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await childrenPage(
        ctx,
        rootId,
        { idType, recursive: true, cursor, size: MAX_CHILDREN_PAGE },
        options,
      );
      for (const raw of page.items) {
        const id = feishuDepartmentIdOf(raw, idType);
        if (id !== "" && id !== rootId) ids.add(id);
      }
      cursor = page.next;
    } while (cursor);
    return [...ids];
  });
}
