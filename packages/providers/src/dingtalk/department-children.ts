import { pageOfList, pageScope } from "../pages.ts";
import type { Implementation } from "../provider.ts";
import { refuseOpenDepartmentIds } from "../unsupported.ts";
import type { DingTalkConnection } from "./connection.ts";
import { listChildren, subtree } from "./department-tree.ts";
import type { DingTalkEndpoint } from "./transport.ts";

/**
 * `POST /topapi/v2/department/listsub` (direct children, unpaged upstream) or, recursively, the
 * subtree walked level by level; paged by dirgate.
 */
export const departmentChildren: Implementation<"departmentChildren", DingTalkConnection, DingTalkEndpoint> =
  {
    upstream: "topapi/v2/department/listsub (recursive: walked level by level)",
    async run(ctx, input, options) {
      refuseOpenDepartmentIds("DingTalk", input);
      const raw = input.include === "raw";
      const all = input.recursive
        ? await subtree(ctx, input.departmentId, input.language, raw, options)
        : await listChildren(ctx, input.departmentId, input.language, raw, options);
      return pageOfList(all, input, pageScope(ctx, "departmentChildren", input));
    },
  };
