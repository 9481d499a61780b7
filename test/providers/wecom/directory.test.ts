import { describe, expect, it } from "vitest";
import { inWeCom, type Person } from "../../../packages/sandbox/src/org.ts";
import { demoClient, rejection, type TestClient } from "../../helpers/clients.ts";
import { useSandbox } from "../../helpers/sandbox.ts";

/** WeCom's departments, the tree and everyone under a department, against the demo org's ground truth. */
const sbx = useSandbox();
const em = () => sbx.current.wecom.emulator;
const org = () => sbx.current.org;
const wecomPeople = () => org().people.filter(inWeCom);
const deptId = (key: string) => {
  const d = org().departmentByKey.get(key)!;
  return String(d.wecomId ?? d.dingtalkId);
};

/** Every page of a listing, and how many pages it took. */
async function everyPage<T>(
  list: (pageToken?: string) => Promise<{ items: T[]; nextPageToken: string | null }>,
): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let pageToken: string | undefined;
  let pages = 0;
  do {
    const page = await list(pageToken);
    items.push(...page.items);
    pageToken = page.nextPageToken ?? undefined;
    pages += 1;
  } while (pageToken && pages < 500);
  return { items, pages };
}

const walk = (client: TestClient, departmentId: string, pageSize: number) =>
  everyPage((pageToken) => client.departmentUsers({ departmentId, recursive: true, pageSize, pageToken }));

describe("WeCom departments", () => {
  it("reads one department: parent, order, leaders, its English name on request; the root has no parent", async () => {
    const client = demoClient(sbx.current, "demo-wecom");
    const rd = await client.department({ departmentId: "2" });
    const leaders = wecomPeople()
      .filter((p) => p.memberships.some((m) => m.deptKey === "rd" && m.leader))
      .map((p) => p.wecomUserId);
    expect(rd).toMatchObject({ provider: "wecom", id: "2", parentId: "1", name: "研发部", order: 10 });
    expect(new Set(rd.leaderIds)).toEqual(new Set(leaders));
    expect((await client.department({ departmentId: "2", language: "en_US" })).name).toBe("R&D");
    expect((await client.department({ departmentId: "1" })).parentId).toBeNull();
  });

  it("refuses ids WeCom cannot have before calling upstream", async () => {
    const client = demoClient(sbx.current, "demo-wecom");
    for (const departmentId of ["abc", "4294967296", "-1"]) {
      expect(await rejection(client.department({ departmentId })), departmentId).toMatchObject({
        code: "INVALID_REQUEST",
      });
    }
    expect(
      await rejection(client.department({ departmentId: "od-1", departmentIdType: "openDepartmentId" })),
    ).toMatchObject({ code: "UNSUPPORTED_OPERATION" });
    expect(em().counter("GET /cgi-bin/department/get")).toBe(0);
  });

  it("lists direct children from one simplelist call, and the whole subtree breadth-first", async () => {
    const client = demoClient(sbx.current, "demo-wecom");
    const direct = await client.departmentChildren({ departmentId: "1", pageSize: 100 });
    const rootChildren = org()
      .departments.filter((d) => d.parentKey === "root")
      .map((d) => deptId(d.key));
    expect(direct.items.map((d) => d.id).sort()).toEqual(rootChildren.sort());
    expect(direct.items.every((d) => d.name.length > 0 && d.parentId === "1")).toBe(true);

    const { items, pages } = await everyPage((pageToken) =>
      client.departmentChildren({ departmentId: "1", recursive: true, pageSize: 3, pageToken }),
    );
    const ids = items.map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(
      org()
        .departments.filter((d) => d.parentKey !== null)
        .map((d) => deptId(d.key))
        .sort(),
    );
    // Breadth-first: a department's parent is the root or came before it; depth never decreases.
    const depth = new Map<string, number>([["1", 0]]);
    for (const d of items) {
      expect(d.parentId === "1" || ids.indexOf(d.parentId!) < ids.indexOf(d.id), d.id).toBe(true);
      depth.set(d.id, depth.get(d.parentId!)! + 1);
    }
    const depths = ids.map((id) => depth.get(id)!);
    expect(depths).toEqual([...depths].sort((a, b) => a - b));
    // One simplelist for both listings (kept across pages), one department/get per department returned.
    expect(pages).toBe(Math.ceil(ids.length / 3));
    expect(em().counter("GET /cgi-bin/department/simplelist")).toBe(1);
    expect(em().counter("GET /cgi-bin/department/get")).toBe(direct.items.length + ids.length);
  });

  it("lists what a scoped app sees, and refuses what it does not", async () => {
    const legacy = demoClient(sbx.current, "demo-wecom-legacy-app");
    const sales = await legacy.departmentChildren({ departmentId: deptId("sales"), recursive: true });
    expect(sales.items.map((d) => d.id).sort()).toEqual(
      org()
        .subtreeOf("sales")
        .filter((d) => d.key !== "sales")
        .map((d) => deptId(d.key))
        .sort(),
    );
    expect(await rejection(legacy.departmentChildren({ departmentId: "1" }))).toMatchObject({
      code: "PROVIDER_PERMISSION_DENIED",
      upstream: { code: "60011" },
    });
  });
});

