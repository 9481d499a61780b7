import { FAULT_KINDS } from "@dirgate/sandbox";
import { describe, expect, it } from "vitest";
import { call, dingtalkToken, eiamToken, feishuToken, postJson, useSandbox } from "../helpers/sandbox.ts";

const sbx = useSandbox();
const dt = () => sbx.current.dingtalk.emulator;

async function getbymobile(token: string) {
  return postJson(`${dt().baseUrl}/topapi/v2/user/getbymobile?access_token=${token}`, {
    mobile: "13800138000",
    support_exclusive_account_search: true,
  });
}

describe("fault injection", () => {
  it("fires a fault on the next N requests, then heals", async () => {
    const token = await dingtalkToken(sbx.current);
    dt().addFault({ kind: "busy", count: 2, path: "/topapi/" });
    const answers = [await getbymobile(token), await getbymobile(token), await getbymobile(token)];
    expect(answers.map((a) => a.json.errcode)).toEqual([-1, -1, 0]);
    expect(dt().counter("fault:busy")).toBe(2);
    expect(dt().counter("POST /topapi/v2/user/getbymobile")).toBe(3);
  });

  it("only matches its path prefix", async () => {
    dt().addFault({ kind: "http500", path: "/topapi/" });
    const token = await dingtalkToken(sbx.current);
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    expect((await getbymobile(token)).status).toBe(500);
  });

  it("fires at a rate, reproducibly for a given seed", async () => {
    const token = await dingtalkToken(sbx.current);
    const run = async () => {
      sbx.current.reset();
      dt().addFault({ kind: "http503", rate: 0.3, path: "/topapi/" });
      const statuses: number[] = [];
      for (let i = 0; i < 40; i += 1)
        statuses.push((await getbymobile(await dingtalkToken(sbx.current))).status);
      return statuses;
    };
    expect(token).toBeTruthy();
    const first = await run();
    const second = await run();
    const failed = first.filter((s) => s === 503).length;
    expect(failed).toBeGreaterThan(4);
    expect(failed).toBeLessThan(24);
    expect(second).toEqual(first);
  });

  it("resets the connection", async () => {
    dt().addFault({ kind: "reset" });
    const error = await fetch(`${dt().baseUrl}/gettoken?appkey=a&appsecret=b`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((await call(`${dt().baseUrl}/gettoken?appkey=a&appsecret=b`)).json.errcode).toBe(40096);
  });

  it("renders each fault in each provider's dialect", async () => {
    const tokens = {
      dingtalk: await dingtalkToken(sbx.current),
      feishu: await feishuToken(sbx.current),
      eiam: await eiamToken(sbx.current),
    };
    const requests = {
      dingtalk: () => getbymobile(tokens.dingtalk),
      feishu: () =>
        call(
          `${sbx.current.feishu.emulator.baseUrl}/open-apis/contact/v3/users/find_by_department?department_id=0`,
          {
            headers: { authorization: `Bearer ${tokens.feishu}` },
          },
        ),
      eiam: () =>
        postJson(
          `${sbx.current.eiam.emulator.baseUrl}/api/v2/tenant/users/user-by-mobile`,
          { mobile: "15204130007" },
          {
            authorization: `Bearer ${tokens.eiam}`,
          },
        ),
    };
    const seen: Record<string, string> = {};
    for (const provider of ["dingtalk", "feishu", "eiam"] as const) {
      const emulator = sbx.current[provider].emulator;
      for (const kind of FAULT_KINDS.filter((k) => k !== "reset" && k !== "revokeToken")) {
        emulator.addFault({ kind });
        const answer = await requests[provider]();
        seen[`${provider}:${kind}`] = `${answer.status} ${answer.json === undefined ? "text" : "json"}`;
      }
    }
    expect(seen).toMatchObject({
      "dingtalk:busy": "200 json",
      "dingtalk:rateLimited": "200 json",
      "dingtalk:htmlThrottle": "200 text",
      "dingtalk:punishDeny": "200 json",
      "dingtalk:malformedJson": "200 text",
      "dingtalk:http502": "502 text",
      "feishu:rateLimited": "429 json",
      "feishu:busy": "500 json",
      "feishu:malformedJson": "200 text",
      "eiam:busy": "500 json",
      "eiam:rateLimited": "429 json",
    });
  });

  it("DingTalk busy is errcode -1 and the global throttle is 88/90002", async () => {
    const token = await dingtalkToken(sbx.current);
    dt().addFault({ kind: "busy" });
    dt().addFault({ kind: "rateLimited" });
    expect((await getbymobile(token)).json).toMatchObject({ errcode: -1 });
    expect((await getbymobile(token)).json).toMatchObject({ errcode: 88, sub_code: "90002" });
  });

  it("revokes the tokens issued so far (revokeToken), so the next call with one fails", async () => {
    const token = await dingtalkToken(sbx.current);
    dt().addFault({ kind: "revokeToken", path: "/topapi/" });
    const revoked = await getbymobile(token);
    const fresh = await dingtalkToken(sbx.current);
    expect(revoked.json).toMatchObject({ errcode: 88, sub_code: "40014" });
    expect(fresh).not.toBe(token);
    expect((await getbymobile(fresh)).json.errcode).toBe(0);
  });
});

describe("knobs", () => {
  it("adds latency", async () => {
    dt().setKnobs({ latencyMs: 120 });
    const started = performance.now();
    await call(`${dt().baseUrl}/gettoken?appkey=a&appsecret=b`);
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
  });

  it("rate-limits per app: DingTalk answers 88/90018, and another app is not affected", async () => {
    dt().setKnobs({ rateLimitPerSecond: 2 });
    const a = await dingtalkToken(sbx.current);
    const b = await dingtalkToken(sbx.current, {
      appKey: "dingsandboxlegacy01",
      appSecret: "dt-sbx-legacy-Fj7Rb2Qs9Gd4Lw8Tn3Hx6Vc1",
    });
    const codes = [];
    for (let i = 0; i < 3; i += 1) codes.push((await getbymobile(a)).json);
    const other = await getbymobile(b);
    expect(codes.map((c) => c.errcode)).toEqual([0, 0, 88]);
    expect(codes[2].sub_code).toBe("90018");
    expect(other.json.errcode).toBe(0);
  });
});

describe("admin API", () => {
  it("sets knobs, adds and clears faults, reads counters and resets over HTTP", async () => {
    const admin = `${dt().baseUrl}/__admin`;
    expect((await postJson(`${admin}/knobs`, { tokenTtlSeconds: 60 })).json.tokenTtlSeconds).toBe(60);
    expect(
      (
        await call(
          `${dt().baseUrl}/gettoken?appkey=dingsandboxdemo0001&appsecret=dt-sbx-secret-Zq3Vt8Lr2Nw6Yh1Kc5Pm9Xa4`,
        )
      ).json.expires_in,
    ).toBe(60);
    expect((await postJson(`${admin}/faults`, { kind: "nonsense" })).status).toBe(400);
    await postJson(`${admin}/faults`, { kind: "busy", count: 5 });
    const state = (await call(`${admin}/state`)).json;
    expect(state.faults).toHaveLength(1);
    expect(state.counters["GET /gettoken"]).toBe(1);
    await call(`${admin}/faults`, { method: "DELETE" });
    expect((await call(`${admin}/state`)).json.faults).toEqual([]);
    await postJson(`${admin}/reset`, {});
    expect((await call(`${admin}/counters`)).json).toEqual({});
    expect(dt().knobs.tokenTtlSeconds).toBe(7200);
  });

  it("revokes tokens over HTTP", async () => {
    const token = await dingtalkToken(sbx.current);
    await postJson(`${dt().baseUrl}/__admin/revoke-tokens`, {});
    expect((await getbymobile(token)).json.sub_code).toBe("40014");
  });
});
