import { DEFAULT_HTTP_DEPS, DirectoryDepartmentSchema, type SendResponse } from "@dirgate/core";
import type { Department, Person } from "@dirgate/sandbox";
import { describe, expect, it } from "vitest";
import { demoClient, rejection, testDeps } from "../../helpers/clients.ts";
import { useSandbox } from "../../helpers/sandbox.ts";

/** Feishu's departments, the tree, everyone under a department and batch lookups, against the emulator's view of the demo org. */
const sbx = useSandbox();
const fs = () => sbx.current.feishu.emulator;
const client = () => demoClient(sbx.current, "demo-feishu");
const org = () => sbx.current.org;
/** The people Feishu lists: in Feishu, not resigned. */
const listed = () => org().people.filter((p) => p.in.feishu && p.status !== "resigned");
/** The departments in the demo app's contact scope, the root excluded. */
const inScope = () => org().departments.filter((d) => d.inFeishuScope && d.parentKey !== null);
const byKey = (key: string) => org().departmentByKey.get(key)!;
const RD = "od-4e6ac4d14bcd5071a37a39de902c7141";
const BOARD = "od-6f5a1b7e2c8d9f0e3a4b5c6d7e8f9a01";

const CALLS = {
  batchGetId: "POST /open-apis/contact/v3/users/batch_get_id",
  user: "GET /open-apis/contact/v3/users/:user_id",
  usersBatch: "GET /open-apis/contact/v3/users/batch",
  members: "GET /open-apis/contact/v3/users/find_by_department",
  children: "GET /open-apis/contact/v3/departments/:department_id/children",
};

/** Every key of the subtree under `key`, itself included. */
function subtreeKeys(key: string): Set<string> {
  const keys = new Set([key]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const d of org().departments)
      if (d.parentKey !== null && keys.has(d.parentKey) && !keys.has(d.key)) grew = keys.add(d.key) !== null;
  }
  return keys;
}

const memberOf = (p: Person, keys: Set<string>) => p.memberships.some((m) => keys.has(m.deptKey));

/** Every page of a listing, following nextPageToken. */
async function all<T>(page: (pageToken?: string) => Promise<{ items: T[]; nextPageToken: string | null }>) {
  const items: T[] = [];
  let pages = 0;
  let token: string | undefined;
  do {
    const answer = await page(token);
    items.push(...answer.items);
    token = answer.nextPageToken ?? undefined;
    pages += 1;
  } while (token);
  return { items, pages };
}

