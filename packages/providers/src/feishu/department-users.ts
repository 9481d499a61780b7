import {
  type CallOptions,
  type DirectoryUser,
  DirgateError,
  decodePageToken,
  type OperationInput,
} from "@dirgate/core";
import * as z from "zod";
import { readUpstream } from "../coerce.ts";
import { pageScope, upstreamCursor } from "../pages.ts";
import type { Implementation, ProviderContext } from "../provider.ts";
import { walkMembers } from "../walk.ts";
import type { FeishuConnection } from "./connection.ts";
import { type FeishuDepartmentIdType, feishuDepartmentIdType } from "./department.ts";
import { subtreeIds } from "./department-tree.ts";
import type { FeishuEndpoint } from "./transport.ts";
import { FEISHU_ID_FIELDS, FeishuUserSchema, feishuUserToDirectoryUser } from "./user.ts";

const DataSchema = z.object({
  data: z.object({
    has_more: z.boolean(),
    page_token: z.string().optional(),
    // Each item is read by FeishuUserSchema below; validating its keys here too would be paid twice.
    items: z.array(z.unknown()).optional(),
  }),
});

const MAX_PAGE = 50;

type Input = OperationInput<"departmentUsers"> & { idType: keyof typeof FEISHU_ID_FIELDS };

/**
 * One upstream page of `find_by_department`: a department's direct members from `cursor`. Their
 * `department_ids` come in `departmentIdType`, the walk's own, so a person in several departments
 * of a subtree is recognised there.
 */
async function memberPage(
  ctx: ProviderContext<FeishuConnection, FeishuEndpoint>,
  input: Input,
  departmentId: string,
  departmentIdType: FeishuDepartmentIdType,
  page: { cursor: string | undefined; size: number },
  options: CallOptions | undefined,
): Promise<{ users: DirectoryUser[]; next: string | undefined }> {
  const body = await ctx.api.call(
    "find_by_department",
    {
      query: {
        department_id: departmentId,
        department_id_type: departmentIdType,
        user_id_type: FEISHU_ID_FIELDS[input.idType],
        page_size: String(Math.min(page.size, MAX_PAGE)),
        page_token: page.cursor,
      },
    },
    options,
  );
  const { data } = readUpstream(DataSchema, body, "feishu.find_by_department");
  const map = {
    connection: ctx.connection,
    includeRaw: input.include === "raw",
    expose: ctx.config.expose,
    idType: input.idType,
  };
  return {
    users: (data.items ?? []).map((raw) =>
      feishuUserToDirectoryUser(
        readUpstream(FeishuUserSchema, raw, "feishu.find_by_department"),
        raw as Record<string, unknown>,
        map,
      ),
    ),
    next: data.has_more ? data.page_token : undefined,
  };
}

/**
 * `GET /open-apis/contact/v3/users/find_by_department` (seed 004): direct members, ≤ 50 a page;
 * recursively, everyone in the subtree once (the walk of walk.ts over `children?fetch_child=true`).
 */
export const departmentUsers: Implementation<"departmentUsers", FeishuConnection, FeishuEndpoint> = {
  upstream:
    "contact/v3/users/find_by_department (≤ 50 a page; recursive: the departments/:id/children?fetch_child=true subtree, each person once)",
  async run(ctx, input, options) {
    if (input.idType === "loginId")
      throw new DirgateError("UNSUPPORTED_OPERATION", "Feishu connections have no loginId");
    const request = input as Input;
    const scope = pageScope(ctx, "departmentUsers", input);
    const departmentIdType = feishuDepartmentIdType(input);
    if (input.recursive) {
      // A token of another query is refused before the subtree is read (the walk reads it first).
      if (input.pageToken !== undefined) decodePageToken(scope, input.pageToken, z.unknown());
      const walk = {
        maxPage: MAX_PAGE,
        subtree: async (root: string) => [root, ...(await subtreeIds(ctx, root, departmentIdType, options))],
        members: (id: string, cursor: string | undefined, size: number) =>
          memberPage(ctx, request, id, departmentIdType, { cursor, size }, options),
      };
      return walkMembers(walk, input.departmentId, input, scope, options);
    }
    const page = await memberPage(
      ctx,
      request,
      input.departmentId,
      departmentIdType,
      { cursor: upstreamCursor.read(scope, input.pageToken), size: input.pageSize },
      options,
    );
    return { items: page.users, nextPageToken: upstreamCursor.next(scope, page.next) };
  },
};
