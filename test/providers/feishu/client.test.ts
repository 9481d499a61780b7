import { encodePageToken, inputSchema } from "@dirgate/core";
import { iterateDepartmentUsers } from "@dirgate/providers";
import { describe, expect, it } from "vitest";
import { demoClient, rejection, testDeps } from "../../helpers/clients.ts";
import { useSandbox } from "../../helpers/sandbox.ts";

const sbx = useSandbox();
const list = (input: { departmentId: string; pageSize: number }) =>
  inputSchema("departmentUsers").parse(input);
const fs = () => sbx.current.feishu.emulator;
const BIG = "od-5caa30529e8feabe141512b5c3c7153a";

describe("Feishu client against the sandbox", () => {
  it("pages find_by_department (seed 004) through nextPageToken: every member exactly once", async () => {
    const client = demoClient(sbx.current, "demo-feishu");
    const ids: string[] = [];
    let pageToken: string | undefined;
    do {
      const page = await client.departmentUsers({ departmentId: BIG, pageSize: 50, pageToken });
      expect(page.items.length).toBeLessThanOrEqual(50);
      ids.push(...page.items.map((u) => u.id));
      pageToken = page.nextPageToken ?? undefined;
    } while (pageToken);
    const expected = sbx.current.org.people.filter(
      (p) => p.in.feishu && p.status !== "resigned" && p.memberships.some((m) => m.deptKey === "platform"),
    );
    expect(ids.length).toBe(expected.length);
    expect(new Set(ids)).toEqual(new Set(expected.map((p) => p.userId)));
  });

  it("iterates every page, clamping pageSize to Feishu's 50", async () => {
    const client = demoClient(sbx.current, "demo-feishu");
    const users = [];
    for await (const user of iterateDepartmentUsers(client, list({ departmentId: BIG, pageSize: 100 })))
      users.push(user);
    expect(users.length).toBeGreaterThan(120);
    expect(fs().counter("GET /open-apis/contact/v3/users/find_by_department")).toBe(
      Math.ceil(users.length / 50),
    );
  });

  it("throws when a page fails instead of ending quietly with half a list", async () => {
    const client = demoClient(sbx.current, "demo-feishu", testDeps({ maxAttempts: 1 }).deps);
    const seen: string[] = [];
    let calls = 0;
    const failing: typeof client = {
      ...client,
      run: async (name, input, options) => {
        calls += 1;
        if (calls === 2) fs().addFault({ kind: "http500" });
        return client.run(name, input, options);
      },
    };
    const error = await (async () => {
      for await (const user of iterateDepartmentUsers(failing, list({ departmentId: BIG, pageSize: 50 })))
        seen.push(user.id);
    })().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "UPSTREAM_UNAVAILABLE" });
    expect(seen).toHaveLength(50);
  });

  it("finds 张三 by the seed's department with custom department_id and openId", async () => {
    const client = demoClient(sbx.current, "demo-feishu");
    const page = await client.departmentUsers({ departmentId: "D002", idType: "openId" });
    expect(page.items.map((u) => u.id)).toContain("ou_7dab8a3d3cdcc9da365777c7ad535d62");
  });

  it("looks a user up by userId, openId and unionId", async () => {
    const client = demoClient(sbx.current, "demo-feishu");
    expect((await client.userById({ userId: "3e3cf96b" })).name).toBe("张三");
    expect(
      (await client.userById({ userId: "ou_7dab8a3d3cdcc9da365777c7ad535d62", idType: "openId" })).id,
    ).toBe("ou_7dab8a3d3cdcc9da365777c7ad535d62");
    expect(
      (await client.userById({ userId: "on_94a1ee5551019f18cd73d9f111898cf2", idType: "unionId" })).name,
    ).toBe("张三");
  });

  it("finds a user by mobile through batch_get_id, +41 included", async () => {
    const client = demoClient(sbx.current, "demo-feishu");
    expect(await client.userByMobile({ mobile: "+41 44 668 18 00", idsOnly: true })).toEqual({
      provider: "feishu",
      connection: "demo-feishu",
      id: "anna.mueller",
    });
    const user = await client.userByMobile({ mobile: "13800138000" });
    expect(user).toMatchObject({ id: "zhangsan", mobile: { e164: "+8613800138000" } });
  });

  it.each([
    [
      "a department out of scope (40004)",
      { departmentId: "od-6f5a1b7e2c8d9f0e3a4b5c6d7e8f9a01" },
      "DEPARTMENT_NOT_FOUND",
      "40004",
    ],
    [
      "a forged Feishu cursor inside a token of the right query (40012)",
      {
        departmentId: BIG,
        pageToken: encodePageToken(
          {
            operation: "departmentUsers",
            connection: "demo-feishu",
            query: list({ departmentId: BIG, pageSize: 50 }),
          },
          { c: "AQD9/forged" },
        ),
      },
      "INVALID_REQUEST",
      "40012",
    ],
  ])("maps %s", async (_name, input, code, upstreamCode) => {
    const error = await rejection(demoClient(sbx.current, "demo-feishu").departmentUsers(input));
    expect(error).toMatchObject({ code, upstream: { code: upstreamCode } });
    expect((error.upstream as { requestId?: string }).requestId).toBeTruthy();
  });

  it("refuses a token it did not issue before any upstream call, with the same answer", async () => {
    const error = await rejection(
      demoClient(sbx.current, "demo-feishu").departmentUsers({ departmentId: BIG, pageToken: "AQD9/forged" }),
    );
    expect(error).toMatchObject({
      code: "INVALID_REQUEST",
      message: "pageToken is not one this query returned",
    });
    expect(fs().counter("GET /open-apis/contact/v3/users/find_by_department")).toBe(0);
  });

  it("maps an unknown user and an unknown mobile to USER_NOT_FOUND", async () => {
    const client = demoClient(sbx.current, "demo-feishu");
    expect((await rejection(client.userById({ userId: "nobody" }))).code).toBe("USER_NOT_FOUND");
    expect((await rejection(client.userByMobile({ mobile: "13000000000" }))).code).toBe("USER_NOT_FOUND");
  });

  it("puts a path-like id in one encoded path segment", async () => {
    const error = await rejection(
      demoClient(sbx.current, "demo-feishu").userById({ userId: "../find_by_department" }),
    );
    expect(error.code).toBe("USER_NOT_FOUND");
    expect(fs().counter("GET /open-apis/contact/v3/users/find_by_department")).toBe(0);
  });

  it("waits x-ogw-ratelimit-reset after a 429 and then succeeds", async () => {
    fs().setKnobs({ rateLimitPerSecond: 1 });
    const { deps, sleeps } = testDeps();
    const client = demoClient(sbx.current, "demo-feishu", deps);
    await client.departmentUsers({ departmentId: BIG, pageSize: 5 });
    const page = await client.departmentUsers({ departmentId: BIG, pageSize: 5 });
    expect(page.items).toHaveLength(5);
    expect(fs().counter("rateLimited")).toBe(1);
    expect(sleeps.some((ms) => ms >= 1_000)).toBe(true);
  });

  it("refetches a revoked token once (99991663) and succeeds", async () => {
    const client = demoClient(sbx.current, "demo-feishu");
    await client.userById({ userId: "3e3cf96b" });
    fs().addFault({ kind: "revokeToken", path: "/open-apis/contact/" });
    expect((await client.userById({ userId: "3e3cf96b" })).name).toBe("张三");
    expect(fs().counter("POST /open-apis/auth/v3/tenant_access_token/internal")).toBe(2);
  });

  it("reports a wrong app secret as UPSTREAM_AUTH_FAILED", async () => {
    const client = demoClient(sbx.current, "demo-feishu", testDeps().deps, { appSecret: "not-the-secret" });
    const error = await rejection(client.userById({ userId: "3e3cf96b" }));
    expect(error).toMatchObject({ code: "UPSTREAM_AUTH_FAILED", upstream: { code: "10014" } });
  });
});
