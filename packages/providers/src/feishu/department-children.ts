import { pageScope, upstreamCursor } from "../pages.ts";
import type { Implementation } from "../provider.ts";
import type { FeishuConnection } from "./connection.ts";
import { feishuDepartmentIdType, feishuDepartmentToDirectory } from "./department.ts";
import { childrenPage } from "./department-tree.ts";
import type { FeishuEndpoint } from "./transport.ts";

/**
 * `GET /open-apis/contact/v3/departments/:id/children`: direct children, or with `fetch_child` the
 * whole subtree (breadth-first); Feishu's own pages of ≤ 50, its page token inside ours.
 */
export const departmentChildren: Implementation<"departmentChildren", FeishuConnection, FeishuEndpoint> = {
  upstream: "contact/v3/departments/:department_id/children (fetch_child for recursive; ≤ 50 a page)",
  async run(ctx, input, options) {
    const idType = feishuDepartmentIdType(input);
    const scope = pageScope(ctx, "departmentChildren", input);
    const page = await childrenPage(
      ctx,
      input.departmentId,
      {
        idType,
        recursive: input.recursive,
        cursor: upstreamCursor.read(scope, input.pageToken),
        size: input.pageSize,
      },
      options,
    );
    const map = {
      connection: ctx.connection,
      includeRaw: input.include === "raw",
      expose: ctx.config.expose,
      idType,
      language: input.language,
    };
    return {
      items: page.items.map((raw) => feishuDepartmentToDirectory(raw, map)),
      nextPageToken: upstreamCursor.next(scope, page.next),
    };
  },
};
