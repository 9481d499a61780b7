import { inspect } from "node:util";
import { TokenCache, type TokenGrant } from "@dirgate/core";
import { createTransport } from "@dirgate/providers";
import { WECOM_DEMO_CREDENTIALS as C } from "@dirgate/sandbox";
import { describe, expect, it } from "vitest";
import { WECOM_TRANSPORT } from "../../../packages/providers/src/wecom/transport.ts";
import { inWeCom, type Person } from "../../../packages/sandbox/src/org.ts";
import { demoClient, rejection, testDeps } from "../../helpers/clients.ts";
import { useSandbox } from "../../helpers/sandbox.ts";

/**
 * The WeCom client against the sandbox's emulator: every operation on the demo connections, every
 * errcode of the issue by driving the emulator (faults, wrong credentials, knobs), withheld fields,
 * trusted IPs. (The lookups' daily error budget has its own file: its ledger outlives a test.)
 */
const sbx = useSandbox();
const wc = () => sbx.current.wecom;
const em = () => sbx.current.wecom.emulator;
const demo = (deps = testDeps().deps, patch: Record<string, unknown> = {}) =>
  demoClient(sbx.current, "demo-wecom", deps, patch);
const legacy = () => demoClient(sbx.current, "demo-wecom-legacy-app");
const contacts = () => demoClient(sbx.current, "demo-wecom-contacts");
const person = (test: (p: Person) => boolean) => sbx.current.org.people.find((p) => inWeCom(p) && test(p))!;

/** The bodies of the requests the emulator received on a path, parsed. */
async function recordedBodies(path: string, run: () => Promise<unknown>): Promise<unknown[]> {
  em().startRecording();
  await run().catch(() => {});
  return em()
    .stopRecording()
    .filter((r) => r.rawUrl.startsWith(path))
    .map((r) => JSON.parse(r.rawBody) as unknown);
}

describe("WeCom lookups", () => {
  it("finds zhangsan by mobile on demo-wecom: getuserid with the 11 digits, then user/get", async () => {
    const bodies = await recordedBodies("/cgi-bin/user/getuserid", () =>
      demo().userByMobile({ mobile: "+86 138 0013 8000" }),
    );
    const user = await demo().userByMobile({ mobile: "+86 138 0013 8000" });
    expect(bodies).toEqual([{ mobile: "13800138000" }]);
    expect(user).toMatchObject({
      provider: "wecom",
      connection: "demo-wecom",
      id: "zhangsan",
      name: "John",
      englishName: "John Zhang",
      nickname: "Name",
      title: "Technical Director",
      managerId: "manager240",
      status: "active",
      departments: [
        { id: "2", order: 1, isLeader: true },
        { id: "3", order: 2, isLeader: false },
        { id: "4", order: 3, isLeader: false },
      ],
      extension: { Hobby: "Travel", Age: "24" },
    });
    expect(em().counter("POST /cgi-bin/user/getuserid")).toBe(2);
    expect(em().counter("GET /cgi-bin/user/get")).toBe(2);
  });

  it("sends other countries' numbers as +CC and the national number, as WeCom stores them", async () => {
    const bodies = await recordedBodies("/cgi-bin/user/getuserid", () =>
      demo().userByMobile({ mobile: "+852 5123 4567", idsOnly: true }),
    );
    expect(bodies).toEqual([{ mobile: "+852 51234567" }]);
    expect(await demo().userByMobile({ mobile: "+41 44 668 18 00", idsOnly: true })).toEqual({
      provider: "wecom",
      connection: "demo-wecom",
      id: "anna.mueller",
    });
    expect(em().counter("GET /cgi-bin/user/get")).toBe(0);
  });

  it("finds by corporate email in one call, by personal email on the second (email_type 1, then 2)", async () => {
    const corporate = await recordedBodies("/cgi-bin/user/get_userid_by_email", () =>
      demo().userByEmail({ email: "demo@mail.com", idsOnly: true }),
    );
    const personal = await recordedBodies("/cgi-bin/user/get_userid_by_email", () =>
      demo().userByEmail({ email: "zhangsan@gmail.com", idsOnly: true }),
    );
    expect(corporate).toEqual([{ email: "demo@mail.com", email_type: 1 }]);
    expect(personal).toEqual([
      { email: "zhangsan@gmail.com", email_type: 1 },
      { email: "zhangsan@gmail.com", email_type: 2 },
    ]);
    expect((await demo().userByEmail({ email: "zhangsan@gmail.com" })).id).toBe("3e3cf96b");
  });

  it("answers an unknown email after both types, each a wrong attempt WeCom counts", async () => {
    const error = await rejection(demo().userByEmail({ email: "nobody@example.com" }));
    expect(error).toMatchObject({ code: "USER_NOT_FOUND", upstream: { code: "46004" } });
    expect(wc().lookupMisses("get_userid_by_email")).toBe(2);
  });

  it("answers many lookups in input order, one failure never failing the others", async () => {
    const boardOnly = person(
      (p) => p.mobile !== undefined && p.memberships.every((m) => m.deptKey === "board"),
    );
    const answer = await legacy().usersLookup({
      items: [
        { mobile: "13800138000" },
        { mobile: "13000000001" },
        { email: "demo@mail.com" },
        { userId: "manager240" },
        { mobile: boardOnly.mobile!.national },
        { userId: "x", idType: "openId" },
      ],
    });
    expect(answer.items.map((i) => (i.ok ? i.user.id : i.error.code))).toEqual([
      "zhangsan",
      "USER_NOT_FOUND",
      "3e3cf96b",
      "manager240",
      "PROVIDER_PERMISSION_DENIED",
      "UNSUPPORTED_OPERATION",
    ]);
  });
});

