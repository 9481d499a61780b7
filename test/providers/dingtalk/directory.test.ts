import { describe, expect, it } from "vitest";
import { demoClient, rejection } from "../../helpers/clients.ts";
import { useSandbox } from "../../helpers/sandbox.ts";

/** DingTalk's departments, the tree and everyone under a department, against the demo org's ground truth. */
const sbx = useSandbox();
const dt = () => sbx.current.dingtalk.emulator;
const listed = () => sbx.current.org.people.filter((p) => p.in.dingtalk && p.status !== "resigned");

describe("DingTalk departments", () => {
  it("reads one department: its parent, order and leaders; the root has no parent", async () => {
    const client = demoClient(sbx.current, "demo-dingtalk");
    const rd = await client.department({ departmentId: "2" });
    const leaders = listed()
      .filter((p) => p.memberships.some((m) => m.deptKey === "rd" && m.leader))
      .map((p) => p.userId);
    expect(rd).toMatchObject({ provider: "dingtalk", id: "2", parentId: "1", name: "研发部" });
    expect(new Set(rd.leaderIds)).toEqual(new Set(leaders));
    expect((await client.department({ departmentId: "1" })).parentId).toBeNull();
    expect(await rejection(client.department({ departmentId: "999" }))).toMatchObject({
      code: "DEPARTMENT_NOT_FOUND",
    });
    expect(await rejection(client.department({ departmentId: "9007199254740993" }))).toMatchObject({
      code: "INVALID_REQUEST",
    });
  });

  it("lists direct children, and the whole subtree breadth-first, each department once", async () => {
    const client = demoClient(sbx.current, "demo-dingtalk");
    const org = sbx.current.org;
    const direct = await client.departmentChildren({ departmentId: "1", pageSize: 100 });
    const rootChildren = org.departments
      .filter((d) => d.parentKey === "root")
      .map((d) => String(d.dingtalkId));
    expect(direct.items.map((d) => d.id).sort()).toEqual(rootChildren.sort());
    const ids: string[] = [];
    let pageToken: string | undefined;
    do {
      const page = await client.departmentChildren({
        departmentId: "1",
        recursive: true,
        pageSize: 3,
        pageToken,
      });
      ids.push(...page.items.map((d) => d.id));
      pageToken = page.nextPageToken ?? undefined;
    } while (pageToken);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(
      org.departments
        .filter((d) => d.parentKey !== null)
        .map((d) => String(d.dingtalkId))
        .sort(),
    );
  });
});

describe("DingTalk everyone under a department", () => {
  it("walks the whole org recursively: the emulator's people, each once, member pages read once", async () => {
    const client = demoClient(sbx.current, "demo-dingtalk");
    const ids: string[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const page = await client.departmentUsers({
        departmentId: "1",
        recursive: true,
        pageSize: 100,
        pageToken,
      });
      ids.push(...page.items.map((u) => u.id));
      pageToken = page.nextPageToken ?? undefined;
      pages += 1;
    } while (pageToken);
    const expected = listed().map((p) => p.userId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(new Set(expected));
    // Member pages: each department's pages of up to 100 once.
    const org = sbx.current.org;
    const minimum = org.departments.reduce(
      (n, d) =>
        n +
        Math.max(
          1,
          Math.ceil(listed().filter((p) => p.memberships.some((m) => m.deptKey === d.key)).length / 100),
        ),
      0,
    );
    expect(dt().counter("POST /topapi/v2/user/list")).toBe(minimum);
    expect(pages).toBeGreaterThan(1);
  });

  it("refuses a page token from another query, whatever its provider cursor says", async () => {
    const client = demoClient(sbx.current, "demo-dingtalk");
    const first = await client.departmentUsers({ departmentId: "5", pageSize: 10 });
    expect(first.nextPageToken).toMatch(/^dg1\./);
    expect(
      await rejection(
        client.departmentUsers({ departmentId: "2", pageSize: 10, pageToken: first.nextPageToken! }),
      ),
    ).toMatchObject({
      code: "INVALID_REQUEST",
      message: "pageToken is not one this query returned",
    });
    expect(
      await rejection(client.departmentUsers({ departmentId: "5", pageSize: 10, pageToken: "10" })),
    ).toMatchObject({
      code: "INVALID_REQUEST",
    });
  });

  it("fails loudly when a page fails in the middle of a walk", async () => {
    const client = demoClient(sbx.current, "demo-dingtalk");
    const first = await client.departmentUsers({ departmentId: "1", recursive: true, pageSize: 50 });
    dt().addFault({ kind: "http503", count: 10, path: "/topapi/v2/user/list" });
    expect(
      await rejection(
        client.departmentUsers({
          departmentId: "1",
          recursive: true,
          pageSize: 50,
          pageToken: first.nextPageToken!,
        }),
      ),
    ).toMatchObject({ code: "UPSTREAM_UNAVAILABLE" });
  });
});

describe("DingTalk lookups", () => {
  it("answers many lookups in input order, one failure never failing the others", async () => {
    const client = demoClient(sbx.current, "demo-dingtalk");
    const answer = await client.usersLookup({
      items: [
        { mobile: "13800138000" },
        { mobile: "13800000000" },
        { email: "test@xxx.com" },
        { userId: "manager240" },
      ],
    });
    expect(answer.items.map((i) => (i.ok ? i.user.id : i.error.code))).toEqual([
      "zhangsan",
      "USER_NOT_FOUND",
      "UNSUPPORTED_OPERATION",
      "manager240",
    ]);
  });

  it("has no lookup by email: 501 naming DingTalk", async () => {
    const error = await rejection(
      demoClient(sbx.current, "demo-dingtalk").userByEmail({ email: "test@xxx.com" }),
    );
    expect(error).toMatchObject({ code: "UNSUPPORTED_OPERATION" });
    expect(String(error["message"])).toContain("DingTalk");
  });
});
