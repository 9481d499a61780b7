import { DEMO_CREDENTIALS } from "@dirgate/sandbox";
import { describe, expect, it } from "vitest";
import { call, feishuToken, postJson, seedFixture, useSandbox } from "../helpers/sandbox.ts";

const sbx = useSandbox();
const base = () => sbx.current.feishu.emulator.baseUrl;
const BIG = "od-5caa30529e8feabe141512b5c3c7153a";
const ZHANGSAN_DEPT = "od-4e6ac4d14bcd5071a37a39de902c7141";

async function get(path: string, params: Record<string, string>, token?: string) {
  const t = token ?? (await feishuToken(sbx.current));
  return call(`${base()}${path}?${new URLSearchParams(params)}`, {
    headers: { authorization: `Bearer ${t}` },
  });
}

describe("Feishu tenant_access_token/internal", () => {
  const url = () => `${base()}/open-apis/auth/v3/tenant_access_token/internal`;
  const creds = { app_id: DEMO_CREDENTIALS.feishu.appId, app_secret: DEMO_CREDENTIALS.feishu.appSecret };

  it("returns a t- token with `expire` (not expires_in), the same one while ≥ 30 min remain", async () => {
    const first = await postJson(url(), creds);
    const second = await postJson(url(), creds);
    expect(first.json).toMatchObject({ code: 0, msg: "ok", expire: 7200 });
    expect(first.json).not.toHaveProperty("expires_in");
    expect(first.json.tenant_access_token).toMatch(/^t-/);
    expect(second.json.tenant_access_token).toBe(first.json.tenant_access_token);
  });

  it("issues a new token in the last quarter of its life, and the old one stays valid", async () => {
    // 1.2 s life: after 0.95 s, 0.25 s are left (< a quarter: a new token), and the old one stays
    // valid for those 0.25 s — room for a slow machine.
    sbx.current.feishu.emulator.setKnobs({ tokenTtlSeconds: 1.2 });
    const first = await postJson(url(), creds);
    await new Promise((r) => setTimeout(r, 950));
    const second = await postJson(url(), creds);
    expect(second.json.tenant_access_token).not.toBe(first.json.tenant_access_token);
    const withOld = await get(
      "/open-apis/contact/v3/users/find_by_department",
      { department_id: ZHANGSAN_DEPT },
      first.json.tenant_access_token,
    );
    expect(withOld.json.code).toBe(0);
  });

  it("rejects a wrong secret with a non-2xx status and a code", async () => {
    const answer = await postJson(url(), { ...creds, app_secret: "wrong" });
    expect(answer.status).toBe(400);
    expect(answer.json.code).toBe(10014);
    expect(answer.json).not.toHaveProperty("tenant_access_token");
  });
});

