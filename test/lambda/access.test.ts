import { baseUrlProblem, type DirgateError, IdSchema } from "@dirgate/core";
import { assertAllowed, ConnectionStore, callerIdentities, readSettings } from "@dirgate/lambda";
import { type ConnectionConfig, ConnectionConfigSchema, type ProviderClient } from "@dirgate/providers";
import { describe, expect, it } from "vitest";
import { allowEntry, batchIdentities } from "../../packages/lambda/src/access.ts";

/** The access model's pieces, one by one (the reliability suite drives them through the handlers). */

const ROLE = "arn:aws:iam::111122223333:role/hr-sync";
const SESSION = "arn:aws:sts::111122223333:assumed-role/hr-sync/i-0abc1234";
const ROLE_ID = "AROAEXAMPLEHRSYNC0001";

const config = (allow?: string[]): ConnectionConfig =>
  ConnectionConfigSchema.parse({
    provider: "feishu",
    appId: "cli_x",
    appSecret: "s",
    ...(allow ? { allow } : {}),
  });

const allowed = (allow: string[], identities: string[]) => {
  try {
    assertAllowed("acme", config(allow), identities);
    return true;
  } catch (error) {
    expect((error as DirgateError).code).toBe("FORBIDDEN");
    return false;
  }
};

describe("caller identities (namespaced)", () => {
  it("reads an IAM role session as its role and its unique id, the session dropped", () => {
    const identities = callerIdentities({
      requestContext: { authorizer: { iam: { userArn: SESSION, userId: `${ROLE_ID}:i-0abc1234` } } },
    });
    expect(identities).toEqual([`iam:${ROLE}`, `aws-id:${ROLE_ID}`]);
  });

  it("reads a JWT as its subject and scopes, each in its own namespace", () => {
    expect(
      callerIdentities({
        requestContext: {
          authorizer: {
            jwt: { claims: { sub: "auth0|crm", scope: "profile directory.read" }, scopes: ["x"] },
          },
        },
      }),
    ).toEqual(["jwt-sub:auth0|crm", "scope:x", "scope:profile", "scope:directory.read"]);
  });

  it("reads an SQS record's SenderId (set by SQS) as aws-id, the session dropped", () => {
    expect(batchIdentities({ attributes: { SenderId: `${ROLE_ID}:hr-sync-session` } })).toEqual([
      `aws-id:${ROLE_ID}`,
    ]);
    expect(batchIdentities({ attributes: { SenderId: "AIDAEXAMPLEUSER00001" } })).toEqual([
      "aws-id:AIDAEXAMPLEUSER00001",
    ]);
    expect(batchIdentities({ attributes: { SenderId: "111122223333" } })).toEqual(["aws-id:111122223333"]);
    // A federated user (`account:name`) is not the account's root.
    expect(batchIdentities({ attributes: { SenderId: "111122223333:fed-user" } })).toEqual([]);
    expect(batchIdentities({ attributes: {} })).toEqual([]);
    expect(batchIdentities({} as never)).toEqual([]);
  });
});