describe("WeCom members", () => {
  it("withholds mobile, emails, avatar and address from the app made after 2022-06-20 and says so", async () => {
    const user = await demo().userById({ userId: "zhangsan" });
    expect(user.withheld).toEqual(["mobile", "email", "enterpriseEmail", "avatarUrl", "workPlace"]);
    for (const field of ["mobile", "email", "enterpriseEmail", "avatarUrl", "workPlace"] as const) {
      expect(user[field], field).toBeUndefined();
    }
  });

  it("gives them to the app made before (and never lists a field it got as withheld)", async () => {
    const user = await legacy().userById({ userId: "zhangsan" });
    expect(user).toMatchObject({
      mobile: { e164: "+8613800138000" },
      email: "test@xxx.com",
      enterpriseEmail: "test@xxx.com",
      avatarUrl: "xxx",
      workPlace: "Future Park",
    });
    expect(user).not.toHaveProperty("withheld");
    const overseas = await legacy().userById({ userId: "chan.taiman" });
    expect(overseas.mobile).toEqual({ e164: "+85251234567", countryCode: "852", nationalNumber: "51234567" });
  });

  it("keeps a member without an email apart from a withheld one: empty is absent, not withheld", async () => {
    const bare = person((p) => !p.mobile);
    const user = await contacts().userById({ userId: bare.wecomUserId! });
    expect(user.mobile).toBeUndefined();
    expect(user.withheld).toBeUndefined();
  });

  it.each([
    ["active", "active"],
    ["disabled", "disabled"],
    ["frozen", "disabled"],
    ["inactive", "inactive"],
    ["resigned", "resigned"],
  ] as const)("maps a %s member (status %s)", async (status, expected) => {
    const member = person((p) => p.status === status);
    expect((await contacts().userById({ userId: member.wecomUserId! })).status).toBe(expected);
  });

  it("returns the upstream record with include=raw, without errcode/errmsg", async () => {
    const user = await legacy().userById({ userId: "zhangsan", include: "raw" });
    expect(user.raw).toMatchObject({ userid: "zhangsan", status: 1, main_department: 2 });
    expect(user.raw).not.toHaveProperty("errcode");
  });

  it("looks up by userId only: other id types are 501 with no upstream call", async () => {
    const error = await rejection(demo().userById({ userId: "x", idType: "unionId" }));
    expect(error.code).toBe("UNSUPPORTED_OPERATION");
    expect(em().counter("GET /cgi-bin/user/get")).toBe(0);
  });
});