describe("WeCom everyone under a department", () => {
  it("walks the whole org recursively: the emulator's people, each once, one user/list per department", async () => {
    const client = demoClient(sbx.current, "demo-wecom");
    const { items, pages } = await walk(client, "1", 50);
    const ids = items.map((u) => u.id);
    const expected = wecomPeople().map((p) => p.wecomUserId!);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(new Set(expected));
    // Pages are full but the last: the walk never returns a short page it could have filled.
    expect(pages).toBe(Math.ceil(expected.length / 50));
    // Upstream: one token, one simplelist, one user/list per department; never a user/get per person.
    expect(em().countersSnapshot()).toEqual({
      "GET /cgi-bin/gettoken": 1,
      "GET /cgi-bin/department/simplelist": 1,
      "GET /cgi-bin/user/list": org().departments.length,
    });
    // Each person as user/list shows them to this app: full records, the withheld fields named.
    const zhangsan = items.find((u) => u.id === "zhangsan")!;
    expect(zhangsan).toMatchObject({
      name: "John",
      managerId: "manager240",
      withheld: expect.arrayContaining(["mobile"]),
    });
    expect(new Set(items.map((u) => u.status))).toEqual(
      new Set(["active", "inactive", "disabled", "resigned"]),
    );
  });

  it("gives the same people with the contact-sync secret (mobiles included), without list_id", async () => {
    const { items } = await walk(demoClient(sbx.current, "demo-wecom-contacts"), "1", 100);
    expect(new Set(items.map((u) => u.id))).toEqual(new Set(wecomPeople().map((p) => p.wecomUserId!)));
    expect(items.find((u) => u.id === "zhangsan")?.mobile?.e164).toBe("+8613800138000");
    expect(em().counter("POST /cgi-bin/user/list_id")).toBe(0);
  });

  it("walks a scoped app's subtree: the people of that subtree, each once", async () => {
    const legacy = demoClient(sbx.current, "demo-wecom-legacy-app");
    const keys = new Set(
      org()
        .subtreeOf("rd")
        .map((d) => d.key),
    );
    const { items } = await walk(legacy, "2", 7);
    const ids = items.map((u) => u.id);
    const inRd = (p: Person) => p.memberships.some((m) => keys.has(m.deptKey));
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(
      new Set(
        wecomPeople()
          .filter(inRd)
          .map((p) => p.wecomUserId!),
      ),
    );
    expect(em().counter("GET /cgi-bin/user/list")).toBe(keys.size);
  });

  it("pages a department's direct members from one user/list call", async () => {
    const client = demoClient(sbx.current, "demo-wecom");
    const { items, pages } = await everyPage((pageToken) =>
      client.departmentUsers({ departmentId: deptId("platform"), pageSize: 10, pageToken }),
    );
    const expected = org()
      .membersOf("platform")
      .filter(inWeCom)
      .map((p) => p.wecomUserId!);
    expect(items.map((u) => u.id).sort()).toEqual([...expected].sort());
    expect(pages).toBe(Math.ceil(expected.length / 10));
    expect(em().counter("GET /cgi-bin/user/list")).toBe(1);
  });

  it("refuses a page token from another query, or one tampered with", async () => {
    const client = demoClient(sbx.current, "demo-wecom");
    const first = await client.departmentUsers({ departmentId: "1", recursive: true, pageSize: 10 });
    const other = await rejection(
      client.departmentUsers({
        departmentId: "2",
        recursive: true,
        pageSize: 10,
        pageToken: first.nextPageToken!,
      }),
    );
    expect(other).toMatchObject({
      code: "INVALID_REQUEST",
      message: "pageToken is not one this query returned",
    });
    const state = JSON.parse(Buffer.from(first.nextPageToken!.slice(4), "base64url").toString()) as {
      s: { c?: string };
    };
    const forged = `dg1.${Buffer.from(JSON.stringify({ ...state, s: { ...state.s, c: "-5" } })).toString("base64url")}`;
    expect(
      await rejection(
        client.departmentUsers({ departmentId: "1", recursive: true, pageSize: 10, pageToken: forged }),
      ),
    ).toMatchObject({ code: "INVALID_REQUEST" });
  });

  it("fails loudly when a department's list fails in the middle of a walk", async () => {
    const client = demoClient(sbx.current, "demo-wecom");
    const first = await client.departmentUsers({ departmentId: "1", recursive: true, pageSize: 50 });
    em().addFault({ kind: "http503", count: 100, path: "/cgi-bin/user/list" });
    // Later pages read departments the first did not (lists are kept 60 s): those reads now fail.
    let pageToken = first.nextPageToken;
    let failure: unknown;
    while (pageToken && failure === undefined) {
      const page = await client
        .departmentUsers({ departmentId: "1", recursive: true, pageSize: 50, pageToken })
        .catch((error: unknown) => {
          failure = error;
          return undefined;
        });
      pageToken = page?.nextPageToken ?? null;
    }
    expect(failure).toMatchObject({ code: "UPSTREAM_UNAVAILABLE" });
  });

  it("lists by userId only", async () => {
    const error = await rejection(
      demoClient(sbx.current, "demo-wecom").departmentUsers({ departmentId: "1", idType: "openId" }),
    );
    expect(error.code).toBe("UNSUPPORTED_OPERATION");
  });
});