describe("Feishu departments", () => {
  it("reads one department: ids of the requested type, parent, order, leaders (main first), member count", async () => {
    const rd = byKey("rd");
    const leaders = (rd.leaderKeys ?? [])
      .map((k) => org().personByKey.get(k)!)
      .filter((p) => listed().includes(p))
      .map((p) => p.userId);
    const members = listed().filter((p) => memberOf(p, subtreeKeys("rd"))).length;
    const answer = await client().department({ departmentId: RD });
    expect(DirectoryDepartmentSchema.parse(answer)).toEqual(answer);
    expect(answer).toEqual({
      provider: "feishu",
      connection: "demo-feishu",
      id: RD,
      parentId: "0",
      name: "研发部",
      order: 10,
      leaderIds: leaders,
      memberCount: members,
    });
    expect(leaders.length).toBeGreaterThan(1); // main and deputies: the order is checked
    // A custom department_id is answered in its own kind; the root has no parent.
    const platform = await client().department({ departmentId: "D005", language: "en_US", include: "raw" });
    expect(platform).toMatchObject({ id: "D005", parentId: "D002", name: "Platform Engineering" });
    expect(platform.raw).toMatchObject({ open_department_id: byKey("platform").feishuOpenId });
    expect((await client().department({ departmentId: "0" })).parentId).toBeNull();
  });

  it.each([
    ["an unknown department (40015)", "od-00000000000000000000000000000000", "40015"],
    ["a department outside the app's scope (40004)", BOARD, "40004"],
  ])("answers DEPARTMENT_NOT_FOUND for %s", async (_name, departmentId, upstream) => {
    expect(await rejection(client().department({ departmentId }))).toMatchObject({
      code: "DEPARTMENT_NOT_FOUND",
      upstream: { code: upstream },
    });
    expect(await rejection(client().departmentChildren({ departmentId, recursive: true }))).toMatchObject({
      code: "DEPARTMENT_NOT_FOUND",
      upstream: { code: upstream },
    });
  });

  it("lists direct children at Feishu's page size of 50, in its order, the out-of-scope ones left out", async () => {
    fs().startRecording();
    const direct = await client().departmentChildren({ departmentId: "0", pageSize: 100 });
    const sent = fs().stopRecording();
    expect(direct.nextPageToken).toBeNull();
    expect(direct.items.map((d) => d.id)).toEqual(
      inScope()
        .filter((d) => d.parentKey === "root")
        .sort((a, b) => (a.order ?? 0) - (b.order ?? 0))
        .map((d) => d.feishuOpenId),
    );
    expect(direct.items.every((d) => d.parentId === "0")).toBe(true);
    const query = new URL(sent.at(-1)!.rawUrl, "http://x").searchParams;
    expect(Object.fromEntries(query)).toMatchObject({ fetch_child: "false", page_size: "50" });
  });

  it("lists the whole subtree across pages: every in-scope department once, parents before children", async () => {
    const c = client();
    const { items, pages } = await all((pageToken) =>
      c.departmentChildren({
        departmentId: "0",
        departmentIdType: "departmentId",
        recursive: true,
        pageSize: 4,
        pageToken,
      }),
    );
    const ids = items.map((d) => d.id);
    expect(pages).toBeGreaterThan(2);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(
      inScope()
        .map((d) => d.feishuId)
        .sort(),
    );
    // Breadth-first: a department's parent comes before it, and depth never decreases.
    const depth = (d: Department): number => (d.parentKey === "root" ? 1 : 1 + depth(byKey(d.parentKey!)));
    const depths = ids.map((id) => depth(org().departments.find((d) => d.feishuId === id)!));
    expect(depths).toEqual([...depths].sort((a, b) => a - b));
    for (const d of items)
      if (d.parentId !== "0") expect(ids.indexOf(d.parentId!)).toBeLessThan(ids.indexOf(d.id));
  });
});

