import {
  type DirectoryUser,
  DirgateError,
  decodePageToken,
  encodePageToken,
  invalidPageToken,
  type PageScope,
} from "@dirgate/core";
import { iterateDepartmentUsers, type ProviderClient } from "@dirgate/providers";
import { describe, expect, it } from "vitest";
import * as z from "zod";
import { pageOfList, pageScope, upstreamCursor } from "../../packages/providers/src/pages.ts";

/**
 * Paging (docs/providers.md: "Every page token is dirgate's own (`dg1.…`), bound to its query"):
 * tokens bound to the operation, the connection and every query field but the paging ones; one
 * INVALID_REQUEST for any token this query did not issue; pages of a list held whole; a provider's
 * own cursor inside the token; and a full listing that never stops quietly half way.
 */
const scope: PageScope = {
  operation: "departmentUsers",
  connection: "acme",
  query: { departmentId: "5", recursive: false, pageSize: 50, pageToken: "x" },
};
const State = z.object({ o: z.number() });

function rejected(run: () => unknown) {
  try {
    run();
  } catch (error) {
    return error as DirgateError;
  }
  throw new Error("expected the token to be refused");
}

describe("page tokens", () => {
  it("round-trip their state for the same query, whatever its page size or token", () => {
    const token = encodePageToken(scope, { o: 50 });
    expect(token.startsWith("dg1.")).toBe(true);
    expect(decodePageToken(scope, token, State)).toEqual({ o: 50 });
    const nextPage = { ...scope, query: { ...scope.query, pageSize: 10, pageToken: token } };
    expect(decodePageToken(nextPage, token, State)).toEqual({ o: 50 });
    // Field order and undefined fields do not matter.
    const reordered = { ...scope, query: { recursive: false, departmentId: "5", language: undefined } };
    expect(decodePageToken(reordered, token, State)).toEqual({ o: 50 });
  });

  it.each([
    ["another operation", { ...scope, operation: "departmentChildren" }],
    ["another connection", { ...scope, connection: "other" }],
    ["another department", { ...scope, query: { ...scope.query, departmentId: "6" } }],
    ["another flag", { ...scope, query: { ...scope.query, recursive: true } }],
    ["an extra field", { ...scope, query: { ...scope.query, idType: "userId" } }],
  ])("are refused for %s", (_what, other) => {
    const token = encodePageToken(scope, { o: 50 });
    expect(rejected(() => decodePageToken(other as PageScope, token, State))).toMatchObject({
      code: "INVALID_REQUEST",
      message: "pageToken is not one this query returned",
    });
  });

  it.each([
    ["no prefix", () => encodePageToken(scope, { o: 1 }).slice(4)],
    ["another prefix", () => `dg2.${encodePageToken(scope, { o: 1 }).slice(4)}`],
    ["not base64 JSON", () => "dg1.%%%"],
    [
      "JSON without a binding",
      () => `dg1.${Buffer.from(JSON.stringify({ s: { o: 1 } })).toString("base64url")}`,
    ],
    ["a state of another shape", () => encodePageToken(scope, { c: "cursor" })],
    [
      "a tampered state",
      () => encodePageToken(scope, { o: 1 }).replace(/.$/, (c) => (c === "A" ? "B" : "A")),
    ],
    ["empty", () => ""],
  ])("are refused when %s", (_what, token) => {
    expect(rejected(() => decodePageToken(scope, token(), State)).code).toBe("INVALID_REQUEST");
  });

  it("the refusal tells the caller which field and what to do", () => {
    expect(invalidPageToken()).toMatchObject({
      code: "INVALID_REQUEST",
      status: 400,
      details: [
        { path: "pageToken", message: "pass nextPageToken from the previous page of the same query" },
      ],
    });
  });

  it("pageScope binds the operation, the connection and the whole input", () => {
    const input = { departmentId: "5", pageSize: 10 };
    const bound = pageScope({ connection: "acme" }, "departmentUsers", input);
    expect(bound).toEqual({ operation: "departmentUsers", connection: "acme", query: input });
    expect(bound.query).not.toBe(input);
  });
});

describe("pageOfList: a list held whole, a page at a time", () => {
  const items = Array.from({ length: 7 }, (_, i) => i);

  it("pages through every item once, then says there is no next page", () => {
    const seen: number[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const page = pageOfList(items, { pageSize: 3, pageToken }, scope);
      seen.push(...page.items);
      pageToken = page.nextPageToken ?? undefined;
      pages += 1;
    } while (pageToken !== undefined);
    expect(seen).toEqual(items);
    expect(pages).toBe(3);
  });

  it("gives no next page when the page ends exactly at the end", () => {
    expect(pageOfList([1, 2, 3], { pageSize: 3 }, scope)).toEqual({ items: [1, 2, 3], nextPageToken: null });
    expect(pageOfList([], { pageSize: 3 }, scope)).toEqual({ items: [], nextPageToken: null });
    expect(pageOfList([1, 2, 3, 4], { pageSize: 3 }, scope).nextPageToken).not.toBeNull();
  });

  it("refuses a token of another query or another kind", () => {
    const token = pageOfList(items, { pageSize: 3 }, scope).nextPageToken as string;
    const other = { ...scope, connection: "other" };
    expect(rejected(() => pageOfList(items, { pageSize: 3, pageToken: token }, other)).code).toBe(
      "INVALID_REQUEST",
    );
    const cursor = upstreamCursor.next(scope, "abc") as string;
    expect(rejected(() => pageOfList(items, { pageSize: 3, pageToken: cursor }, scope)).code).toBe(
      "INVALID_REQUEST",
    );
    const negative = encodePageToken(scope, { o: -1 });
    expect(rejected(() => pageOfList(items, { pageSize: 3, pageToken: negative }, scope)).code).toBe(
      "INVALID_REQUEST",
    );
    const fraction = encodePageToken(scope, { o: 1.5 });
    expect(rejected(() => pageOfList(items, { pageSize: 3, pageToken: fraction }, scope)).code).toBe(
      "INVALID_REQUEST",
    );
  });
});

