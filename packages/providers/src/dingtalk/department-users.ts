import { type DirectoryUser, invalidPageToken } from "@dirgate/core";
import * as z from "zod";
import { boolish, numish, readUpstream } from "../coerce.ts";
import { pageScope, upstreamCursor } from "../pages.ts";
import type { Implementation, ProviderContext } from "../provider.ts";
import { refuseOpenDepartmentIds, requireIdType } from "../unsupported.ts";
import { walkMembers } from "../walk.ts";
import type { DingTalkConnection } from "./connection.ts";
import { dingTalkDepartmentId } from "./department.ts";
import { subtree } from "./department-tree.ts";
import type { DingTalkEndpoint } from "./transport.ts";
import { DingTalkUserSchema, dingTalkUserToDirectoryUser } from "./user.ts";

const ResultSchema = z.object({
  result: z.object({
    has_more: boolish,
    next_cursor: numish.optional(),
    list: z.array(z.unknown()),
  }),
});

const MAX_PAGE = 100;

/** One upstream page of `POST /topapi/v2/user/list`: a department's direct members from `cursor`. */
async function memberPage(
  ctx: ProviderContext<DingTalkConnection, DingTalkEndpoint>,
  departmentId: string,
  cursor: string | undefined,
  size: number,
  includeRaw: boolean,
  options: Parameters<Implementation<"departmentUsers", DingTalkConnection>["run"]>[2],
): Promise<{ users: DirectoryUser[]; next: string | undefined }> {
  // A cursor comes back from a page token the caller holds: decimal digits only, never `Number()`'s
  // reading of `0x10`, `1e1` or ` 5`.
  if (cursor !== undefined && !/^\d{1,9}$/.test(cursor)) throw invalidPageToken();
  const offset = cursor === undefined ? 0 : Number(cursor);
  const body = await ctx.api.call(
    "user.list",
    { body: { dept_id: dingTalkDepartmentId(departmentId), cursor: offset, size } },
    options,
  );
  const { result } = readUpstream(ResultSchema, body, "dingtalk.user.list");
  const map = { connection: ctx.connection, includeRaw, expose: ctx.config.expose };
  return {
    users: result.list.map((raw) =>
      dingTalkUserToDirectoryUser(
        readUpstream(DingTalkUserSchema, raw, "dingtalk.user.list"),
        raw as Record<string, unknown>,
        map,
      ),
    ),
    next: result.has_more && result.next_cursor !== undefined ? String(result.next_cursor) : undefined,
  };
}

/**
 * `POST /topapi/v2/user/list`: a department's direct members, cursor-paged, at most 100 a page;
 * recursively, every member of the subtree once (the walk of walk.ts over `listsub`).
 */
export const departmentUsers: Implementation<"departmentUsers", DingTalkConnection, DingTalkEndpoint> = {
  upstream: "topapi/v2/user/list (≤ 100 a page; recursive: the listsub subtree, each person once)",
  async run(ctx, input, options) {
    refuseOpenDepartmentIds("DingTalk", input);
    requireIdType("DingTalk", "list users", input.idType, ["userId"]);
    dingTalkDepartmentId(input.departmentId);
    const scope = pageScope(ctx, "departmentUsers", input);
    const raw = input.include === "raw";
    if (input.recursive) {
      const walk = {
        maxPage: MAX_PAGE,
        subtree: async (root: string) => [
          root,
          ...(await subtree(ctx, root, undefined, false, options)).map((d) => d.id),
        ],
        members: (id: string, cursor: string | undefined, size: number) =>
          memberPage(ctx, id, cursor, size, raw, options),
      };
      return walkMembers(walk, input.departmentId, input, scope, options);
    }
    const cursor = upstreamCursor.read(scope, input.pageToken);
    if (cursor !== undefined && !/^\d{1,9}$/.test(cursor)) throw invalidPageToken();
    const page = await memberPage(
      ctx,
      input.departmentId,
      cursor,
      Math.min(input.pageSize, MAX_PAGE),
      raw,
      options,
    );
    return { items: page.users, nextPageToken: upstreamCursor.next(scope, page.next) };
  },
};
