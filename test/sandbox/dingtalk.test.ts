import { DEMO_CREDENTIALS } from "@dirgate/sandbox";
import { describe, expect, it } from "vitest";
import { call, dingtalkToken, postJson, seedFixture, useSandbox } from "../helpers/sandbox.ts";

const sbx = useSandbox();
const base = () => sbx.current.dingtalk.emulator.baseUrl;

async function topapi(path: string, body: unknown, token?: string) {
  const t = token ?? (await dingtalkToken(sbx.current));
  return postJson(`${base()}${path}?access_token=${encodeURIComponent(t)}`, body);
}

describe("DingTalk gettoken", () => {
  it("returns a token for 7200 s and the same token while it is valid", async () => {
    // Prepare
    const qs = `appkey=${DEMO_CREDENTIALS.dingtalk.appKey}&appsecret=${DEMO_CREDENTIALS.dingtalk.appSecret}`;
    // Act
    const first = await call(`${base()}/gettoken?${qs}`);
    const second = await call(`${base()}/gettoken?${qs}`);
    // Assess
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ errcode: 0, errmsg: "ok", expires_in: 7200 });
    expect(first.json.access_token).toMatch(/^[0-9a-f]{32}$/);
    expect(second.json.access_token).toBe(first.json.access_token);
    expect(sbx.current.dingtalk.emulator.counter("GET /gettoken")).toBe(2);
  });

  it("issues a different token per app", async () => {
    const a = await dingtalkToken(sbx.current, DEMO_CREDENTIALS.dingtalk);
    const b = await dingtalkToken(sbx.current, DEMO_CREDENTIALS.dingtalkLegacy);
    expect(a).not.toBe(b);
  });

  it("answers 40096 with HTTP 200 for bad credentials", async () => {
    const answer = await call(
      `${base()}/gettoken?appkey=${DEMO_CREDENTIALS.dingtalk.appKey}&appsecret=wrong`,
    );
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ errcode: 40096, errmsg: "不合法的appKey或appSecret" });
  });

  it("ignores credentials sent in a body: they must be query parameters (40035)", async () => {
    const answer = await call(`${base()}/gettoken`, {
      method: "GET",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(answer.json.errcode).toBe(40035);
  });

  it("issues a new token after the old one expires (token TTL knob)", async () => {
    sbx.current.dingtalk.emulator.setKnobs({ tokenTtlSeconds: 0.2 });
    const first = await dingtalkToken(sbx.current);
    await new Promise((r) => setTimeout(r, 250));
    const expired = await topapi("/topapi/v2/user/get", { userid: "zhangsan" }, first);
    const second = await dingtalkToken(sbx.current);
    expect(expired.json).toMatchObject({ errcode: 88, sub_code: "42001" });
    expect(second).not.toBe(first);
  });
});

describe("DingTalk topapi/v2/user/getbymobile (seed 000)", () => {
  it("finds zhangsan by 13800138000", async () => {
    const answer = await topapi("/topapi/v2/user/getbymobile", {
      mobile: "13800138000",
      support_exclusive_account_search: true,
    });
    expect(answer.status).toBe(200);
    expect(answer.json.errcode).toBe(0);
    expect(answer.json.result.userid).toBe("zhangsan");
    expect(typeof answer.json.request_id).toBe("string");
  });

  it("lists enterprise accounts sharing the mobile only when asked to", async () => {
    const withSearch = await topapi("/topapi/v2/user/getbymobile", {
      mobile: "13900139000",
      support_exclusive_account_search: true,
    });
    const without = await topapi("/topapi/v2/user/getbymobile", {
      mobile: "13900139000",
      support_exclusive_account_search: false,
    });
    expect(withSearch.json.result).toEqual({
      userid: "lisi",
      exclusive_account_userid_list: ["lisi_ea1", "lisi_ea2"],
    });
    expect(without.json.result).toEqual({ userid: "lisi" });
  });

  it("finds a Hong Kong number in DingTalk's `852-…` form", async () => {
    const answer = await topapi("/topapi/v2/user/getbymobile", {
      mobile: "+852-51234567",
      support_exclusive_account_search: false,
    });
    expect(answer.json.result.userid).toBe("chan.taiman");
  });

  it.each([
    [{ mobile: "13800000000", support_exclusive_account_search: true }, 60121],
    [{ mobile: "not-a-number", support_exclusive_account_search: true }, 40104],
    [{ support_exclusive_account_search: true }, 400002],
    [{ mobile: "13800138000" }, 400002],
  ])("answers %o with errcode %i on HTTP 200", async (body, errcode) => {
    const answer = await topapi("/topapi/v2/user/getbymobile", body);
    expect(answer.status).toBe(200);
    expect(answer.json.errcode).toBe(errcode);
    expect(answer.json.errmsg).toBeTruthy();
  });

  it("wraps an invalid token in errcode 88 with a string sub_code", async () => {
    const answer = await topapi("/topapi/v2/user/getbymobile", { mobile: "13800138000" }, "not-a-token");
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ errcode: 88, sub_code: "40014", sub_msg: "不合法的access_token" });
    expect(answer.json.errmsg).toContain("subcode=40014");
  });

  it("answers a blank token with sub_code 40000", async () => {
    const answer = await postJson(`${base()}/topapi/v2/user/getbymobile`, { mobile: "13800138000" });
    expect(answer.json).toMatchObject({ errcode: 88, sub_code: "40000" });
  });
});