describe("upstreamCursor: a provider's cursor inside dirgate's token", () => {
  it("wraps a cursor and reads it back; no cursor, no token", () => {
    const token = upstreamCursor.next(scope, "feishu-page-2");
    expect(token?.startsWith("dg1.")).toBe(true);
    expect(upstreamCursor.read(scope, token as string)).toBe("feishu-page-2");
    expect(upstreamCursor.read(scope, undefined)).toBeUndefined();
    expect(upstreamCursor.next(scope, undefined)).toBeNull();
    expect(upstreamCursor.next(scope, null)).toBeNull();
    expect(upstreamCursor.next(scope, "")).toBeNull();
  });

  it("refuses a token of another query, and a cursor that is empty or too long", () => {
    const token = upstreamCursor.next(scope, "c") as string;
    expect(rejected(() => upstreamCursor.read({ ...scope, connection: "x" }, token)).code).toBe(
      "INVALID_REQUEST",
    );
    expect(rejected(() => upstreamCursor.read(scope, encodePageToken(scope, { c: "" }))).code).toBe(
      "INVALID_REQUEST",
    );
    expect(upstreamCursor.read(scope, encodePageToken(scope, { c: "x".repeat(2048) }))).toHaveLength(2048);
    expect(
      rejected(() => upstreamCursor.read(scope, encodePageToken(scope, { c: "x".repeat(2049) }))).code,
    ).toBe("INVALID_REQUEST");
  });
});

describe("iterateDepartmentUsers: every member, page after page", () => {
  const user = (id: string) => ({ id }) as unknown as DirectoryUser;
  const client = (
    pages: Record<string, { items: DirectoryUser[]; nextPageToken: string | null } | Error>,
  ) => {
    const asked: (string | undefined)[] = [];
    const c = {
      run: async (_name: string, input: { pageToken?: string }) => {
        asked.push(input.pageToken);
        const page = pages[input.pageToken ?? "first"];
        if (!page) throw new Error(`no page ${input.pageToken}`);
        if (page instanceof Error) throw page;
        return page;
      },
    } as unknown as ProviderClient;
    return { c, asked };
  };
  const input = { departmentId: "5", pageSize: 2, recursive: false } as never;
  const all = async (c: ProviderClient, from = input) => {
    const ids: string[] = [];
    for await (const u of iterateDepartmentUsers(c, from)) ids.push(u.id);
    return ids;
  };

  it("follows nextPageToken to the end, from the page the input names", async () => {
    const { c, asked } = client({
      first: { items: [user("a"), user("b")], nextPageToken: "p2" },
      p2: { items: [user("c")], nextPageToken: "p3" },
      p3: { items: [], nextPageToken: null },
    });
    expect(await all(c)).toEqual(["a", "b", "c"]);
    expect(asked).toEqual([undefined, "p2", "p3"]);
    const resumed = client({ p2: { items: [user("c")], nextPageToken: null } });
    expect(await all(resumed.c, { ...(input as object), pageToken: "p2" } as never)).toEqual(["c"]);
  });

  it("throws when a page fails, after yielding the pages before it", async () => {
    const failure = new DirgateError("UPSTREAM_UNAVAILABLE", "down", { retryable: true });
    const { c } = client({ first: { items: [user("a")], nextPageToken: "p2" }, p2: failure });
    const ids: string[] = [];
    const error = await (async () => {
      for await (const u of iterateDepartmentUsers(c, input)) ids.push(u.id);
    })().catch((e: unknown) => e);
    expect(ids).toEqual(["a"]);
    expect(error).toBe(failure);
  });

  it("stops with UPSTREAM_ERROR when upstream hands back a token it gave before (a loop)", async () => {
    const { c, asked } = client({
      first: { items: [user("a")], nextPageToken: "p2" },
      p2: { items: [user("b")], nextPageToken: "p3" },
      p3: { items: [user("c")], nextPageToken: "p2" },
    });
    const error = (await all(c).catch((e: unknown) => e)) as DirgateError;
    expect(error).toMatchObject({
      code: "UPSTREAM_ERROR",
      message: "upstream returned a page token it had returned before: paging would never end",
    });
    expect(asked).toEqual([undefined, "p2", "p3"]);
  });
});