describe("Feishu everyone under a department", () => {
  it("walks the whole org (root 0): the emulator's people each once, each department's member pages read once", async () => {
    const c = client();
    const { items, pages } = await all((pageToken) =>
      c.departmentUsers({ departmentId: "0", recursive: true, pageSize: 100, pageToken }),
    );
    const ids = items.map((u) => u.id);
    const scope = new Set(["root", ...inScope().map((d) => d.key)]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(
      new Set(
        listed()
          .filter((p) => memberOf(p, scope))
          .map((p) => p.userId),
      ),
    );
    expect(pages).toBeGreaterThan(1);
    // find_by_department: each department's pages of 50 once (an empty department: one call).
    const minimum = [...scope].reduce(
      (n, key) => n + Math.max(1, Math.ceil(listed().filter((p) => memberOf(p, new Set([key]))).length / 50)),
      0,
    );
    expect(fs().counter(CALLS.members)).toBe(minimum);
    // The subtree is read once for the whole walk, not once per page.
    expect(fs().counter(CALLS.children)).toBe(Math.ceil(inScope().length / 50));
  });

  it("lists a person in several departments of the subtree once, with custom department ids and open ids", async () => {
    const keys = subtreeKeys("rd");
    const people = listed().filter((p) => memberOf(p, keys));
    // Meaningful only if someone is in two departments of the subtree.
    expect(people.some((p) => p.memberships.filter((m) => keys.has(m.deptKey)).length > 1)).toBe(true);
    const c = client();
    const { items } = await all((pageToken) =>
      c.departmentUsers({ departmentId: "D002", recursive: true, idType: "openId", pageSize: 20, pageToken }),
    );
    const ids = items.map((u) => u.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(new Set(people.map((p) => p.feishuOpenId)));
    // The members' department ids are of the walk's kind (custom ids here).
    expect(items.flatMap((u) => u.departments.map((d) => d.id))).toContain("D002");
  });

  it("fails loudly when a member page fails in the middle of a walk", async () => {
    const c = demoClient(sbx.current, "demo-feishu", testDeps({ maxAttempts: 1 }).deps);
    const first = await c.departmentUsers({ departmentId: "0", recursive: true, pageSize: 50 });
    expect(first.nextPageToken).not.toBeNull();
    fs().addFault({ kind: "http503", path: "/open-apis/contact/v3/users/find_by_department" });
    expect(
      await rejection(
        c.departmentUsers({
          departmentId: "0",
          recursive: true,
          pageSize: 50,
          pageToken: first.nextPageToken!,
        }),
      ),
    ).toMatchObject({ code: "UPSTREAM_UNAVAILABLE" });
  });

  it("refuses a page token another query returned, before any upstream call", async () => {
    const children = await client().departmentChildren({ departmentId: "0", recursive: true, pageSize: 2 });
    const walk = await client().departmentUsers({ departmentId: "0", recursive: true, pageSize: 10 });
    const before = { ...fs().countersSnapshot() };
    const refused = [
      client().departmentChildren({ departmentId: "0", pageSize: 2, pageToken: children.nextPageToken! }),
      client().departmentChildren({ departmentId: RD, recursive: true, pageToken: children.nextPageToken! }),
      client().departmentUsers({
        departmentId: RD,
        recursive: true,
        pageSize: 10,
        pageToken: walk.nextPageToken!,
      }),
      client().departmentUsers({ departmentId: "0", pageSize: 10, pageToken: walk.nextPageToken! }),
    ];
    for (const answer of refused)
      expect(await rejection(answer)).toMatchObject({
        code: "INVALID_REQUEST",
        message: "pageToken is not one this query returned",
      });
    expect(fs().counter(CALLS.members)).toBe(before[CALLS.members] ?? 0);
    expect(fs().counter(CALLS.children)).toBe(before[CALLS.children] ?? 0);
  });

  it("has no loginId", async () => {
    expect(
      await rejection(client().departmentUsers({ departmentId: "0", recursive: true, idType: "loginId" })),
    ).toMatchObject({ code: "UNSUPPORTED_OPERATION" });
  });
});

/** People Feishu finds by `field`, whose value no one else shares. */
function findable(field: (p: Person) => string | undefined): Person[] {
  const visible = org().people.filter((p) => p.in.feishu && p.status !== "resigned");
  const counts = new Map<string, number>();
  for (const p of org().people) {
    const value = field(p);
    if (value) counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  return visible.filter((p) => field(p) && counts.get(field(p)!) === 1);
}
const mobileOf = (p: Person) => (p.mobile ? `+${p.mobile.countryCode}${p.mobile.national}` : undefined);
/** The bodies of the batch_get_id calls among recorded requests. */
const batchBodies = (requests: { rawUrl: string; rawBody: string }[]) =>
  requests
    .filter((r) => r.rawUrl.includes("batch_get_id"))
    .map((r) => JSON.parse(r.rawBody) as { mobiles?: string[]; emails?: string[] });
/** The query of each users/batch call among recorded requests, in the order they arrived. */
const usersBatchQueries = (requests: { rawUrl: string }[]) =>
  requests
    .map((r) => new URL(r.rawUrl, "http://emulator"))
    .filter((url) => url.pathname === "/open-apis/contact/v3/users/batch")
    .map((url) => url.searchParams);

describe("Feishu batch lookups", () => {
  it("resolves 100 mobiles with 2 batch_get_id calls and 2 users/batch calls, in input order", async () => {
    const people = findable(mobileOf).slice(0, 97);
    expect(people).toHaveLength(97);
    const unknown = ["+8613000000001", "+8613000000002"];
    expect(org().people.filter((p) => unknown.includes(mobileOf(p) ?? ""))).toEqual([]);
    const items = [
      ...people.map((p) => ({ mobile: mobileOf(p)! })),
      { mobile: "+86 130 0000 0001" },
      { mobile: "13000000002" },
      { mobile: "12345" },
    ];
    fs().startRecording();
    const answer = await client().usersLookup({ items });
    const recorded = fs().stopRecording();
    const sent = batchBodies(recorded);
    expect(answer.items.map((i) => (i.ok ? i.user.id : i.error.code))).toEqual([
      ...people.map((p) => p.userId),
      "USER_NOT_FOUND",
      "USER_NOT_FOUND",
      "INVALID_REQUEST",
    ]);
    expect(answer.items.slice(0, 97).every((i) => i.ok && "name" in i.user)).toBe(true);
    expect(fs().counter(CALLS.batchGetId)).toBe(2);
    expect(sent.map((b) => b.mobiles?.length).sort()).toEqual([49, 50]);
    // The 97 users found are read 50 at a time, by user_id, each once: no users/:user_id call.
    expect(fs().counter(CALLS.usersBatch)).toBe(2);
    expect(fs().counter(CALLS.user)).toBe(0);
    const reads = usersBatchQueries(recorded);
    expect(reads.map((q) => q.getAll("user_ids").length).sort()).toEqual([47, 50]);
    expect(reads.every((q) => q.get("user_id_type") === "user_id")).toBe(true);
    expect(new Set(reads.flatMap((q) => q.getAll("user_ids")))).toEqual(new Set(people.map((p) => p.userId)));
  });

  it("packs mobiles and emails into the same calls, asks each once, and reads no profile with idsOnly", async () => {
    const withEmail = findable((p) => p.email);
    const [a, ...others] = findable(mobileOf).filter((p) => withEmail.includes(p));
    const mobiles = findable(mobileOf)
      .filter((p) => p !== a)
      .slice(0, 40);
    const emails = withEmail.filter((p) => p !== a).slice(0, 51);
    const b = others[0]!;
    const items = [
      { mobile: mobileOf(a!)! },
      { email: a!.email! },
      { mobile: `00${a!.mobile!.countryCode} ${a!.mobile!.national}` }, // the same number again
      ...mobiles.map((p) => ({ mobile: mobileOf(p)! })),
      ...emails.map((p) => ({ email: p.email! })),
      { email: "nobody@example.com" },
      { userId: b.feishuOpenId, idType: "openId" as const },
      { userId: b.userId, idType: "loginId" as const },
    ];
    fs().startRecording();
    const answer = await client().usersLookup({ items, idsOnly: true });
    const sent = batchBodies(fs().stopRecording());
    expect(answer.items.map((i) => (i.ok ? i.user.id : i.error.code))).toEqual([
      a!.userId,
      a!.userId,
      a!.userId,
      ...mobiles.map((p) => p.userId),
      ...emails.map((p) => p.userId),
      "USER_NOT_FOUND",
      b.feishuOpenId,
      "UNSUPPORTED_OPERATION",
    ]);
    // 41 distinct mobiles and 53 distinct emails: two calls (not three), never more than 50 of either in one.
    expect(sent).toHaveLength(2);
    for (const body of sent) {
      expect(body.mobiles?.length ?? 0).toBeLessThanOrEqual(50);
      expect(body.emails?.length ?? 0).toBeLessThanOrEqual(50);
    }
    expect(sent.flatMap((body) => body.mobiles ?? [])).toHaveLength(41);
    expect(sent.flatMap((body) => body.emails ?? [])).toHaveLength(53);
    // idsOnly: only the id item reads a profile (by open_id); the loginId item makes no call.
    expect(fs().counter(CALLS.usersBatch)).toBe(1);
    expect(fs().counter(CALLS.user)).toBe(0);
  });

  it("reads the users found and the id items as userById does: ≤ 50 ids of one type a call, each id once", async () => {
    const people = findable(mobileOf);
    const [a, b, c] = people;
    const hidden = listed().find((p) => p.hideMobile && p.mobile && ![a, b, c].includes(p))!;
    expect(hidden).toBeDefined();
    const odd = "a/b?c&user_ids=d";
    const items = [
      { mobile: mobileOf(a!)! },
      { userId: a!.userId }, // the user the mobile found: read once
      { userId: b!.feishuOpenId, idType: "openId" as const },
      { userId: c!.feishuUnionId, idType: "unionId" as const },
      { userId: hidden.userId },
      { userId: "nobody" },
      { userId: odd },
      { userId: b!.feishuOpenId, idType: "openId" as const },
    ];
    fs().startRecording();
    const answer = await client().usersLookup({ items, include: "raw", language: "en_US" });
    const reads = usersBatchQueries(fs().stopRecording());
    expect(fs().counter(CALLS.batchGetId)).toBe(1);
    expect(fs().counter(CALLS.user)).toBe(0);
    expect(reads.map((q) => [q.get("user_id_type"), q.getAll("user_ids")])).toEqual([
      ["user_id", [a!.userId, hidden.userId, "nobody", odd]], // the id sent as it is, URL-encoded
      ["open_id", [b!.feishuOpenId]],
      ["union_id", [c!.feishuUnionId]],
    ]);
    // The same DirectoryUser as userById gives: field mapping, the hidden mobile, raw, ids.
    const byId = (userId: string, idType: "userId" | "openId" | "unionId" = "userId") =>
      client().userById({ userId, idType, include: "raw", language: "en_US" });
    const expected = [
      await byId(a!.userId),
      await byId(a!.userId),
      await byId(b!.feishuOpenId, "openId"),
      await byId(c!.feishuUnionId, "unionId"),
      await byId(hidden.userId),
    ];
    expect(answer.items.slice(0, 5)).toEqual(expected.map((user) => ({ ok: true, user })));
    expect((expected[4] as { mobile?: unknown }).mobile).toBeUndefined();
    expect(answer.items[2]).toMatchObject({ ok: true, user: { id: b!.feishuOpenId } });
    expect(answer.items.slice(5, 7).map((i) => !i.ok && i.error.code)).toEqual([
      "USER_NOT_FOUND",
      "USER_NOT_FOUND",
    ]);
    expect(answer.items[7]).toEqual(answer.items[2]);
  });

  it("fails the whole lookup when Feishu refuses the app's credentials; exposes what the connection says", async () => {
    const refused = demoClient(sbx.current, "demo-feishu", testDeps().deps, { appSecret: "not-the-secret" });
    const items = [{ userId: "3e3cf96b" }, { userId: "zhangsan" }];
    expect(await rejection(refused.usersLookup({ items }))).toMatchObject({ code: "UPSTREAM_AUTH_FAILED" });
    // `expose: ["mobile"]` shows a hidden mobile, in the lookup as in userById.
    const hidden = listed().find((p) => p.hideMobile && p.mobile)!;
    const exposing = demoClient(sbx.current, "demo-feishu", testDeps().deps, { expose: ["mobile"] });
    const answer = await exposing.usersLookup({ items: [{ userId: hidden.userId }], include: "raw" });
    const single = await exposing.userById({ userId: hidden.userId, idType: "userId", include: "raw" });
    expect(single.mobile).toBeDefined();
    expect(answer.items).toEqual([{ ok: true, user: single }]);
  });

  it("answers every item a failed users/batch call carried with its error, and the others", async () => {
    const c = demoClient(sbx.current, "demo-feishu", testDeps({ maxAttempts: 1 }).deps);
    const people = listed().slice(0, 55);
    expect(people).toHaveLength(55);
    const items = [...people.map((p) => ({ userId: p.userId })), { userId: people[54]!.userId }];
    fs().addFault({ kind: "http503", path: "/open-apis/contact/v3/users/batch" });
    fs().startRecording();
    const answer = await c.usersLookup({ items });
    const reads = usersBatchQueries(fs().stopRecording());
    expect(reads.map((q) => q.getAll("user_ids").length).sort((x, y) => x - y)).toEqual([5, 50]);
    const failed = new Set(reads[0]!.getAll("user_ids")); // the fault takes the first call to arrive
    expect(answer.items).toHaveLength(items.length);
    answer.items.forEach((item, i) => {
      const id = items[i]!.userId;
      if (failed.has(id))
        expect(item, id).toMatchObject({ ok: false, error: { code: "UPSTREAM_UNAVAILABLE", status: 503 } });
      else expect(item, id).toMatchObject({ ok: true, user: { id } });
    });
    expect(answer.items.filter((i) => !i.ok).length).toBeGreaterThan(0);
  });

  /** A client whose users/batch answers pass through `rewrite` (Feishu behaviours the emulator does not choose). */
  const rewriting = (rewrite: (answer: SendResponse) => SendResponse) =>
    demoClient(
      sbx.current,
      "demo-feishu",
      testDeps({
        send: async (request) => {
          const answer = await DEFAULT_HTTP_DEPS.send(request);
          return new URL(request.url).pathname === "/open-apis/contact/v3/users/batch"
            ? rewrite(answer)
            : answer;
        },
      }).deps,
    );

  it("reads the ids of a users/batch call Feishu refused as a whole (40001, 41050) one by one: one bad id fails no other", async () => {
    const [a, b] = listed();
    const c = rewriting((answer) => ({
      ...answer,
      status: 400,
      text: JSON.stringify({ code: 40001, msg: "invalid parameter" }),
    }));
    fs().startRecording();
    const answer = await c.usersLookup({
      items: [{ userId: a!.userId }, { userId: "bad id" }, { userId: b!.userId }],
    });
    const recorded = fs().stopRecording();
    expect(usersBatchQueries(recorded)).toHaveLength(1);
    expect(
      recorded.filter(
        (r) => r.rawUrl.startsWith("/open-apis/contact/v3/users/") && !r.rawUrl.includes("batch"),
      ),
    ).toHaveLength(3);
    expect(answer.items.map((i) => (i.ok ? i.user.id : i.error.code))).toEqual([
      a!.userId,
      "USER_NOT_FOUND",
      b!.userId,
    ]);
  });

  it("does not read entries without the asked id (an app without the user-id field scope) as users not found", async () => {
    const [a, b] = listed();
    const c = rewriting((answer) => {
      const body = JSON.parse(answer.text) as { data: { items: Record<string, unknown>[] } };
      for (const item of body.data.items) delete item["user_id"];
      return { ...answer, text: JSON.stringify(body) };
    });
    const answer = await c.usersLookup({
      items: [{ userId: a!.userId }, { userId: b!.userId }, { userId: "nobody" }],
    });
    expect(answer.items.map((i) => (i.ok ? i.user.id : i.error.code))).toEqual([
      a!.userId,
      b!.userId,
      "USER_NOT_FOUND",
    ]);
  });

  it("finds a user by email, and no one by an unknown address", async () => {
    const [person] = findable((p) => p.email);
    const user = await client().userByEmail({ email: person!.email! });
    expect(user).toMatchObject({ provider: "feishu", id: person!.userId, email: person!.email });
    expect(await client().userByEmail({ email: person!.email!, idsOnly: true })).toEqual({
      provider: "feishu",
      connection: "demo-feishu",
      id: person!.userId,
    });
    expect(await rejection(client().userByEmail({ email: "nobody@example.com" }))).toMatchObject({
      code: "USER_NOT_FOUND",
    });
    expect(fs().counter(CALLS.batchGetId)).toBe(3);
    expect(fs().counter(CALLS.user)).toBe(1);
  });
});
