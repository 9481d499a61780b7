import { lambdaContext } from "@dirgate/dev";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { apiEvent } from "../helpers/lambda.ts";
import { useSandbox } from "../helpers/sandbox.ts";
import { assertNoLeaks, createHarness, type Harness } from "./harness.ts";

/** Access control on every path into a connection: allow lists and connection ids. */
const sbx = useSandbox();
let h: Harness;
/** The same handlers with the sandbox not enabled: loopback base URLs are refused, as in AWS. */
let strict: Harness;

beforeAll(() => {
  h = createHarness(sbx.current);
  strict = createHarness(sbx.current, { DIRGATE_ALLOW_LOOPBACK_BASE_URL: "false" });
});
afterEach(() => {
  h.collectTokens();
  strict.collectTokens();
});
afterAll(() => {
  for (const material of [h, strict]) assertNoLeaks(sbx.current, material);
});

const get = (url: string, options: Parameters<typeof apiEvent>[2] = {}) =>
  h.call("userById", apiEvent("GET", url, options));
const call = (operation: "userById", event: unknown) => h.call(operation, event);

describe("access control", () => {
  const url = "/v1/connections/rel-guarded/users/zhangsan";

  it("enforces allow lists of IAM principals, JWT subjects and JWT scopes", async () => {
    sbx.current.secretsManager.putSecret("dirgate/local/connections/rel-guarded", {
      ...sbx.current.connections["demo-dingtalk"],
      allow: ["arn:aws:iam::111122223333:role/hr-sync", "auth0|crm-service", "scope:directory.read"],
    });
    const as = (authorizer: unknown) => get(url, { authorizer: authorizer as never });
    expect((await as({ iam: { userArn: "arn:aws:iam::111122223333:role/hr-sync" } })).status).toBe(200);
    expect((await as({ jwt: { claims: { sub: "auth0|crm-service" }, scopes: null } })).status).toBe(200);
    expect(
      (await as({ jwt: { claims: { sub: "someone", scope: "profile directory.read" }, scopes: null } }))
        .status,
    ).toBe(200);
    expect((await as({ jwt: { claims: { sub: "someone" }, scopes: ["directory.read"] } })).status).toBe(200);
    for (const denied of [
      { iam: { userArn: "arn:aws:iam::111122223333:role/hr-sync-2" } },
      { jwt: { claims: { sub: "auth0|crm-service-evil" }, scopes: ["directory.write"] } },
      undefined,
    ]) {
      expect((await as(denied)).json, JSON.stringify(denied)).toMatchObject({
        status: 403,
        code: "FORBIDDEN",
      });
    }
    // A connection without an allow list serves any authenticated caller.
    expect((await get("/v1/connections/demo-dingtalk/users/zhangsan")).status).toBe(200);
  });

  it.each([
    "../demo-dingtalk",
    "demo-dingtalk/../../x",
    "a/b",
    "demo dingtalk",
    "demo-dingtalk%00",
    "-leading",
    "x".repeat(65),
    "*",
  ])("rejects connection id %j before any secret is read", async (connection) => {
    const event = apiEvent("GET", "/v1/connections/placeholder/users/zhangsan");
    event.pathParameters = { connection, userId: "zhangsan" };
    const answer = await call("userById", event);
    expect(answer.json).toMatchObject({ status: 400, code: "INVALID_REQUEST" });
    expect(sbx.current.secretsManager.emulator.counter("GetSecretValue")).toBe(0);
  });
});

