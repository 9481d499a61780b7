import { type CallOptions, type DirectoryUser, invalidPageToken } from "@dirgate/core";
import * as z from "zod";
import { numish, readUpstream } from "../coerce.ts";
import { pageScope, upstreamCursor } from "../pages.ts";
import type { Implementation, ProviderContext } from "../provider.ts";
import { refuseOpenDepartmentIds, requireIdType } from "../unsupported.ts";
import { walkMembers } from "../walk.ts";
import type { EiamConnection } from "./connection.ts";
import { confirmOrganization, subtree } from "./org-tree.ts";
import type { EiamEndpoint } from "./transport.ts";
import { EiamUserSchema, eiamUserToDirectoryUser } from "./user.ts";

type Ctx = ProviderContext<EiamConnection, EiamEndpoint>;

const UsersSchema = z.object({ total: numish, users: z.array(z.record(z.string(), z.unknown())) });

/** `limit` is 10–100 (Huawei OneAccess ListUsers; Bamboocloud's list pages say the same). */
const MAX_PAGE = 100;
const MIN_PAGE = 10;

/**
 * Up to `size` direct members of an organisation from `cursor` (a position in its member list).
 * Upstream pages are page numbers of `limit` people, so the position picks the page and the place
 * in it: with a steady page size of 10–100 every call reads a whole page once. A size under 10
 * reads a 10-page and keeps part of it (EIAM has no smaller page).
 */
async function memberPage(
  ctx: Ctx,
  orgId: string,
  cursor: string | undefined,
  size: number,
  includeRaw: boolean,
  options?: CallOptions,
): Promise<{ users: DirectoryUser[]; next: string | undefined; total: number }> {
  if (cursor !== undefined && !/^\d{1,9}$/.test(cursor)) throw invalidPageToken();
  const position = cursor === undefined ? 0 : Number(cursor);
  const limit = Math.max(MIN_PAGE, Math.min(size, MAX_PAGE));
  const offset = Math.floor(position / limit);
  const body = await ctx.api.call(
    "users",
    { query: { org_id: orgId, offset: String(offset), limit: String(limit) } },
    options,
  );
  const { total, users } = readUpstream(UsersSchema, body, "eiam.users");
  const start = position - offset * limit;
  const taken = users.slice(start, start + size);
  const map = { connection: ctx.connection, includeRaw, expose: ctx.config.expose };
  const end = position + taken.length;
  return {
    users: taken.map((raw) =>
      eiamUserToDirectoryUser(readUpstream(EiamUserSchema, raw, "eiam.users"), raw, map),
    ),
    next: taken.length > 0 && end < total ? String(end) : undefined,
    total,
  };
}

/**
 * `GET /api/v2/tenant/users?org_id&offset&limit`: an organisation's direct members (users related
 * to it, `user_org_relation_list`), ≤ 100 a page; recursively, every member of the subtree once
 * (walk.ts over the organisations list's subtree, each department's pages read once).
 */
export const departmentUsers: Implementation<"departmentUsers", EiamConnection, EiamEndpoint> = {
  upstream:
    "api/v2/tenant/users?org_id (≤ 100 a page; recursive: the organisations subtree, each person once)",
  async run(ctx, input, options) {
    refuseOpenDepartmentIds("EIAM", input);
    requireIdType("EIAM", "list users", input.idType, ["userId"]);
    const scope = pageScope(ctx, "departmentUsers", input);
    const raw = input.include === "raw";
    if (input.recursive) {
      const walk = {
        maxPage: MAX_PAGE,
        subtree: async (root: string) => [
          root,
          ...(await subtree(ctx, root, options)).map((entry) => entry.org.org_id),
        ],
        members: (id: string, cursor: string | undefined, size: number) =>
          memberPage(ctx, id, cursor, size, raw, options),
      };
      return walkMembers(walk, input.departmentId, input, scope, options);
    }
    const cursor = upstreamCursor.read(scope, input.pageToken);
    const page = await memberPage(
      ctx,
      input.departmentId,
      cursor,
      Math.min(input.pageSize, MAX_PAGE),
      raw,
      options,
    );
    // The pages document no error for an unknown org_id: an empty first page is checked against
    // the organisation, so that a typo is DEPARTMENT_NOT_FOUND, not an empty department.
    if (cursor === undefined && page.total === 0) await confirmOrganization(ctx, input.departmentId, options);
    return { items: page.users, nextPageToken: upstreamCursor.next(scope, page.next) };
  },
};