describe("Feishu find_by_department (seed 004)", () => {
  it("returns 张三 in od-4e6a… with every field of the seed's example item", async () => {
    // Prepare
    const seed = seedFixture<{ data: { items: Record<string, unknown>[] } }>(
      "004-feishu-find-by-department.response.json",
    );
    const expected = seed.data.items[0]!;
    // Act
    const answer = await get("/open-apis/contact/v3/users/find_by_department", {
      department_id: ZHANGSAN_DEPT,
      page_size: "50",
    });
    // Assess
    expect(answer.status).toBe(200);
    expect(answer.json.code).toBe(0);
    const zhangsan = answer.json.data.items.find(
      (u: { open_id: string }) => u.open_id === expected["open_id"],
    );
    expect(zhangsan).toBeDefined();
    for (const [field, value] of Object.entries(expected)) {
      expect(zhangsan, field).toHaveProperty(field);
      if (field === "mobile" || field === "avatar") continue; // the seed's mobile carries an explanatory note
      expect(zhangsan[field], field).toEqual(value);
    }
    expect(zhangsan.mobile).toBe("13011111111");
  });

  it("pages the big department at 50: every member exactly once, page_token only while has_more", async () => {
    const token = await feishuToken(sbx.current);
    const seen: string[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const params: Record<string, string> = { department_id: BIG, page_size: "50" };
      if (pageToken) params["page_token"] = pageToken;
      const answer = await get("/open-apis/contact/v3/users/find_by_department", params, token);
      expect(answer.json.code).toBe(0);
      pages += 1;
      seen.push(...answer.json.data.items.map((u: { open_id: string }) => u.open_id));
      if (answer.json.data.has_more) expect(answer.json.data.page_token).toMatch(/^AQD9\//);
      else expect(answer.json.data).not.toHaveProperty("page_token");
      pageToken = answer.json.data.page_token;
    } while (pageToken && pages < 20);
    const expected = sbx.current.org.people.filter(
      (p) => p.in.feishu && p.status !== "resigned" && p.memberships.some((m) => m.deptKey === "platform"),
    );
    expect(seen.length).toBeGreaterThan(120);
    expect(new Set(seen).size).toBe(seen.length);
    expect(new Set(seen)).toEqual(new Set(expected.map((p) => p.feishuOpenId)));
    expect(pages).toBe(Math.ceil(expected.length / 50));
  });

  it("defaults page_size to 10", async () => {
    const answer = await get("/open-apis/contact/v3/users/find_by_department", { department_id: BIG });
    expect(answer.json.data.items).toHaveLength(10);
    expect(answer.json.data.has_more).toBe(true);
  });

  it("rejects a page token that was not URL-encoded (its `+` arrives as a space) with 40012", async () => {
    const token = await feishuToken(sbx.current);
    // Find a page token containing '+', '/' or '=' and send it raw in the query string.
    let pageToken: string | undefined;
    let raw = "";
    for (let size = 1; size <= 50 && !raw.includes("+"); size += 1) {
      const first = await get(
        "/open-apis/contact/v3/users/find_by_department",
        { department_id: BIG, page_size: String(size) },
        token,
      );
      pageToken = first.json.data.page_token;
      raw = pageToken ?? "";
    }
    expect(raw).toContain("+");
    const unencoded = await call(
      `${base()}/open-apis/contact/v3/users/find_by_department?department_id=${BIG}&page_token=${raw}`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    expect(unencoded.status).toBe(400);
    expect(unencoded.json.code).toBe(40012);
  });

  it.each([
    [{ department_id: BIG, page_size: "51" }, 400, 40011],
    [{ department_id: BIG, page_size: "0" }, 400, 40011],
    [{ department_id: BIG, page_token: "AQD9/forged" }, 400, 40012],
    [{ department_id: "od-6f5a1b7e2c8d9f0e3a4b5c6d7e8f9a01" }, 403, 40004],
    [{ department_id: "od-does-not-exist" }, 403, 40004],
    [{ department_id: BIG, user_id_type: "email" }, 400, 99992402],
    [{}, 400, 99992402],
  ])("answers %o with HTTP %i and code %i", async (params, status, code) => {
    const answer = await get("/open-apis/contact/v3/users/find_by_department", params);
    expect(answer.status).toBe(status);
    expect(answer.json.code).toBe(code);
    expect(answer.json.error.log_id).toBeTruthy();
  });

  it("expresses ids in the requested user_id_type and department_id_type", async () => {
    const answer = await get("/open-apis/contact/v3/users/find_by_department", {
      department_id: "D002",
      department_id_type: "department_id",
      user_id_type: "user_id",
      page_size: "50",
    });
    const zhangsan = answer.json.data.items.find((u: { user_id: string }) => u.user_id === "zhangsan");
    expect(zhangsan.department_ids).toEqual(["D002", "D003", "D004"]);
    expect(zhangsan.leader_user_id).toBe("manager240");
  });

  it("answers a bad token with HTTP 400 and code 99991663, a missing one with 99991661", async () => {
    const bad = await get(
      "/open-apis/contact/v3/users/find_by_department",
      { department_id: BIG },
      "t-bogus",
    );
    const missing = await call(
      `${base()}/open-apis/contact/v3/users/find_by_department?department_id=${BIG}`,
    );
    expect(bad.status).toBe(400);
    expect(bad.json.code).toBe(99991663);
    expect(missing.json.code).toBe(99991661);
  });
});

describe("Feishu users/:user_id and batch_get_id", () => {
  it("gets a user by open_id, union_id and user_id", async () => {
    const token = await feishuToken(sbx.current);
    for (const [type, id] of [
      ["open_id", "ou_7dab8a3d3cdcc9da365777c7ad535d62"],
      ["union_id", "on_94a1ee5551019f18cd73d9f111898cf2"],
      ["user_id", "3e3cf96b"],
    ]) {
      const answer = await get(`/open-apis/contact/v3/users/${id}`, { user_id_type: type! }, token);
      expect(answer.json.code, type).toBe(0);
      expect(answer.json.data.user.name).toBe("张三");
    }
  });

  it("answers an unknown user with 41050", async () => {
    const answer = await get("/open-apis/contact/v3/users/ou_nobody", {});
    expect(answer.status).toBe(400);
    expect(answer.json.code).toBe(41050);
  });

  it("maps mobiles and emails to ids; unknown ones come back without user_id", async () => {
    const token = await feishuToken(sbx.current);
    const answer = await postJson(
      `${base()}/open-apis/contact/v3/users/batch_get_id?user_id_type=user_id`,
      {
        mobiles: ["13011111111", "+8613800138000", "+41446681800", "13000000000"],
        emails: ["zhangsan@gmail.com"],
      },
      { authorization: `Bearer ${token}` },
    );
    expect(answer.json.code).toBe(0);
    expect(answer.json.data.user_list).toEqual([
      expect.objectContaining({ email: "zhangsan@gmail.com", user_id: "3e3cf96b" }),
      expect.objectContaining({ mobile: "13011111111", user_id: "3e3cf96b" }),
      expect.objectContaining({ mobile: "+8613800138000", user_id: "zhangsan" }),
      expect.objectContaining({ mobile: "+41446681800", user_id: "anna.mueller" }),
      { mobile: "13000000000" },
    ]);
  });

  it("rejects more than 50 mobiles", async () => {
    const token = await feishuToken(sbx.current);
    const answer = await postJson(
      `${base()}/open-apis/contact/v3/users/batch_get_id`,
      { mobiles: Array.from({ length: 51 }, (_, i) => `1380013${String(i).padStart(4, "0")}`) },
      { authorization: `Bearer ${token}` },
    );
    expect(answer.status).toBe(400);
    expect(answer.json.code).toBe(99992402);
  });
});

describe("Feishu rate limit", () => {
  it("answers HTTP 429, code 99991400 and x-ogw-ratelimit-reset past the per-app limit", async () => {
    sbx.current.feishu.emulator.setKnobs({ rateLimitPerSecond: 3 });
    const token = await feishuToken(sbx.current);
    const answers = [];
    for (let i = 0; i < 5; i += 1) {
      answers.push(
        await get("/open-apis/contact/v3/users/find_by_department", { department_id: BIG }, token),
      );
    }
    expect(answers.slice(0, 3).map((a) => a.status)).toEqual([200, 200, 200]);
    const limited = answers[3]!;
    expect(limited.status).toBe(429);
    expect(limited.json.code).toBe(99991400);
    expect(Number(limited.headers.get("x-ogw-ratelimit-reset"))).toBeGreaterThanOrEqual(1);
    expect(sbx.current.feishu.emulator.counter("rateLimited")).toBe(2);
  });
});
