import { describe, expect, it } from "vitest";
import { demoClient, testDeps } from "../helpers/clients.ts";
import { useSandbox } from "../helpers/sandbox.ts";

const sbx = useSandbox();

describe("token lifecycle against the sandbox", () => {
  it("makes exactly one token request for 50 concurrent calls on a cold client, per provider", async () => {
    const dingtalk = demoClient(sbx.current, "demo-dingtalk");
    const feishu = demoClient(sbx.current, "demo-feishu");
    const eiam = demoClient(sbx.current, "demo-eiam");
    await Promise.all([
      ...Array.from({ length: 50 }, () => dingtalk.userById({ userId: "zhangsan" })),
      ...Array.from({ length: 50 }, () => feishu.userById({ userId: "3e3cf96b" })),
      ...Array.from({ length: 50 }, () => eiam.userByMobile({ mobile: "15204130007" })),
    ]);
    expect(sbx.current.dingtalk.emulator.counter("GET /gettoken")).toBe(1);
    expect(sbx.current.feishu.emulator.counter("POST /open-apis/auth/v3/tenant_access_token/internal")).toBe(
      1,
    );
    expect(sbx.current.eiam.emulator.counter("POST /api/v2/tenant/token")).toBe(1);
    expect(sbx.current.dingtalk.emulator.counter("POST /topapi/v2/user/get")).toBe(50);
  });

  it("heals through token expiry with a 1 s TTL: one refresh per expiry, no failed call", async () => {
    sbx.current.setKnobs({ tokenTtlSeconds: 1 });
    const { deps } = testDeps();
    const feishu = demoClient(sbx.current, "demo-feishu", deps);
    const dingtalk = demoClient(sbx.current, "demo-dingtalk", deps);
    const started = Date.now();
    let calls = 0;
    while (Date.now() - started < 3_300) {
      await Promise.all([feishu.userById({ userId: "3e3cf96b" }), dingtalk.userById({ userId: "zhangsan" })]);
      calls += 2;
      await new Promise((r) => setTimeout(r, 40));
    }
    const elapsed = (Date.now() - started) / 1000;
    const feishuTokens = sbx.current.feishu.emulator.counter(
      "POST /open-apis/auth/v3/tenant_access_token/internal",
    );
    const dingtalkTokens = sbx.current.dingtalk.emulator.counter("GET /gettoken");
    // One initial fetch plus one refresh per elapsed lifetime (refreshed 10 % early), and no more.
    expect(calls).toBeGreaterThan(40);
    expect(feishuTokens).toBeGreaterThanOrEqual(Math.floor(elapsed));
    expect(feishuTokens).toBeLessThanOrEqual(Math.ceil(elapsed / 0.9) + 1);
    expect(dingtalkTokens).toBeLessThanOrEqual(Math.ceil(elapsed / 0.9) + 1);
    // No call ever met an expired token: the sandbox answered every lookup first time.
    expect(sbx.current.feishu.emulator.counter("GET /open-apis/contact/v3/users/:user_id")).toBe(calls / 2);
  });
});
