import { type CallOptions, type DirectoryUser, invalidPageToken } from "@dirgate/core";
import * as z from "zod";
import { readUpstream } from "../coerce.ts";
import { pageOfList, pageScope } from "../pages.ts";
import type { Implementation, ProviderContext } from "../provider.ts";
import { requireIdType } from "../unsupported.ts";
import { walkMembers } from "../walk.ts";
import type { WeComConnection } from "./connection.ts";
import { weComDepartmentId } from "./department.ts";
import { LIST_TTL_MS, subtree } from "./department-tree.ts";
import type { WeComEndpoint } from "./transport.ts";
import { WeComUserSchema, weComUserToDirectoryUser } from "./user.ts";

const ListSchema = z.object({ userlist: z.array(z.record(z.string(), z.unknown())) });

type Ctx = ProviderContext<WeComConnection, WeComEndpoint>;

/**
 * `GET /cgi-bin/user/list?department_id` (获取部门成员详情 90201 / 96260): a department's direct
 * members, whole (WeCom does not page it), each as user/get shows it to this app. Kept briefly so the
 * pages of one listing read each department once.
 */
function members(ctx: Ctx, departmentId: string, options?: CallOptions): Promise<Record<string, unknown>[]> {
  return ctx.memo(`members ${departmentId}`, LIST_TTL_MS, async () => {
    const body = await ctx.api.call("user.list", { query: { department_id: departmentId } }, options);
    return readUpstream(ListSchema, body, "wecom.user.list").userlist;
  });
}

function toUsers(ctx: Ctx, records: Record<string, unknown>[], includeRaw: boolean): DirectoryUser[] {
  const map = { connection: ctx.connection, includeRaw, expose: ctx.config.expose };
  return records.map((raw) =>
    weComUserToDirectoryUser(readUpstream(WeComUserSchema, raw, "wecom.user.list"), raw, map),
  );
}

/**
 * Direct members: one `user/list` call, paged by dirgate. Recursively: the `department/simplelist`
 * subtree (one call), then `user/list` once per department, each person listed once (walk.ts).
 * Upstream calls for a subtree of D departments: 1 + D, whatever the page size — against 1 + D +
 * one `user/get` per person for `user/simplelist`, and 1 + one `user/get` per person for `user/list_id`
 * (ids only, and only the contact-sync secret may call it).
 */
export const departmentUsers: Implementation<"departmentUsers", WeComConnection, WeComEndpoint> = {
  upstream:
    "user/list (direct members, full records); recursive: department/simplelist + user/list per department",
  async run(ctx, input, options) {
    requireIdType("WeCom", "list users", input.idType, ["userId"]);
    const id = weComDepartmentId(input);
    const scope = pageScope(ctx, "departmentUsers", input);
    const raw = input.include === "raw";
    if (!input.recursive) {
      const page = pageOfList(await members(ctx, id, options), input, scope);
      return { items: toUsers(ctx, page.items, raw), nextPageToken: page.nextPageToken };
    }
    const walk = {
      // WeCom lists a department whole: the walk's "upstream page" is one person of that list, so
      // every page of ours fills up to pageSize while each department is still read once.
      maxPage: 1,
      subtree: async (root: string) => (await subtree(ctx, root, options)).map((d) => d.id),
      members: async (departmentId: string, cursor: string | undefined, size: number) => {
        if (cursor !== undefined && !/^\d{1,9}$/.test(cursor)) throw invalidPageToken();
        const all = await members(ctx, departmentId, options);
        const offset = cursor === undefined ? 0 : Number(cursor);
        const end = offset + size;
        return {
          users: toUsers(ctx, all.slice(offset, end), raw),
          next: end < all.length ? String(end) : undefined,
        };
      },
    };
    return walkMembers(walk, id, input, scope, options);
  },
};
