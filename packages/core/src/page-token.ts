import { createHash } from "node:crypto";
import type * as z from "zod";
import { DirgateError } from "./errors.ts";

/**
 * dirgate's page tokens: opaque to callers, bound to their query (a token replayed with another
 * query, or tampered with, is the same 400 on every route and provider), and carrying whatever
 * state the listing needs to resume (a provider's own cursor, a position in a department walk).
 */

/** What a token is bound to: the operation, the connection, and every input field but the paging ones. */
export interface PageScope {
  operation: string;
  connection: string;
  query: Record<string, unknown>;
}

const PREFIX = "dg1.";

function fingerprint(scope: PageScope): string {
  const query = Object.fromEntries(
    Object.entries(scope.query)
      .filter(([key, value]) => key !== "pageToken" && key !== "pageSize" && value !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
  return createHash("sha256")
    .update(JSON.stringify([scope.operation, scope.connection, query]))
    .digest("base64url")
    .slice(0, 16);
}

/** A token that resumes `state` for this scope. */
export function encodePageToken(scope: PageScope, state: unknown): string {
  return `${PREFIX}${Buffer.from(JSON.stringify({ h: fingerprint(scope), s: state })).toString("base64url")}`;
}

/** The state a token carries, or the one INVALID_REQUEST every listing answers for a token it did not issue. */
export function decodePageToken<T>(scope: PageScope, token: string, state: z.ZodType<T>): T {
  if (token.startsWith(PREFIX)) {
    try {
      const decoded = JSON.parse(Buffer.from(token.slice(PREFIX.length), "base64url").toString("utf8")) as {
        h?: unknown;
        s?: unknown;
      };
      const parsed = state.safeParse(decoded.s);
      if (decoded.h === fingerprint(scope) && parsed.success) return parsed.data;
    } catch {
      // falls through to the one answer
    }
  }
  throw invalidPageToken();
}

/** The answer to a page token this query did not issue (also when upstream refuses the cursor inside one). */
export function invalidPageToken(): DirgateError {
  return new DirgateError("INVALID_REQUEST", "pageToken is not one this query returned", {
    details: [{ path: "pageToken", message: "pass nextPageToken from the previous page of the same query" }],
  });
}
