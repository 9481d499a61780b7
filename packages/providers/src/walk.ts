import {
  type CallOptions,
  type DirectoryUser,
  decodePageToken,
  encodePageToken,
  type PageScope,
  type UserPage,
} from "@dirgate/core";
import * as z from "zod";

/** What a provider supplies to walk a department subtree's members. */
export interface MemberWalk {
  /** The subtree's department ids in walk order (breadth-first, the root first). */
  subtree(rootId: string, options?: CallOptions): Promise<string[]>;
  /** One upstream page of a department's direct members. */
  members(
    departmentId: string,
    cursor: string | undefined,
    size: number,
    options?: CallOptions,
  ): Promise<{ users: DirectoryUser[]; next: string | undefined }>;
  /** The provider's largest member page. */
  maxPage: number;
}

const StateSchema = z.object({
  /** The department being read, and its index in the walk when the page was cut. */
  d: z.string(),
  i: z.number().int().min(0),
  /** The provider's cursor inside that department. */
  c: z.string().optional(),
});

/**
 * Everyone in a subtree, each person once, one page at a time. The walk lists each department's
 * members once, in upstream pages of min(pageSize, maxPage) people, and never splits an upstream
 * page across two of our pages (a page may hold fewer than pageSize people, never a repeated
 * upstream call). A person in several departments of the subtree belongs to the first of them in
 * walk order and is listed only there — so no page needs to remember who came before. A failing
 * upstream page is an error, never a short list.
 */
export async function walkMembers(
  walk: MemberWalk,
  rootId: string,
  input: { pageSize: number; pageToken?: string },
  scope: PageScope,
  options?: CallOptions,
): Promise<UserPage> {
  const order = await walk.subtree(rootId, options);
  const position = new Map(order.map((id, i) => [id, i]));
  let state =
    input.pageToken === undefined
      ? { d: order[0] ?? rootId, i: 0, c: undefined as string | undefined }
      : decodePageToken(scope, input.pageToken, StateSchema);
  // Resume at the department the token named, wherever the walk now puts it.
  let index = position.get(state.d) ?? state.i;
  let cursor = state.c;
  const size = Math.min(input.pageSize, walk.maxPage);
  const items: DirectoryUser[] = [];
  while (index < order.length && input.pageSize - items.length >= size) {
    const departmentId = order[index]!;
    const page = await walk.members(departmentId, cursor, size, options);
    for (const user of page.users) {
      const owner = Math.min(
        ...user.departments.map((d) => position.get(d.id) ?? Number.POSITIVE_INFINITY),
        index,
      );
      if (owner === index) items.push(user);
    }
    if (page.next) {
      cursor = page.next;
    } else {
      index += 1;
      cursor = undefined;
    }
  }
  if (index >= order.length) return { items, nextPageToken: null };
  state = { d: order[index]!, i: index, c: cursor };
  return { items, nextPageToken: encodePageToken(scope, state) };
}
