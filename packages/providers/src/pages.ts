import { decodePageToken, encodePageToken, type OperationName, type PageScope } from "@dirgate/core";
import * as z from "zod";
import type { ProviderContext } from "./provider.ts";

/** The scope a listing's page tokens are bound to: this operation, connection and query. */
export function pageScope(
  ctx: Pick<ProviderContext<unknown>, "connection">,
  operation: OperationName,
  input: object,
): PageScope {
  return { operation, connection: ctx.connection, query: { ...input } };
}

const OffsetSchema = z.object({ o: z.number().int().min(0) });

/** One page of a list dirgate holds whole (a subtree, an unpaged upstream list), behind a bound token. */
export function pageOfList<T>(
  items: readonly T[],
  input: { pageSize: number; pageToken?: string },
  scope: PageScope,
): { items: T[]; nextPageToken: string | null } {
  const offset = input.pageToken === undefined ? 0 : decodePageToken(scope, input.pageToken, OffsetSchema).o;
  const end = offset + input.pageSize;
  return {
    items: items.slice(offset, end),
    nextPageToken: end < items.length ? encodePageToken(scope, { o: end }) : null,
  };
}

const CursorSchema = z.object({ c: z.string().min(1).max(2048) });

/**
 * Wraps a provider's own page cursor in dirgate's bound token: every provider's page tokens look
 * and fail the same way (a token from another query is the same 400 everywhere).
 */
export const upstreamCursor = {
  read(scope: PageScope, pageToken: string | undefined): string | undefined {
    return pageToken === undefined ? undefined : decodePageToken(scope, pageToken, CursorSchema).c;
  },
  next(scope: PageScope, cursor: string | undefined | null): string | null {
    return cursor ? encodePageToken(scope, { c: cursor }) : null;
  },
};