describe("DingTalk topapi/v2/user/get (seed 001)", () => {
  it("returns zhangsan with every field of the seed's response example", async () => {
    // Prepare: the seed example carries stringified values; the live API sends real types.
    const seed = seedFixture<{ result: Record<string, unknown> }>(
      "001-dingtalk-user-get.response.json",
    ).result;
    // Act
    const answer = await topapi("/topapi/v2/user/get", { userid: "zhangsan", language: "zh_CN" });
    // Assess
    const user = answer.json.result;
    expect(answer.json.errcode).toBe(0);
    for (const [field, value] of Object.entries(seed)) {
      expect(user, field).toHaveProperty(field);
      if (typeof value !== "string" || field === "extension") continue;
      const actual = typeof user[field] === "string" ? user[field] : JSON.stringify(user[field]);
      expect(actual, field).toBe(value);
    }
    expect(JSON.parse(user.extension)).toEqual({ Hobby: "Travel", Age: "24" });
    expect(user.dept_id_list).toEqual([2, 3, 4]);
    expect(user.dept_order_list).toContainEqual({ dept_id: 2, order: 1 });
    expect(user.leader_in_dept).toContainEqual({ dept_id: 2, leader: true });
    expect(user.role_list).toEqual([{ id: 100, name: "Director", group_name: "Position" }]);
    expect(user.hired_date).toBe(1597573616828);
    expect(user.admin).toBe(true);
  });

  it("finds a DingTalk-built enterprise account by login_id, ignoring userid", async () => {
    const answer = await topapi("/topapi/v2/user/get", { userid: "zhangsan", login_id: "test" });
    expect(answer.json.result).toMatchObject({
      userid: "ea_test",
      login_id: "test",
      exclusive_account: true,
    });
  });

  it("returns the seed's request-example user manager4220", async () => {
    const answer = await topapi("/topapi/v2/user/get", { userid: "manager4220" });
    expect(answer.json.result.userid).toBe("manager4220");
  });

  it("answers in English with language en_US", async () => {
    const answer = await topapi("/topapi/v2/user/get", { userid: "manager240", language: "en_US" });
    expect(answer.json.result.name).toBe("Jianguo Wang");
  });

  it("accepts the seed's form-encoded request with access_token in the body", async () => {
    const token = await dingtalkToken(sbx.current);
    const answer = await call(`${base()}/topapi/v2/user/get`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded;charset=utf-8" },
      body: new URLSearchParams({ access_token: token, language: "zh_CN", userid: "zhangsan" }).toString(),
    });
    expect(answer.json.result.userid).toBe("zhangsan");
  });

  it.each([
    [{ userid: "nobody" }, 33012],
    [{ login_id: "nobody" }, 60121],
    [{}, 400002],
    [{ userid: "zhangsan", language: "fr_FR" }, 400002],
  ])("answers %o with errcode %i", async (body, errcode) => {
    const answer = await topapi("/topapi/v2/user/get", body);
    expect(answer.status).toBe(200);
    expect(answer.json.errcode).toBe(errcode);
  });

  it("does not return resigned people", async () => {
    const resigned = sbx.current.org.people.find((p) => p.status === "resigned" && p.in.dingtalk)!;
    const answer = await topapi("/topapi/v2/user/get", { userid: resigned.userId });
    expect(answer.json.errcode).toBe(33012);
  });
});

