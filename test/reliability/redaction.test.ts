import { DEMO_CREDENTIALS } from "@dirgate/sandbox";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { apiEvent } from "../helpers/lambda.ts";
import { useSandbox } from "../helpers/sandbox.ts";
import { assertNoLeaks, createHarness, type Harness } from "./harness.ts";

/**
 * Redaction over everything a representative run produces at DEBUG level: every operation on every
 * demo connection (raw records included), every fault kind, rejected credentials and broken secrets.
 * No log line or answer may hold a secret, a token, a sensitive EIAM field or `access_token=`, and
 * no log line an unmasked mobile. Runs alone: it produces its own material.
 */
const sbx = useSandbox();
let h: Harness;

beforeAll(() => {
  // Short backoff: the point is what gets logged and answered, not how long retries wait.
  h = createHarness(sbx.current, { DIRGATE_UPSTREAM_TIMEOUT_MS: "300" }, { baseDelayMs: 2, maxDelayMs: 5 });
});
afterEach(() => h.collectTokens());

const byMobile = (connection: string, mobile: string, query = "") =>
  h.call(
    "userByMobile",
    apiEvent("POST", `/v1/connections/${connection}/users/by-mobile${query}`, { body: { mobile } }),
  );
const byId = (connection: string, id: string, query = "") =>
  h.call("userById", apiEvent("GET", `/v1/connections/${connection}/users/${id}${query}`));
const members = (connection: string, department: string) =>
  h.call("departmentUsers", apiEvent("GET", `/v1/connections/${connection}/departments/${department}/users`));

async function everyOperation() {
  await byMobile("demo-dingtalk", "13800138000", "?include=raw");
  await byMobile("demo-feishu", "13011111111", "?include=raw");
  await byMobile("demo-eiam", "15204130007", "?include=raw");
  await byMobile("demo-dingtalk", "13800000000");
  await byId("demo-dingtalk", "zhangsan", "?include=raw");
  await byId("demo-dingtalk-legacy", "zhangsan", "?include=raw");
  await byId("demo-feishu", "3e3cf96b", "?include=raw");
  await byId("demo-eiam", "20220825141325371-4D03-81EF80243", "?include=raw");
  await members("demo-dingtalk", "5");
  await members("demo-feishu", "od-5caa30529e8feabe141512b5c3c7153a");
}

describe("redaction", () => {
  it("holds across successes, every fault kind, rejected credentials and broken secrets", async () => {
    await everyOperation();
    for (const kind of [
      "http500",
      "reset",
      "malformedJson",
      "htmlThrottle",
      "punishDeny",
      "busy",
      "rateLimited",
    ] as const) {
      for (const emulator of [
        sbx.current.dingtalk.emulator,
        sbx.current.feishu.emulator,
        sbx.current.eiam.emulator,
      ])
        emulator.addFault({ kind, count: 3 });
      await everyOperation();
      sbx.current.reset();
    }
    for (const emulator of [
      sbx.current.dingtalk.emulator,
      sbx.current.feishu.emulator,
      sbx.current.eiam.emulator,
    ])
      emulator.addFault({ kind: "revokeToken" });
    await everyOperation();
    sbx.current.secretsManager.putSecret("dirgate/local/connections/red-bad-creds", {
      ...sbx.current.connections["demo-dingtalk"],
      appSecret: "no-longer-valid",
    });
    expect((await byId("red-bad-creds", "zhangsan")).json.code).toBe("UPSTREAM_AUTH_FAILED");
    sbx.current.secretsManager.putSecret("dirgate/local/connections/red-invalid", {
      provider: "dingtalk",
      appKey: 42,
      appSecret: "s3cr3t-xyz",
    });
    expect((await byId("red-invalid", "zhangsan")).json.code).toBe("CONFIG_INVALID");
    h.collectTokens();

    const checked = assertNoLeaks(sbx.current, h);
    console.log(
      `redaction: ${checked.lines} log lines and ${checked.answers} answers checked, ${h.tokens.size} tokens searched for`,
    );
    expect(checked.lines).toBeGreaterThan(100);
    expect(h.tokens.size).toBeGreaterThan(3);
    // The by-mobile requests were logged, masked.
    expect(h.logLines.some((l) => /"mobile":"\d{3}\*{4}\d{4}"/.test(l))).toBe(true);
    // The raw EIAM record was answered without its identity number (and the answers were checked).
    expect(h.bodies.some((b) => b.includes("20220825141325371-4D03-81EF80243") && b.includes('"raw"'))).toBe(
      true,
    );
  }, 60_000);

  it("is a check that can fail: a leaked secret or token in a log line is found", () => {
    const material = {
      logLines: [`{"message":"x","secret":"${DEMO_CREDENTIALS.feishu.appSecret}"}`],
      bodies: [],
      tokens: new Set<string>(),
    };
    expect(() => assertNoLeaks(sbx.current, material)).toThrow();
    const token = {
      logLines: ['{"url":"https://x/?access_token=abc123"}'],
      bodies: [],
      tokens: new Set<string>(),
    };
    expect(() => assertNoLeaks(sbx.current, token)).toThrow();
    const mobile = { logLines: ['{"mobile":"13800138000"}'], bodies: [], tokens: new Set<string>() };
    expect(() => assertNoLeaks(sbx.current, mobile)).toThrow();
  });
});
