import { pageOfList, pageScope } from "../pages.ts";
import type { Implementation } from "../provider.ts";
import { refuseOpenDepartmentIds } from "../unsupported.ts";
import type { EiamConnection } from "./connection.ts";
import { eiamOrgToDirectoryDepartment } from "./department.ts";
import { listChildren, subtree } from "./org-tree.ts";
import type { EiamEndpoint } from "./transport.ts";

/**
 * `GET /api/v2/tenant/organizations?org_id&all_child`: the next level (`all_child=false`) or the
 * whole subtree (`all_child=true`), read whole and paged by dirgate. Why not one upstream page per
 * page of ours: upstream pages are page *numbers* of 10–100 (no page of 1–9, no resuming between
 * two page boundaries), the first one carries the organisation itself, and the vendor documents no
 * order — a subtree can only be put parents-first once it is read whole. Read whole at 100 a page
 * and kept 60 s, a listing costs ⌈(n + 1) / 100⌉ calls however small its pages.
 */
export const departmentChildren: Implementation<"departmentChildren", EiamConnection, EiamEndpoint> = {
  upstream: "api/v2/tenant/organizations (all_child=false, or true with recursive; ≤ 100 a page)",
  async run(ctx, input, options) {
    refuseOpenDepartmentIds("EIAM", input);
    const entries = input.recursive
      ? await subtree(ctx, input.departmentId, options)
      : await listChildren(ctx, input.departmentId, options);
    const page = pageOfList(entries, input, pageScope(ctx, "departmentChildren", input));
    const map = {
      connection: ctx.connection,
      includeRaw: input.include === "raw",
      expose: ctx.config.expose,
    };
    return {
      items: page.items.map((entry) => eiamOrgToDirectoryDepartment(entry.raw, map)),
      nextPageToken: page.nextPageToken,
    };
  },
};