describe("DingTalk legacy GET /user/get (seed 003)", () => {
  it("returns the flat legacy shape with every field name of the seed's example", async () => {
    const seed = seedFixture("003-dingtalk-legacy-user-get.response.json");
    const token = await dingtalkToken(sbx.current);
    const answer = await call(`${base()}/user/get?access_token=${token}&userid=zhangsan&lang=zh_CN`);
    expect(answer.json.errcode).toBe(0);
    for (const field of Object.keys(seed)) expect(answer.json, field).toHaveProperty(field);
    expect(answer.json).toMatchObject({
      userid: "zhangsan",
      mobile: "13800138000",
      stateCode: "86",
      isAdmin: true,
    });
    expect(answer.json.department).toEqual([2, 3, 4]);
    // The real v1 API sends these maps as strings with unquoted keys.
    expect(answer.json.orderInDepts).toBe("{2:1,3:2,4:3}");
    expect(answer.json.isLeaderInDepts).toBe("{2:true,3:false,4:false}");
  });

  it("returns the seed's example user userid1", async () => {
    const token = await dingtalkToken(sbx.current);
    const answer = await call(`${base()}/user/get?access_token=${token}&userid=userid1`);
    expect(answer.json).toMatchObject({ errcode: 0, userid: "userid1" });
  });

  it("answers an invalid token with errcode 40014 directly, not wrapped in 88", async () => {
    const answer = await call(`${base()}/user/get?access_token=bogus&userid=zhangsan`);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ errcode: 40014, errmsg: "不合法的access_token" });
  });

  it("answers an unknown user with 60121", async () => {
    const token = await dingtalkToken(sbx.current);
    const answer = await call(`${base()}/user/get?access_token=${token}&userid=nobody`);
    expect(answer.json.errcode).toBe(60121);
  });
});

describe("DingTalk topapi/v2/user/list", () => {
  it("walks a department with cursor and size, every member exactly once", async () => {
    const token = await dingtalkToken(sbx.current);
    const seen: string[] = [];
    let cursor = 0;
    for (let guard = 0; guard < 20; guard += 1) {
      const answer = await topapi("/topapi/v2/user/list", { dept_id: 5, cursor, size: 50 }, token);
      expect(answer.json.errcode).toBe(0);
      seen.push(...answer.json.result.list.map((u: { userid: string }) => u.userid));
      if (!answer.json.result.has_more) {
        expect(answer.json.result).not.toHaveProperty("next_cursor");
        break;
      }
      cursor = answer.json.result.next_cursor;
    }
    const expected = sbx.current.org.people.filter(
      (p) => p.in.dingtalk && p.status !== "resigned" && p.memberships.some((m) => m.deptKey === "platform"),
    );
    expect(seen.length).toBeGreaterThan(120);
    expect(new Set(seen).size).toBe(seen.length);
    expect(new Set(seen)).toEqual(new Set(expected.map((p) => p.userId)));
  });

  it("rejects size over 100 and an unknown department", async () => {
    const tooBig = await topapi("/topapi/v2/user/list", { dept_id: 5, cursor: 0, size: 101 });
    const unknown = await topapi("/topapi/v2/user/list", { dept_id: 999, cursor: 0, size: 10 });
    expect(tooBig.json.errcode).toBe(400002);
    expect(unknown.json.errcode).toBe(60003);
  });
});

describe("DingTalk unknown topapi path", () => {
  it("answers errcode 22 (invalid ApiName), not a 404", async () => {
    const answer = await topapi("/topapi/v2/user/getbymobil", { mobile: "13800138000" });
    expect(answer.status).toBe(200);
    expect(answer.json.errcode).toBe(22);
  });
});
