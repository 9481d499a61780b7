import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { apiEvent } from "../helpers/lambda.ts";
import { useSandbox } from "../helpers/sandbox.ts";
import { assertNoLeaks, createHarness, type Harness } from "./harness.ts";

/**
 * The fault matrix, through the full handlers: each fault → its documented status and code, a
 * bounded number of upstream attempts, then healing once the fault clears.
 */
const sbx = useSandbox();
let h: Harness;
let faultsTried = 0;

beforeAll(() => {
  h = createHarness(sbx.current, { DIRGATE_UPSTREAM_TIMEOUT_MS: "300" });
});
afterEach(() => h.collectTokens());
afterAll(() => console.log(`faults: ${faultsTried} tried`));

const get = (url: string, options: Parameters<typeof apiEvent>[2] = {}) =>
  h.call(url.includes("/departments/") ? "departmentUsers" : "userById", apiEvent("GET", url, options));

describe("fault matrix: each fault → its documented status and code, bounded retries, then healing", () => {
  const DT = "/v1/connections/demo-dingtalk/users/zhangsan";
  const FS = "/v1/connections/demo-feishu/users/3e3cf96b";
  const dtCalls = () => sbx.current.dingtalk.emulator.counter("POST /topapi/v2/user/get");
  const fsCalls = () => sbx.current.feishu.emulator.counter("GET /open-apis/contact/v3/users/:user_id");

  async function scenario(
    name: string,
    inject: () => void,
    request: () => ReturnType<typeof get>,
    expected: { status: number; code: string; maxAttempts: number; attempts: () => number },
    clear: () => void = () => {
      for (const e of sbx.current.emulators) e.clearFaults();
    },
  ) {
    faultsTried += 1;
    expect((await request()).status, `${name}: warm-up`).toBe(200);
    const before = expected.attempts();
    inject();
    const answer = await request();
    expect(answer.status, name).toBe(expected.status);
    expect(answer.json.code, name).toBe(expected.code);
    expect(answer.headers["content-type"], name).toBe("application/problem+json");
    expect(expected.attempts() - before, `${name}: upstream attempts`).toBeLessThanOrEqual(
      expected.maxAttempts,
    );
    clear();
    expect((await request()).status, `${name}: after the fault clears`).toBe(200);
    return answer;
  }

  it("latency beyond the timeout → 504 UPSTREAM_TIMEOUT", async () => {
    await scenario(
      "latency",
      () => sbx.current.dingtalk.emulator.setKnobs({ latencyMs: 700 }),
      () => get(DT),
      {
        status: 504,
        code: "UPSTREAM_TIMEOUT",
        maxAttempts: 3,
        attempts: dtCalls,
      },
      () => sbx.current.dingtalk.emulator.setKnobs({ latencyMs: 0 }),
    );
  });

  it.each([
    ["http503", 503, "UPSTREAM_UNAVAILABLE", 3],
    ["http502", 503, "UPSTREAM_UNAVAILABLE", 3],
    ["reset", 503, "UPSTREAM_UNAVAILABLE", 3],
    ["malformedJson", 503, "UPSTREAM_UNAVAILABLE", 3],
    ["busy", 503, "UPSTREAM_UNAVAILABLE", 3],
    ["htmlThrottle", 429, "UPSTREAM_RATE_LIMITED", 1],
    ["punishDeny", 429, "UPSTREAM_RATE_LIMITED", 1],
    ["rateLimited", 429, "UPSTREAM_RATE_LIMITED", 3],
  ] as const)("DingTalk %s → %i %s", async (kind, status, code, maxAttempts) => {
    const answer = await scenario(
      kind,
      () => sbx.current.dingtalk.emulator.addFault({ kind, count: 10, path: "/topapi/" }),
      () => get(DT),
      {
        status,
        code,
        maxAttempts,
        attempts: dtCalls,
      },
    );
    if (status === 429) expect(Number(answer.headers["retry-after"])).toBeGreaterThanOrEqual(1);
  });

  it.each([
    ["http500", 503, "UPSTREAM_UNAVAILABLE", 3],
    ["busy", 503, "UPSTREAM_UNAVAILABLE", 3],
    ["reset", 503, "UPSTREAM_UNAVAILABLE", 3],
    ["rateLimited", 429, "UPSTREAM_RATE_LIMITED", 3],
  ] as const)("Feishu %s → %i %s", async (kind, status, code, maxAttempts) => {
    await scenario(
      kind,
      () => sbx.current.feishu.emulator.addFault({ kind, count: 10, path: "/open-apis/contact/" }),
      () => get(FS),
      {
        status,
        code,
        maxAttempts,
        attempts: fsCalls,
      },
    );
  });

  it("a rate limit with a reset header is waited out and the call succeeds", async () => {
    faultsTried += 1;
    sbx.current.feishu.emulator.setKnobs({ rateLimitPerSecond: 1 });
    expect((await get(FS)).status).toBe(200);
    const started = Date.now();
    const second = await get(FS);
    expect(second.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    expect(sbx.current.feishu.emulator.counter("rateLimited")).toBe(1);
  });

  it("a token revoked mid-run is fetched again once; the call succeeds", async () => {
    faultsTried += 1;
    expect((await get(DT)).status).toBe(200);
    const tokenCalls = sbx.current.dingtalk.emulator.counter("GET /gettoken");
    sbx.current.dingtalk.emulator.addFault({ kind: "revokeToken", path: "/topapi/" });
    expect((await get(DT)).status).toBe(200);
    expect(sbx.current.dingtalk.emulator.counter("GET /gettoken")).toBe(tokenCalls + 1);
  });

  it("bad app credentials → 502 UPSTREAM_AUTH_FAILED, after one secret re-read; a fixed secret heals", async () => {
    faultsTried += 1;
    const name = "dirgate/local/connections/rel-bad-creds";
    sbx.current.secretsManager.putSecret(name, {
      ...sbx.current.connections["demo-dingtalk"],
      appSecret: "no-longer-valid",
    });
    const answer = await get("/v1/connections/rel-bad-creds/users/zhangsan");
    expect(answer.json).toMatchObject({
      status: 502,
      code: "UPSTREAM_AUTH_FAILED",
      upstream: { code: "40096" },
    });
    // Re-read once; the secret had not changed, so the call is not tried again.
    expect(sbx.current.secretsManager.emulator.counter(`GetSecretValue ${name}`)).toBe(2);
    expect(sbx.current.dingtalk.emulator.counter("GET /gettoken")).toBe(1);
    sbx.current.secretsManager.putSecret(name, sbx.current.connections["demo-dingtalk"]!);
    expect((await get("/v1/connections/rel-bad-creds/users/zhangsan")).status).toBe(200);
  });

  it("Secrets Manager unreachable → 503; healed on the next request", async () => {
    faultsTried += 1;
    sbx.current.secretsManager.putSecret(
      "dirgate/local/connections/rel-sm-down",
      sbx.current.connections["demo-feishu"]!,
    );
    sbx.current.secretsManager.emulator.addFault({ kind: "reset", count: 2 });
    const answer = await get("/v1/connections/rel-sm-down/users/3e3cf96b");
    expect(answer.json).toMatchObject({ status: 503, code: "UPSTREAM_UNAVAILABLE" });
    expect(answer.json.detail).toBe("the secret store is unavailable");
    expect((await get("/v1/connections/rel-sm-down/users/3e3cf96b")).status).toBe(200);
  });

  it("a missing secret → 404 CONNECTION_NOT_FOUND; a secret failing its schema → 500 CONFIG_INVALID", async () => {
    faultsTried += 2;
    expect((await get("/v1/connections/rel-missing/users/zhangsan")).json).toMatchObject({
      status: 404,
      code: "CONNECTION_NOT_FOUND",
    });
    sbx.current.secretsManager.putSecret("dirgate/local/connections/rel-invalid", {
      provider: "dingtalk",
      appKey: 42,
      appSecret: "s3cr3t-xyz",
    });
    const invalid = await get("/v1/connections/rel-invalid/users/zhangsan");
    expect(invalid.json).toMatchObject({ status: 500, code: "CONFIG_INVALID" });
    expect(invalid.body).not.toContain("s3cr3t-xyz");
    sbx.current.secretsManager.putSecret("dirgate/local/connections/rel-not-json", "definitely { not json");
    expect((await get("/v1/connections/rel-not-json/users/zhangsan")).json).toMatchObject({
      status: 500,
      code: "CONFIG_INVALID",
    });
  });
});

describe("what the fault matrix produced", () => {
  it("holds no secret, token or unmasked mobile in any log line or answer", () => {
    const checked = assertNoLeaks(sbx.current, h);
    expect(checked.lines).toBeGreaterThan(50);
  });
});