describe("access control on every entry point (audit)", () => {
  const ROLE = "arn:aws:iam::111122223333:role/hr-sync";
  const ROLE_ID = "AROAEXAMPLEHRSYNC0001";
  let guarded = "";
  /** A new restricted connection (a new id: the container keeps a loaded connection for its TTL). */
  const guard = (allow: string[]) => {
    guarded = `rel-audit-${Math.random().toString(36).slice(2, 10)}`;
    sbx.current.secretsManager.putSecret(`dirgate/local/connections/${guarded}`, {
      ...sbx.current.connections["demo-dingtalk"],
      allow,
    });
  };
  const as = (authorizer: unknown) =>
    get(`/v1/connections/${guarded}/users/zhangsan`, { authorizer: authorizer as never });
  const forbidden = { status: 403, code: "FORBIDDEN" };
  /** What the provider emulators received while `run` ran (Secrets Manager is not a provider). */
  const upstreamDuring = async <T>(run: () => Promise<T>) => {
    const providers = [sbx.current.dingtalk, sbx.current.feishu, sbx.current.wecom, sbx.current.eiam].map(
      (p) => p.emulator,
    );
    for (const e of providers) e.startRecording();
    const result = await run();
    return { result, upstream: providers.flatMap((e) => e.stopRecording()).map((r) => r.rawUrl) };
  };

  it("admits every session of an allowed IAM role (callers arrive as sts assumed-role ARNs)", async () => {
    guard([ROLE]);
    for (const session of ["i-0abc1234", "hr-sync-2026-11-23", "botocore-session-1700000000"]) {
      const iam = {
        userArn: `arn:aws:sts::111122223333:assumed-role/hr-sync/${session}`,
        userId: `${ROLE_ID}:${session}`,
      };
      expect((await as({ iam })).status, session).toBe(200);
    }
    expect(
      (await as({ iam: { userArn: "arn:aws:sts::111122223333:assumed-role/hr-sync-2/s" } })).json,
    ).toMatchObject(forbidden);
    // One aws-id entry (the role's RoleId) admits the role on HTTP and in batches alike.
    guard([`aws-id:${ROLE_ID}`]);
    const iam = { userArn: "arn:aws:sts::111122223333:assumed-role/hr-sync/any", userId: `${ROLE_ID}:any` };
    expect((await as({ iam })).status).toBe(200);
  });

  it("keeps IAM principals, JWT subjects and scopes in separate namespaces", async () => {
    guard([ROLE, "jwt-sub:auth0|crm", "scope:directory.read"]);
    for (const denied of [
      // A JWT whose subject is the allowed role's ARN is not that role.
      { jwt: { claims: { sub: ROLE }, scopes: null } },
      // A subject spelled like a scope is not the scope; an IAM user named like a subject is not it.
      { jwt: { claims: { sub: "scope:directory.read" }, scopes: null } },
      { iam: { userArn: "auth0|crm" } },
    ]) {
      expect((await as(denied)).json, JSON.stringify(denied)).toMatchObject(forbidden);
    }
    expect((await as({ jwt: { claims: { sub: "auth0|crm" }, scopes: null } })).status).toBe(200);
    expect((await as({ jwt: { claims: { sub: "x" }, scopes: ["directory.read"] } })).status).toBe(200);
  });

  it("refuses direct invocations of a restricted connection (they carry no caller identity)", async () => {
    guard([ROLE, "scope:directory.read"]);
    const direct = (connection: string) =>
      h.handlers
        .userById({ connection, userId: "zhangsan" }, lambdaContext("user-by-id"))
        .catch((e: unknown) => e);
    expect(await direct(guarded)).toMatchObject({ name: "FORBIDDEN", status: 403 });
    expect(await direct("demo-dingtalk")).toMatchObject({ id: "zhangsan" });
  });

  it.each([
    ["userById", "/v1/connections/demo-feishu/users/x", { userId: ".." }],
    ["userById", "/v1/connections/demo-eiam/users/x", { userId: "." }],
    ["userById", "/v1/connections/demo-dingtalk-legacy/users/x", { userId: ".." }],
    ["department", "/v1/connections/demo-feishu/departments/x", { departmentId: ".." }],
    ["departmentUsers", "/v1/connections/demo-eiam/departments/x/users", { departmentId: "." }],
  ] as const)(
    "refuses %s with the dot segment %j before anything goes upstream",
    async (operation, path, params) => {
      const event = apiEvent("GET", path);
      event.pathParameters = { ...event.pathParameters, ...params };
      const { result: answer, upstream } = await upstreamDuring(() => h.call(operation, event));
      expect(answer.json).toMatchObject({ status: 400, code: "INVALID_REQUEST" });
      expect(upstream).toEqual([]);
    },
  );

  it.each([
    ["plain http to a public host", "http://oapi.dingtalk.com"],
    ["the instance metadata address", "https://169.254.169.254"],
    ["a private address", "https://10.0.0.8"],
    ["a fragment that cuts the path", "https://oapi.dingtalk.com/#"],
    ["a query that cuts the path", "https://oapi.dingtalk.com/?x="],
    ["user info", "https://attacker@oapi.dingtalk.com"],
  ])("refuses a secret whose baseUrl is %s, before the app secret goes anywhere", async (_what, baseUrl) => {
    sbx.current.secretsManager.putSecret("dirgate/local/connections/rel-steered", {
      ...sbx.current.connections["demo-dingtalk"],
      baseUrl,
    });
    const answer = await get("/v1/connections/rel-steered/users/zhangsan");
    expect(answer.json).toMatchObject({ status: 500, code: "CONFIG_INVALID" });
    expect(answer.json.detail).toContain("baseUrl");
    expect(answer.body).not.toContain(baseUrl);
  });

  it("refuses loopback base URLs unless the sandbox is enabled (DingTalk's appsecret never reaches the host)", async () => {
    const { result: refused, upstream } = await upstreamDuring(() =>
      strict.call("userById", apiEvent("GET", "/v1/connections/demo-dingtalk/users/zhangsan")),
    );
    expect(refused.json).toMatchObject({ status: 500, code: "CONFIG_INVALID" });
    expect(upstream).toEqual([]);
    // The same secret with the sandbox enabled (the harness's default: its Secrets Manager is on loopback).
    expect((await get("/v1/connections/demo-dingtalk/users/zhangsan")).status).toBe(200);
  });

  it.each([
    ["pageToken=0x10", "/v1/connections/demo-feishu/departments/0/users?pageToken=0x10"],
    ["pageToken=16", "/v1/connections/demo-dingtalk/departments/1/users?pageToken=16"],
    ["pageSize=0x10", "/v1/connections/demo-dingtalk/departments/1/users?pageSize=0x10"],
    ["pageSize=1e1", "/v1/connections/demo-dingtalk/departments/1/users?pageSize=1e1"],
    ["pageSize=+5", "/v1/connections/demo-dingtalk/departments/1/users?pageSize=%2B5"],
    ["department 2^53+1", "/v1/connections/demo-dingtalk/departments/9007199254740993"],
    ["department 2^53+1 users", "/v1/connections/demo-dingtalk/departments/9007199254740993/users"],
    ["department 1e3", "/v1/connections/demo-dingtalk/departments/1e3"],
    ["department 0x10", "/v1/connections/demo-dingtalk/departments/0x10/children"],
  ])("reads numbers strictly: %s is a 400, never another number upstream", async (_what, path) => {
    const operation =
      path.endsWith("/users") || path.includes("/users?")
        ? "departmentUsers"
        : path.includes("/children")
          ? "departmentChildren"
          : "department";
    const { result: answer, upstream } = await upstreamDuring(() => h.call(operation, apiEvent("GET", path)));
    expect(answer.json, path).toMatchObject({ status: 400, code: "INVALID_REQUEST" });
    expect(upstream.filter((u) => !/gettoken/.test(u))).toEqual([]);
  });

  it("keeps a large department id a string in direct invocations (a JSON number is refused, not rounded)", async () => {
    const error = await h.handlers
      .department(
        // As Lambda hands it over: the JSON payload parsed (the number already rounded to …992).
        JSON.parse('{"connection":"demo-dingtalk","departmentId":9007199254740993}'),
        lambdaContext("department"),
      )
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "INVALID_REQUEST", status: 400 });
  });
});
