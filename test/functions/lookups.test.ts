import { DEMO_CREDENTIALS } from "@dirgate/sandbox";
import { beforeAll, describe, expect, it } from "vitest";
import { apiEvent, type Functions, invoke, lambdaContext, loadFunctions } from "../helpers/lambda.ts";
import { useSandbox } from "../helpers/sandbox.ts";

const sbx = useSandbox();
let fn: Functions;
beforeAll(async () => {
  fn = await loadFunctions(sbx.current);
});

const byMobile = (connection: string, body: unknown, query = "") =>
  invoke(
    fn.usersByMobile,
    apiEvent("POST", `/v1/connections/${connection}/users/by-mobile${query}`, { body }),
  );

describe("users-by-mobile through the full Middy chain", () => {
  it("finds zhangsan on demo-dingtalk (seed 000 + 001)", async () => {
    const answer = await byMobile("demo-dingtalk", { mobile: "13800138000" });
    expect(answer.status).toBe(200);
    expect(answer.headers["content-type"]).toMatch(/^application\/json/);
    expect(answer.json).toMatchObject({ id: "zhangsan", mobile: { e164: "+8613800138000" } });
    expect(answer.headers["Strict-Transport-Security"]).toBeTruthy();
    expect(answer.headers["X-Content-Type-Options"]).toBe("nosniff");
  });

  it("finds the EIAM seed user, with no identity number anywhere (raw included)", async () => {
    const answer = await byMobile("demo-eiam", { mobile: "15204130007" }, "?include=raw");
    expect(answer.json).toMatchObject({ id: "20220825141325371-4D03-81EF80243", raw: { first_name: "F" } });
    expect(answer.body).not.toContain("420100199911111111");
    expect(answer.body).not.toContain("attr_identity");
  });

  it("answers idsOnly with the reference only", async () => {
    const answer = await byMobile("demo-dingtalk", { mobile: "13900139000", idsOnly: true });
    expect(answer.json).toEqual({
      provider: "dingtalk",
      connection: "demo-dingtalk",
      id: "lisi",
      exclusiveAccountUserIds: ["lisi_ea1", "lisi_ea2"],
    });
  });

  it.each([
    ["no body", undefined, 400, "INVALID_REQUEST"],
    ["a body that is not JSON", "{mobile:", 400, "INVALID_REQUEST"],
    ["a number for mobile", { mobile: 13800138000 }, 400, "INVALID_REQUEST"],
    ["an impossible number", { mobile: "abc" }, 400, "INVALID_REQUEST"],
    ["an unknown field", { mobile: "13800138000", admin: true }, 400, "INVALID_REQUEST"],
    ["an unknown mobile", { mobile: "13800000000" }, 404, "USER_NOT_FOUND"],
  ])("answers %s with %i %s as problem+json", async (_name, body, status, code) => {
    const event = apiEvent("POST", "/v1/connections/demo-dingtalk/users/by-mobile", { body });
    const answer = await invoke(fn.usersByMobile, event);
    expect(answer.status).toBe(status);
    expect(answer.headers["content-type"]).toBe("application/problem+json");
    expect(answer.json).toMatchObject({
      status,
      code,
      type: expect.stringMatching(/^urn:dirgate:problem:/),
      requestId: expect.any(String),
    });
    expect(answer.body).not.toMatch(/at .+\.ts:\d+/); // no stack trace
  });

  it("rejects a non-JSON content type", async () => {
    const event = apiEvent("POST", "/v1/connections/demo-dingtalk/users/by-mobile", {
      body: "mobile=13800138000",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    const answer = await invoke(fn.usersByMobile, event);
    expect(answer.json).toMatchObject({ status: 400, errors: [{ path: "headers.content-type" }] });
  });

  it("reads a base64-encoded body as API Gateway sends binary ones", async () => {
    const event = apiEvent("POST", "/v1/connections/demo-dingtalk/users/by-mobile", {
      body: { mobile: "13800138000" },
    });
    event.body = Buffer.from(event.body!).toString("base64");
    event.isBase64Encoded = true;
    expect((await invoke(fn.usersByMobile, event)).json.id).toBe("zhangsan");
  });
});

describe("user-by-id", () => {
  it("gives the same person on demo-dingtalk and demo-dingtalk-legacy", async () => {
    const v2 = await invoke(fn.userById, apiEvent("GET", "/v1/connections/demo-dingtalk/users/zhangsan"));
    const legacy = await invoke(
      fn.userById,
      apiEvent("GET", "/v1/connections/demo-dingtalk-legacy/users/zhangsan"),
    );
    expect(v2.status).toBe(200);
    expect(legacy.status).toBe(200);
    for (const field of ["id", "name", "mobile", "email", "title", "departments", "managerId", "hiredAt"]) {
      expect(legacy.json[field], field).toEqual(v2.json[field]);
    }
    expect(sbx.current.dingtalk.emulator.counter("GET /user/get")).toBe(1);
  });

  it.each([
    ["/v1/connections/demo-dingtalk/users/zhangsan?idType=email", 400, "INVALID_REQUEST"],
    ["/v1/connections/demo-dingtalk/users/zhangsan?foo=bar", 400, "INVALID_REQUEST"],
    ["/v1/connections/demo-dingtalk/users/zhangsan?idType=openId", 501, "UNSUPPORTED_OPERATION"],
    ["/v1/connections/no-such-connection/users/zhangsan", 404, "CONNECTION_NOT_FOUND"],
    ["/v1/connections/demo..dingtalk/users/zhangsan", 400, "INVALID_REQUEST"],
    ["/v1/connections/demo-dingtalk/users/nobody", 404, "USER_NOT_FOUND"],
  ])("GET %s → %i %s", async (url, status, code) => {
    const answer = await invoke(fn.userById, apiEvent("GET", url));
    expect(answer.status).toBe(status);
    expect(answer.json.code).toBe(code);
  });

  it("answers 429 with Retry-After when the provider keeps rate limiting", async () => {
    sbx.current.dingtalk.emulator.addFault({ kind: "rateLimited", count: 5, path: "/topapi/" });
    const answer = await invoke(fn.userById, apiEvent("GET", "/v1/connections/demo-dingtalk/users/zhangsan"));
    expect(answer.status).toBe(429);
    expect(answer.json).toMatchObject({ code: "UPSTREAM_RATE_LIMITED", upstream: { code: "88/90002" } });
    expect(Number(answer.headers["retry-after"])).toBeGreaterThanOrEqual(1);
  });
});

describe("department-users", () => {
  it("pages od-5caa… at 50 through nextPageToken: every member exactly once", async () => {
    const ids: string[] = [];
    let token: string | null = null;
    do {
      const query: string = token ? `&pageToken=${encodeURIComponent(token)}` : "";
      const answer = await invoke(
        fn.departmentUsers,
        apiEvent(
          "GET",
          `/v1/connections/demo-feishu/departments/od-5caa30529e8feabe141512b5c3c7153a/users?pageSize=50${query}`,
        ),
      );
      expect(answer.status).toBe(200);
      ids.push(...answer.json.items.map((u: { id: string }) => u.id));
      token = answer.json.nextPageToken;
    } while (token);
    expect(ids.length).toBeGreaterThan(120);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each([
    ["?pageSize=500", 400],
    ["?pageSize=0", 400],
    ["?pageSize=ten", 400],
    ["?pageToken=", 400],
  ])("rejects %s", async (query, status) => {
    const answer = await invoke(
      fn.departmentUsers,
      apiEvent(
        "GET",
        `/v1/connections/demo-feishu/departments/od-5caa30529e8feabe141512b5c3c7153a/users${query}`,
      ),
    );
    expect(answer.status).toBe(status);
    expect(answer.json.code).toBe("INVALID_REQUEST");
  });

  it("answers 501 for an id type EIAM does not have", async () => {
    const answer = await invoke(
      fn.departmentUsers,
      apiEvent("GET", "/v1/connections/demo-eiam/departments/x/users?idType=openId"),
    );
    expect(answer.json).toMatchObject({ status: 501, code: "UNSUPPORTED_OPERATION" });
  });
});

describe("connections and secrets", () => {
  it("serves a connection created after deployment: a new secret, no redeploy", async () => {
    sbx.current.secretsManager.putSecret("dirgate/local/connections/acme-feishu", {
      provider: "feishu",
      ...DEMO_CREDENTIALS.feishu,
      baseUrl: sbx.current.feishu.emulator.baseUrl,
    });
    const answer = await invoke(fn.userById, apiEvent("GET", "/v1/connections/acme-feishu/users/3e3cf96b"));
    expect(answer.json).toMatchObject({ connection: "acme-feishu", name: "张三" });
  });

  it("answers CONFIG_INVALID for a secret that fails its schema, naming fields, never values", async () => {
    sbx.current.secretsManager.putSecret("dirgate/local/connections/broken", {
      provider: "dingtalk",
      appKey: "k",
      appSecret: "",
    });
    const answer = await invoke(fn.userById, apiEvent("GET", "/v1/connections/broken/users/zhangsan"));
    expect(answer.json).toMatchObject({ status: 500, code: "CONFIG_INVALID" });
    expect(answer.json.detail).toContain("appSecret");
  });

  it("caches the secret: 5 lookups, 1 GetSecretValue", async () => {
    sbx.current.secretsManager.putSecret(
      "dirgate/local/connections/cached",
      sbx.current.connections["demo-dingtalk"]!,
    );
    for (let i = 0; i < 5; i += 1)
      await invoke(fn.userById, apiEvent("GET", "/v1/connections/cached/users/zhangsan"));
    expect(sbx.current.secretsManager.emulator.counter("GetSecretValue")).toBe(1);
  });

  it("does not cache a failed secret fetch", async () => {
    // A connection never fetched before (the secret cache lives as long as the container).
    sbx.current.secretsManager.putSecret(
      "dirgate/local/connections/flaky",
      sbx.current.connections["demo-eiam"]!,
    );
    sbx.current.secretsManager.emulator.addFault({ kind: "http500", count: 2 });
    const failed = await invoke(
      fn.userById,
      apiEvent("GET", "/v1/connections/flaky/users/20220825141325371-4D03-81EF80243"),
    );
    const healed = await invoke(
      fn.userById,
      apiEvent("GET", "/v1/connections/flaky/users/20220825141325371-4D03-81EF80243"),
    );
    expect(failed.json).toMatchObject({ status: 503, code: "UPSTREAM_UNAVAILABLE" });
    expect(healed.status).toBe(200);
  });

  it("heals a rotated secret by itself: re-read once when upstream rejects the credentials", async () => {
    const name = "dirgate/local/connections/rotating";
    const good = {
      provider: "dingtalk",
      ...DEMO_CREDENTIALS.dingtalk,
      baseUrl: sbx.current.dingtalk.emulator.baseUrl,
    };
    sbx.current.secretsManager.putSecret(name, { ...good, appSecret: "old-secret-now-revoked" });
    const before = await invoke(fn.userById, apiEvent("GET", "/v1/connections/rotating/users/zhangsan"));
    expect(before.json).toMatchObject({ code: "UPSTREAM_AUTH_FAILED" });
    sbx.current.secretsManager.putSecret(name, good); // the rotation
    const after = await invoke(fn.userById, apiEvent("GET", "/v1/connections/rotating/users/zhangsan"));
    expect(after.status).toBe(200);
    // 1: first read; 2: re-read after the rejection (still the old secret); 3: re-read after the next
    // rejection, which finds the rotated one. Never more than one re-read per request.
    expect(sbx.current.secretsManager.emulator.counter("GetSecretValue")).toBe(3);
  });

  it("enforces a connection's allow list against the IAM principal", async () => {
    sbx.current.secretsManager.putSecret("dirgate/local/connections/guarded", {
      ...sbx.current.connections["demo-dingtalk"],
      allow: ["arn:aws:iam::111122223333:role/hr-sync"],
    });
    const url = "/v1/connections/guarded/users/zhangsan";
    const allowed = await invoke(
      fn.userById,
      apiEvent("GET", url, {
        authorizer: { iam: { userArn: "arn:aws:iam::111122223333:role/hr-sync" } } as never,
      }),
    );
    const denied = await invoke(
      fn.userById,
      apiEvent("GET", url, {
        authorizer: { iam: { userArn: "arn:aws:iam::111122223333:role/other" } } as never,
      }),
    );
    const anonymous = await invoke(fn.userById, apiEvent("GET", url));
    expect(allowed.status).toBe(200);
    expect(denied.json).toMatchObject({ status: 403, code: "FORBIDDEN" });
    expect(anonymous.json.code).toBe("FORBIDDEN");
  });

  it("passes the Lambda deadline to upstream calls: a slow provider → 504 before the function times out", async () => {
    sbx.current.dingtalk.emulator.setKnobs({ latencyMs: 1_500 });
    const started = Date.now();
    const answer = await invoke(
      fn.userById,
      apiEvent("GET", "/v1/connections/demo-dingtalk/users/zhangsan"),
      lambdaContext("user-by-id", 1_200),
    );
    expect(answer.json).toMatchObject({ status: 504, code: "UPSTREAM_TIMEOUT" });
    expect(Date.now() - started).toBeLessThan(1_200);
  });
});

describe("meta", () => {
  it("answers health, the OpenAPI document and the docs page", async () => {
    const health = await invoke(fn.meta, apiEvent("GET", "/v1/health"));
    const openapi = await invoke(fn.meta, apiEvent("GET", "/v1/openapi.json"));
    const docs = await invoke(fn.meta, apiEvent("GET", "/docs"));
    expect(health.json).toEqual({ status: "ok", version: "0.1.0" });
    expect(openapi.json.openapi).toBe("3.1.0");
    expect(Object.keys(openapi.json.paths)).toContain("/v1/connections/{connection}/users/by-mobile");
    expect(docs.headers["content-type"]).toMatch(/^text\/html/);
    expect(docs.body).toContain("USER_NOT_FOUND");
    expect(sbx.current.secretsManager.emulator.counter("GetSecretValue")).toBe(0);
  });
});