describe("allow lists", () => {
  it("match a role's every session by its role ARN (audit finding 3: userArn was compared exactly)", () => {
    const caller = callerIdentities({ requestContext: { authorizer: { iam: { userArn: SESSION } } } });
    expect(allowed([ROLE], caller)).toBe(true);
    expect(allowed([`iam:${ROLE}`], caller)).toBe(true);
    // A role with a path is the same role (the session ARN carries no path).
    expect(allowed(["iam:arn:aws:iam::111122223333:role/service/hr-sync"], caller)).toBe(true);
    // Another role, account or partition is not.
    expect(allowed(["arn:aws:iam::111122223333:role/hr-sync-2"], caller)).toBe(false);
    expect(allowed(["arn:aws:iam::999922223333:role/hr-sync"], caller)).toBe(false);
    expect(allowed(["arn:aws-cn:iam::111122223333:role/hr-sync"], caller)).toBe(false);
    // An allow entry naming one session means the role: the session name is the assumer's choice.
    expect(allowed([SESSION.replace("i-0abc1234", "other")], caller)).toBe(true);
  });

  it("keep IAM principals, AWS unique ids, JWT subjects and scopes apart", () => {
    // A JWT whose subject is an allowed role ARN is not that role.
    const jwtAsRole = callerIdentities({
      requestContext: { authorizer: { jwt: { claims: { sub: ROLE }, scopes: null } } },
    });
    expect(allowed([ROLE], jwtAsRole)).toBe(false);
    expect(allowed([`iam:${ROLE}`], jwtAsRole)).toBe(false);
    // …nor a scope a subject, nor a subject a scope.
    const jwt = (sub: string, scopes: string[]) =>
      callerIdentities({ requestContext: { authorizer: { jwt: { claims: { sub }, scopes } } } });
    expect(allowed(["scope:directory.read"], jwt("scope:directory.read", []))).toBe(false);
    expect(allowed(["jwt-sub:directory.read"], jwt("x", ["directory.read"]))).toBe(false);
    expect(allowed(["aws-id:AROAEXAMPLE"], jwt("AROAEXAMPLE", []))).toBe(false);
    // Each namespace admits its own kind.
    expect(allowed(["jwt-sub:auth0|crm"], jwt("auth0|crm", []))).toBe(true);
    expect(allowed(["auth0|crm"], jwt("auth0|crm", []))).toBe(true);
    expect(allowed(["scope:directory.read"], jwt("x", ["directory.read"]))).toBe(true);
    expect(allowed([`aws-id:${ROLE_ID}`], [`aws-id:${ROLE_ID}`])).toBe(true);
  });

  it("read entries written before the namespaces as they were meant", () => {
    expect(allowEntry(ROLE)).toBe(`iam:${ROLE}`);
    expect(allowEntry("auth0|crm-service")).toBe("jwt-sub:auth0|crm-service");
    expect(allowEntry("scope:directory.read")).toBe("scope:directory.read");
    expect(allowEntry(`aws-id:${ROLE_ID}`)).toBe(`aws-id:${ROLE_ID}`);
  });

  it("refuse malformed namespaced entries in the connection's secret", () => {
    for (const entry of ["iam:hr-sync", `aws-id:${ROLE_ID}:session`, "aws-id:", "jwt-sub:", "scope:"]) {
      expect(ConnectionConfigSchema.safeParse({ ...config(), allow: [entry] }).success, entry).toBe(false);
    }
  });

  it("refuse every caller without an identity when the connection has a list (direct invocation)", () => {
    expect(allowed([ROLE, "scope:x"], [])).toBe(false);
    expect(() => assertAllowed("acme", config(), [])).not.toThrow();
  });
});