describe("WeCom errcodes", () => {
  it.each([
    ["an unknown userid (60111)", () => demo().userById({ userId: "nobody" }), "USER_NOT_FOUND", "60111"],
    [
      "a userid with URL metacharacters, kept in its parameter (40003)",
      () => demo().userById({ userId: "a&access_token=x" }),
      "USER_NOT_FOUND",
      "40003",
    ],
    [
      "an unknown mobile (46004)",
      () => demo().userByMobile({ mobile: "13000000002" }),
      "USER_NOT_FOUND",
      "46004",
    ],
    [
      "an unknown department (60123)",
      () => demo().department({ departmentId: "999" }),
      "DEPARTMENT_NOT_FOUND",
      "60123",
    ],
    [
      "an unknown department's members (60123)",
      () => demo().departmentUsers({ departmentId: "777" }),
      "DEPARTMENT_NOT_FOUND",
      "60123",
    ],
    [
      "a department out of the app's sight (60011)",
      () => legacy().department({ departmentId: "9" }),
      "PROVIDER_PERMISSION_DENIED",
      "60011",
    ],
  ])("maps %s", async (_name, run, code, upstreamCode) => {
    const error = await rejection(run());
    expect(error.code).toBe(code);
    expect(error.upstream).toMatchObject({
      code: upstreamCode,
      requestId: expect.stringMatching(/^\d{25}$/),
    });
  });

  it("maps a member out of the app's sight (60011) and strips WeCom's suffix from upstream.message", async () => {
    const boardOnly = person((p) => p.memberships.every((m) => m.deptKey === "board"));
    const error = await rejection(legacy().userById({ userId: boardOnly.wecomUserId! }));
    expect(error).toMatchObject({
      code: "PROVIDER_PERMISSION_DENIED",
      upstream: { code: "60011", message: "no privilege to access/modify contact/party/agent" },
    });
  });

  it("reports a wrong secret (40001) and a wrong corpId (40013) as UPSTREAM_AUTH_FAILED, without retrying", async () => {
    const secret = await rejection(
      demo(testDeps().deps, { corpSecret: "wrong-secret" }).userById({ userId: "zhangsan" }),
    );
    const corp = await rejection(
      demo(testDeps().deps, { corpId: "wwnotthecorp00001" }).userById({ userId: "zhangsan" }),
    );
    expect(secret).toMatchObject({
      code: "UPSTREAM_AUTH_FAILED",
      upstream: { code: "40001", message: "invalid credential" },
    });
    expect(corp).toMatchObject({ code: "UPSTREAM_AUTH_FAILED", upstream: { code: "40013" } });
    expect(em().counter("GET /cgi-bin/gettoken")).toBe(2);
    expect(em().counter("GET /cgi-bin/user/get")).toBe(0);
  });

  it("fetches the token again once when WeCom invalidates it early (40014), then succeeds", async () => {
    const client = demo();
    await client.userById({ userId: "zhangsan" });
    em().revokeTokens();
    expect((await client.userById({ userId: "manager240" })).id).toBe("manager240");
    expect(em().counter("GET /cgi-bin/gettoken")).toBe(2);
    expect(em().counter("GET /cgi-bin/user/get")).toBe(3);
  });

  it("fetches the token again once when it expired upstream (42001), then succeeds", async () => {
    // A cache that believes the token lives two hours (clock skew) keeps it past its upstream expiry.
    class TrustingCache extends TokenCache {
      override get(key: string, grant: () => Promise<TokenGrant>): Promise<string> {
        return super.get(key, async () => ({ ...(await grant()), expiresInSeconds: 7_200 }));
      }
    }
    const { deps } = testDeps();
    const client = demo({ ...deps, tokens: new TrustingCache() });
    em().setKnobs({ tokenTtlSeconds: 1 });
    await client.userById({ userId: "zhangsan" });
    await new Promise((r) => setTimeout(r, 1_100));
    em().startRecording();
    expect((await client.userById({ userId: "zhangsan" })).id).toBe("zhangsan");
    const calls = em()
      .stopRecording()
      .map((r) => r.rawUrl.split("?")[0]);
    expect(calls).toEqual(["/cgi-bin/user/get", "/cgi-bin/gettoken", "/cgi-bin/user/get"]);
  });

  it("gives up when a freshly fetched token is refused too: UPSTREAM_AUTH_FAILED, no third try", async () => {
    const client = demo();
    await client.userById({ userId: "zhangsan" });
    em().addFault({ kind: "revokeToken", count: 5, path: "/cgi-bin/user/get" });
    const error = await rejection(client.userById({ userId: "zhangsan" }));
    expect(error).toMatchObject({ code: "UPSTREAM_AUTH_FAILED", upstream: { code: "40014" } });
    expect(em().counter("GET /cgi-bin/user/get")).toBe(3);
  });

  it("answers the per-corp API limit (45009) with 429 and a minute's Retry-After, not retried within the call", async () => {
    em().setKnobs({ rateLimitPerMinute: 1 });
    const client = demo();
    await client.department({ departmentId: "2" });
    const error = await rejection(client.department({ departmentId: "2" }));
    expect(error).toMatchObject({
      code: "UPSTREAM_RATE_LIMITED",
      retryable: true,
      retryAfterMs: 60_000,
      upstream: { code: "45009", message: "api freq out of limit" },
    });
    expect(em().counter("GET /cgi-bin/department/get")).toBe(2);
  });

  it("waits out WeCom's concurrency limit (45033) and succeeds", async () => {
    wc().setLimits({ maxConcurrent: 1, holdMs: 100 });
    const { deps, sleeps } = testDeps();
    const client = demo(deps);
    await client.department({ departmentId: "1" }); // the token, fetched once
    const answers = await Promise.all(
      ["2", "3", "4"].map((departmentId) => client.department({ departmentId })),
    );
    expect(answers.map((d) => d.id)).toEqual(["2", "3", "4"]);
    expect(em().counter("GET /cgi-bin/department/get")).toBeGreaterThan(4);
    expect(sleeps.some((ms) => ms >= 1_000)).toBe(true);
  });

  it("gives up on 45033 after the attempts, retryable", async () => {
    wc().setLimits({ maxConcurrent: 1, holdMs: 200 });
    const client = demo(testDeps({ maxAttempts: 1 }).deps);
    await client.department({ departmentId: "1" });
    const settled = await Promise.allSettled(
      ["2", "3"].map((departmentId) => client.department({ departmentId })),
    );
    const refused = settled.find((s) => s.status === "rejected") as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({
      code: "UPSTREAM_RATE_LIMITED",
      retryable: true,
      upstream: { code: "45033" },
    });
  });

  it("retries busy (-1) and succeeds; gives up after 3 attempts as UPSTREAM_UNAVAILABLE", async () => {
    em().addFault({ kind: "busy", count: 2, path: "/cgi-bin/user/get" });
    expect((await demo().userById({ userId: "zhangsan" })).id).toBe("zhangsan");
    expect(em().counter("GET /cgi-bin/user/get")).toBe(3);
    em().addFault({ kind: "busy", count: 5, path: "/cgi-bin/user/get" });
    const error = await rejection(demo().userById({ userId: "zhangsan" }));
    expect(error).toMatchObject({
      code: "UPSTREAM_UNAVAILABLE",
      upstream: { code: "-1", message: "system busy" },
    });
    expect(em().counter("GET /cgi-bin/user/get")).toBe(6);
  });

  it("retries a 502 page, a truncated body and a dropped connection", async () => {
    em().addFault({ kind: "http502", path: "/cgi-bin/user/get" });
    em().addFault({ kind: "malformedJson", path: "/cgi-bin/user/get" });
    expect((await demo().userById({ userId: "zhangsan" })).id).toBe("zhangsan");
    em().addFault({ kind: "reset", path: "/cgi-bin/user/get" });
    expect((await demo().userById({ userId: "zhangsan" })).id).toBe("zhangsan");
    expect(em().counter("GET /cgi-bin/user/get")).toBe(5);
  });

  it("reads nginx's 404 page (a wrong base URL) as UPSTREAM_ERROR, not retried", async () => {
    const client = demo(testDeps().deps, { baseUrl: `${em().baseUrl}/nowhere` });
    const error = await rejection(client.userById({ userId: "zhangsan" }));
    expect(error.code).toBe("UPSTREAM_ERROR");
    expect(error.upstream).toBeUndefined();
    expect(em().counter("notFound")).toBe(1);
  });

  it("maps 48002 (api forbidden for this secret) to PROVIDER_PERMISSION_DENIED", async () => {
    // dirgate calls no API only the contact-sync secret may call (see department-users.ts); the code
    // table still has to read WeCom's answer right: list_id with an app secret.
    const config = sbx.current.connections["demo-wecom"] as never;
    const spec = {
      ...WECOM_TRANSPORT,
      endpoints: { ...WECOM_TRANSPORT.endpoints, list_id: { method: "POST", path: "/cgi-bin/user/list_id" } },
    } as const;
    const api = createTransport(spec as typeof WECOM_TRANSPORT, config, testDeps().deps);
    const error = await rejection(api.call("list_id" as never, { body: { limit: 10 } }));
    expect(error).toMatchObject({ code: "PROVIDER_PERMISSION_DENIED", upstream: { code: "48002" } });
    expect(String(error["message"])).toContain("48002");
  });
});

describe("WeCom trusted IPs (60020)", () => {
  it("tells the operator to register the deployment's egress IPs, and keeps the egress address out", async () => {
    wc().setApp(C.app.name, { trustedIps: ["203.0.113.7"] });
    const error = await rejection(demo().userById({ userId: "zhangsan" }));
    expect(error).toMatchObject({
      code: "PROVIDER_PERMISSION_DENIED",
      retryable: false,
      upstream: { code: "60020", message: "not allow to access from your ip" },
    });
    expect(String(error["message"])).toMatch(/企业可信IP.*DIRGATE_FIXED_EGRESS.*egressIps/s);
    const text = [JSON.stringify(error), inspect(error, { depth: 10 })].join("\n");
    expect(text).not.toContain("127.0.0.1");
    expect(text).not.toContain("from ip");
    // Not retried: trusting an address is the operator's move.
    expect(em().counter("GET /cgi-bin/user/get")).toBe(1);
    wc().setApp(C.app.name, { trustedIps: ["127.0.0.1"] });
    expect((await demo().userById({ userId: "zhangsan" })).id).toBe("zhangsan");
  });
});
