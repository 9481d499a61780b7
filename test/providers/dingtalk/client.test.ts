import { describe, expect, it } from "vitest";
import { demoClient, rejection, testDeps } from "../../helpers/clients.ts";
import { useSandbox } from "../../helpers/sandbox.ts";

const sbx = useSandbox();
const dt = () => sbx.current.dingtalk.emulator;

describe("DingTalk client against the sandbox", () => {
  it("finds zhangsan by mobile (seed 000) and loads the profile (seed 001)", async () => {
    const client = demoClient(sbx.current, "demo-dingtalk");
    const user = await client.userByMobile({ mobile: "+86 138 0013 8000" });
    expect(user).toMatchObject({
      provider: "dingtalk",
      connection: "demo-dingtalk",
      id: "zhangsan",
      name: "John",
      mobile: { e164: "+8613800138000" },
      managerId: "manager240",
      exclusiveAccountUserIds: ["zhangsan"],
    });
    expect(dt().counter("POST /topapi/v2/user/getbymobile")).toBe(1);
    expect(dt().counter("POST /topapi/v2/user/get")).toBe(1);
    expect(dt().counter("GET /gettoken")).toBe(1);
  });

  it("in ids-only mode makes one call and surfaces enterprise accounts sharing the number", async () => {
    const client = demoClient(sbx.current, "demo-dingtalk");
    const ref = await client.userByMobile({ mobile: "13900139000", idsOnly: true });
    expect(ref).toEqual({
      provider: "dingtalk",
      connection: "demo-dingtalk",
      id: "lisi",
      exclusiveAccountUserIds: ["lisi_ea1", "lisi_ea2"],
    });
    expect(dt().counter("POST /topapi/v2/user/get")).toBe(0);
  });

  it("sends non-mainland numbers in DingTalk's +CC-national form", async () => {
    const user = await demoClient(sbx.current, "demo-dingtalk").userByMobile({ mobile: "+852 5123 4567" });
    expect(user.id).toBe("chan.taiman");
  });

  it("looks up by userId and by loginId, in English when asked", async () => {
    const client = demoClient(sbx.current, "demo-dingtalk");
    expect((await client.userById({ userId: "manager240", language: "en_US" })).name).toBe("Jianguo Wang");
    expect((await client.userById({ userId: "test", idType: "loginId" })).id).toBe("ea_test");
  });

  it("gives the same person through the legacy 1.0 API (userApi: legacy)", async () => {
    const v2 = await demoClient(sbx.current, "demo-dingtalk").userById({ userId: "zhangsan" });
    const legacy = await demoClient(sbx.current, "demo-dingtalk-legacy").userById({ userId: "zhangsan" });
    expect(dt().counter("GET /user/get")).toBe(1);
    const common = [
      "id",
      "unionId",
      "name",
      "mobile",
      "email",
      "title",
      "employeeNumber",
      "managerId",
      "status",
      "hiredAt",
      "departments",
    ] as const;
    for (const field of common) expect(legacy[field], field).toEqual(v2[field]);
  });

  it("walks a department with v2/user/list, every member once", async () => {
    const client = demoClient(sbx.current, "demo-dingtalk");
    const ids: string[] = [];
    let pageToken: string | undefined;
    do {
      const page = await client.departmentUsers({ departmentId: "5", pageSize: 100, pageToken });
      ids.push(...page.items.map((u) => u.id));
      pageToken = page.nextPageToken ?? undefined;
    } while (pageToken);
    expect(ids.length).toBeGreaterThan(120);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each([
    [
      "an unknown mobile (60121)",
      (c: ReturnType<typeof demoClient>) => c.userByMobile({ mobile: "13800000000" }),
      "USER_NOT_FOUND",
      "60121",
    ],
    [
      "an unknown userid (33012)",
      (c: ReturnType<typeof demoClient>) => c.userById({ userId: "nobody" }),
      "USER_NOT_FOUND",
      "33012",
    ],
    [
      "an unknown login_id (60121)",
      (c: ReturnType<typeof demoClient>) => c.userById({ userId: "nobody", idType: "loginId" }),
      "USER_NOT_FOUND",
      "60121",
    ],
    [
      "an unknown department (60003)",
      (c: ReturnType<typeof demoClient>) => c.departmentUsers({ departmentId: "999" }),
      "DEPARTMENT_NOT_FOUND",
      "60003",
    ],
  ])("maps %s", async (_name, run, code, upstreamCode) => {
    const error = await rejection(run(demoClient(sbx.current, "demo-dingtalk")));
    expect(error.code).toBe(code);
    expect(error.upstream).toMatchObject({ code: upstreamCode });
  });

  it("maps an unknown legacy user (60121) the same way", async () => {
    const error = await rejection(
      demoClient(sbx.current, "demo-dingtalk-legacy").userById({ userId: "nobody" }),
    );
    expect(error.code).toBe("USER_NOT_FOUND");
  });

  it("retries busy (-1) and succeeds; the sandbox counts the attempts", async () => {
    dt().addFault({ kind: "busy", count: 2, path: "/topapi/" });
    const user = await demoClient(sbx.current, "demo-dingtalk").userById({ userId: "zhangsan" });
    expect(user.id).toBe("zhangsan");
    expect(dt().counter("POST /topapi/v2/user/get")).toBe(3);
  });

  it("gives up after 3 attempts: UPSTREAM_UNAVAILABLE, no more calls", async () => {
    dt().addFault({ kind: "http503", count: 10, path: "/topapi/" });
    const error = await rejection(demoClient(sbx.current, "demo-dingtalk").userById({ userId: "zhangsan" }));
    expect(error.code).toBe("UPSTREAM_UNAVAILABLE");
    expect(dt().counter("POST /topapi/v2/user/get")).toBe(3);
  });

  it("does not retry the IP-ban page: 429 with a 5-minute Retry-After", async () => {
    dt().addFault({ kind: "htmlThrottle", path: "/topapi/" });
    const error = await rejection(demoClient(sbx.current, "demo-dingtalk").userById({ userId: "zhangsan" }));
    expect(error).toMatchObject({ code: "UPSTREAM_RATE_LIMITED", retryAfterMs: 300_000 });
    expect(dt().counter("POST /topapi/v2/user/get")).toBe(1);
  });

  it("reads {punish: deny} the same way", async () => {
    dt().addFault({ kind: "punishDeny", path: "/topapi/" });
    const error = await rejection(demoClient(sbx.current, "demo-dingtalk").userById({ userId: "zhangsan" }));
    expect(error.code).toBe("UPSTREAM_RATE_LIMITED");
  });

  it("retries a truncated body and a dropped connection", async () => {
    dt().addFault({ kind: "malformedJson", path: "/topapi/" });
    dt().addFault({ kind: "reset", path: "/topapi/" });
    const user = await demoClient(sbx.current, "demo-dingtalk").userById({ userId: "zhangsan" });
    expect(user.id).toBe("zhangsan");
    expect(dt().counter("POST /topapi/v2/user/get")).toBe(3);
  });

  it("refetches a revoked token once and succeeds", async () => {
    const { deps } = testDeps();
    const client = demoClient(sbx.current, "demo-dingtalk", deps);
    await client.userById({ userId: "zhangsan" });
    dt().revokeTokens();
    const user = await client.userById({ userId: "manager240" });
    expect(user.id).toBe("manager240");
    expect(dt().counter("GET /gettoken")).toBe(2);
  });

  it("reports bad app credentials as UPSTREAM_AUTH_FAILED (40096), without retrying", async () => {
    const client = demoClient(sbx.current, "demo-dingtalk", testDeps().deps, {
      appSecret: "wrong-secret-value",
    });
    const error = await rejection(client.userById({ userId: "zhangsan" }));
    expect(error).toMatchObject({ code: "UPSTREAM_AUTH_FAILED", upstream: { code: "40096" } });
    expect(dt().counter("GET /gettoken")).toBe(1);
  });

  it("rejects an id type DingTalk cannot look up with 501", async () => {
    const error = await rejection(
      demoClient(sbx.current, "demo-dingtalk").userById({ userId: "x", idType: "openId" }),
    );
    expect(error.code).toBe("UNSUPPORTED_OPERATION");
  });

  it("keeps a userid with URL metacharacters inside its JSON body", async () => {
    const error = await rejection(
      demoClient(sbx.current, "demo-dingtalk").userById({ userId: "a&access_token=x" }),
    );
    expect(error.code).toBe("USER_NOT_FOUND");
  });
});