describe("a connection's baseUrl (audit finding 5)", () => {
  it.each([
    "http://oapi.dingtalk.com",
    "ftp://oapi.dingtalk.com",
    "https://oapi.dingtalk.com#x",
    "https://oapi.dingtalk.com/#",
    "https://oapi.dingtalk.com?x=1",
    "https://oapi.dingtalk.com/?",
    "https://user:pw@oapi.dingtalk.com",
    "https://evil.example@oapi.dingtalk.com",
    "https://oapi.dingtalk.com/a/../b",
    "https://oapi.dingtalk.com/%2e%2e/x",
    "https://oapi.dingtalk.com\\@evil.example",
    "https://10.0.0.8",
    "https://172.16.5.4",
    "https://192.168.1.1",
    "https://169.254.169.254",
    "https://100.64.0.1",
    "https://0.0.0.0",
    "https://[fe80::1]",
    "https://[fd00::1]",
    "https://[::ffff:169.254.169.254]",
    "https://2852039166",
    "https://0xa9.0xfe.0xa9.0xfe",
    "https://127.0.0.1:8443",
    "http://127.0.0.1:54321",
    "http://localhost:3000",
    "http://[::1]:3000",
    "https://oapi.dingtalk.com /x",
  ])("refuses %s (loopback only in the sandbox)", (url) => {
    expect(baseUrlProblem(url, { allowLoopback: false })).toBeTypeOf("string");
  });

  it.each([
    "https://oapi.dingtalk.com",
    "https://open.larksuite.com/",
    "https://acme.bccastle.com",
    "https://idaas.example.com:8443/gateway",
    "https://47.100.1.2",
  ])("accepts %s", (url) => {
    expect(baseUrlProblem(url, { allowLoopback: false })).toBeUndefined();
  });

  it("accepts loopback only when the function enables the sandbox", () => {
    for (const url of ["http://127.0.0.1:54321", "https://localhost:8443/x", "http://[::1]:3000"]) {
      expect(baseUrlProblem(url, { allowLoopback: true }), url).toBeUndefined();
    }
    // Private and link-local addresses never pass.
    expect(baseUrlProblem("https://169.254.169.254", { allowLoopback: true })).toBeTypeOf("string");
  });

  it("is checked by the connection store (every provider, EIAM's required baseUrl included)", async () => {
    const secrets: Record<string, object> = {
      plain: { provider: "dingtalk", appKey: "k", appSecret: "s", baseUrl: "http://evil.example" },
      metadata: { provider: "eiam", clientId: "c", clientSecret: "s", baseUrl: "https://169.254.169.254" },
      fragment: { provider: "feishu", appId: "a", appSecret: "s", baseUrl: "https://open.feishu.cn#" },
      loopback: { provider: "wecom", corpId: "c", corpSecret: "s", baseUrl: "http://127.0.0.1:9" },
      eiamHttp: { provider: "eiam", clientId: "c", clientSecret: "s", baseUrl: "http://acme.bccastle.com" },
      good: { provider: "eiam", clientId: "c", clientSecret: "s", baseUrl: "https://acme.bccastle.com" },
    };
    const make = (allowLoopbackBaseUrl: boolean) =>
      new ConnectionStore({
        reader: { read: async (name) => JSON.stringify(secrets[name.split("/").pop()!]) },
        prefix: "p",
        ttlMs: 60_000,
        max: 10,
        unknownTtlMs: 0,
        allowLoopbackBaseUrl,
        createClient: () => ({}) as ProviderClient,
      });
    const strict = make(false);
    for (const id of ["plain", "metadata", "fragment", "loopback", "eiamHttp"]) {
      const error = await strict.get(id).catch((e: unknown) => e);
      expect((error as DirgateError)?.code, id).toBe("CONFIG_INVALID");
      expect((error as DirgateError).message, id).toContain("baseUrl");
      // Field names only: the value never reaches a message.
      expect((error as DirgateError).message).not.toMatch(/evil|169\.254|127\.0/);
    }
    expect((await strict.get("good")).id).toBe("good");
    expect((await make(true).get("loopback")).id).toBe("loopback");
  });

  it("allows loopback when DIRGATE_ALLOW_LOOPBACK_BASE_URL says so, or when Secrets Manager itself is the sandbox's", () => {
    const env = { AWS_REGION: "us-east-1" };
    expect(readSettings(env).allowLoopbackBaseUrl).toBe(false);
    expect(readSettings({ ...env, DIRGATE_ALLOW_LOOPBACK_BASE_URL: "true" }).allowLoopbackBaseUrl).toBe(true);
    const sandbox = { ...env, DIRGATE_SECRETS_MANAGER_ENDPOINT: "http://127.0.0.1:4566" };
    expect(readSettings(sandbox).allowLoopbackBaseUrl).toBe(true);
    expect(readSettings({ ...sandbox, DIRGATE_ALLOW_LOOPBACK_BASE_URL: "false" }).allowLoopbackBaseUrl).toBe(
      false,
    );
    expect(
      readSettings({ ...env, DIRGATE_SECRETS_MANAGER_ENDPOINT: "https://secretsmanager.example.com" })
        .allowLoopbackBaseUrl,
    ).toBe(false);
    expect(() => readSettings({ ...env, DIRGATE_ALLOW_LOOPBACK_BASE_URL: "yes please" })).toThrow(
      /DIRGATE_ALLOW_LOOPBACK_BASE_URL/,
    );
  });
});

describe("ids and numbers (audit findings 6 and 7)", () => {
  it("refuses the dot segments . and .. as ids", () => {
    for (const id of [".", ".."]) expect(IdSchema.safeParse(id).success, id).toBe(false);
    for (const id of ["...", ".a", "a..b", "zhangsan", "0"])
      expect(IdSchema.safeParse(id).success, id).toBe(true);
  });

  it("reads numeric settings as decimal digits only", () => {
    const env = { AWS_REGION: "us-east-1" };
    expect(readSettings({ ...env, DIRGATE_BATCH_CONCURRENCY: "16" }).batchConcurrency).toBe(16);
    for (const value of ["0x10", "1e1", "+5", " 5", "5.0", "0b101", "-1", "Infinity"]) {
      expect(() => readSettings({ ...env, DIRGATE_BATCH_CONCURRENCY: value }), value).toThrow(
        /DIRGATE_BATCH_CONCURRENCY/,
      );
    }
  });
});
