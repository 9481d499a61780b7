import { DEMO_CREDENTIALS, type Person } from "@dirgate/sandbox";
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

/** Ground truth from the demo org, computed independently of the emulator. */
function dingtalkTruth() {
  const org = sbx.current.org;
  const listed = (p: Person) => p.in.dingtalk && p.status !== "resigned";
  /** Siblings by `order` (absent = 0), ties in org order. */
  const children = (key: string) =>
    org.departments
      .filter((d) => d.parentKey === key)
      .map((d, i) => ({ d, i }))
      .sort((a, b) => (a.d.order ?? 0) - (b.d.order ?? 0) || a.i - b.i)
      .map(({ d }) => d);
  /** Listed members flagged leader, in `leaderKeys` order. */
  const managers = (key: string) => {
    const dept = org.departmentByKey.get(key)!;
    const flagged = org.people.filter(
      (p) => listed(p) && p.memberships.some((m) => m.deptKey === key && m.leader),
    );
    const rank = (p: Person) => {
      const i = dept.leaderKeys?.indexOf(p.key) ?? -1;
      return i < 0 ? Number.MAX_SAFE_INTEGER : i;
    };
    const inDept = (p: Person) => p.memberships.find((m) => m.deptKey === key)!.order;
    return flagged.sort((a, b) => rank(a) - rank(b) || inDept(a) - inDept(b)).map((p) => p.userId);
  };
  return { org, children, managers };
}

/** Adds a department with one leader for the duration of `fn`, through the org's own functions. */
async function withDepartment(key: string, parentKey: string, dingtalkId: number, fn: () => Promise<void>) {
  const org = sbx.current.org;
  org.addDepartment({ key, name: `新部门${dingtalkId}`, enName: `New ${dingtalkId}`, parentKey, dingtalkId });
  const leaderKey = `${key}-lead`;
  org.addPerson({
    key: leaderKey,
    name: "新主管",
    memberships: [{ deptKey: key, order: 1, leader: true, primary: true }],
  });
  try {
    await fn();
  } finally {
    org.removePerson(leaderKey);
    org.removeDepartment(key);
  }
}

describe("DingTalk topapi/v2/department/get", () => {
  it("returns the root without parent_id, with the documented fields, in both languages", async () => {
    const token = await dingtalkToken(sbx.current);
    const zh = await topapi("/topapi/v2/department/get", { dept_id: 1 }, token);
    const en = await topapi("/topapi/v2/department/get", { dept_id: 1, language: "en_US" }, token);
    expect(zh.status).toBe(200);
    expect(zh.json).toMatchObject({ errcode: 0, errmsg: "ok", result: { dept_id: 1, name: "示例科技" } });
    expect(zh.json.result).not.toHaveProperty("parent_id");
    for (const field of ["order", "create_dept_group", "auto_add_user", "outer_dept", "hide_dept"]) {
      expect(zh.json.result, field).toHaveProperty(field);
    }
    expect(typeof zh.json.result.create_dept_group).toBe("boolean");
    expect(en.json.result.name).toBe("Acme Demo");
  });

  it("returns every department with its parent, its position as order, and its managers", async () => {
    const { org, managers } = dingtalkTruth();
    const token = await dingtalkToken(sbx.current);
    for (const dept of org.departments) {
      const answer = await topapi("/topapi/v2/department/get", { dept_id: dept.dingtalkId }, token);
      const result = answer.json.result;
      expect(result.dept_id, dept.key).toBe(dept.dingtalkId);
      expect(result.name).toBe(dept.name);
      expect(result.order).toBe(dept.order ?? 0);
      if (dept.parentKey !== null) {
        expect(result.parent_id).toBe(org.departmentByKey.get(dept.parentKey)!.dingtalkId);
      }
      const expected = managers(dept.key);
      if (expected.length === 0) expect(result).not.toHaveProperty("dept_manager_userid_list");
      else expect(result.dept_manager_userid_list, dept.key).toEqual(expected);
    }
    // zhangsan leads R&D (seed 001's leader_in_dept).
    const rd = await topapi("/topapi/v2/department/get", { dept_id: 2 }, token);
    expect(rd.json.result.dept_manager_userid_list).toContain("zhangsan");
  });

  it.each([
    [{ dept_id: 999_999 }, 60003],
    [{}, 400002],
    [{ dept_id: "abc" }, 400002],
    [{ dept_id: 1, language: "fr_FR" }, 400002],
  ])("answers %o with errcode %i on HTTP 200", async (body, errcode) => {
    const answer = await topapi("/topapi/v2/department/get", body);
    expect(answer.status).toBe(200);
    expect(answer.json.errcode).toBe(errcode);
    expect(answer.json).not.toHaveProperty("result");
  });
});

describe("DingTalk topapi/v2/department/listsub and listsubid", () => {
  it("lists the next level only, and a walk from the root reaches every department once", async () => {
    const { org, children } = dingtalkTruth();
    const token = await dingtalkToken(sbx.current);
    const seen: number[] = [1];
    const queue = [1];
    while (queue.length > 0) {
      const id = queue.shift()!;
      const dept = org.departments.find((d) => d.dingtalkId === id)!;
      const answer = await topapi("/topapi/v2/department/listsub", { dept_id: id }, token);
      expect(answer.json.errcode).toBe(0);
      const expected = children(dept.key);
      expect(answer.json.result.map((d: { dept_id: number }) => d.dept_id)).toEqual(
        expected.map((d) => d.dingtalkId),
      );
      for (const item of answer.json.result) {
        expect(Object.keys(item).sort()).toEqual(
          ["auto_add_user", "create_dept_group", "dept_id", "name", "parent_id"].sort(),
        );
        expect(item.parent_id).toBe(id);
        seen.push(item.dept_id);
        queue.push(item.dept_id);
      }
    }
    expect(seen.sort((a, b) => a - b)).toEqual(
      org.departments.map((d) => d.dingtalkId).sort((a, b) => a - b),
    );
  });

  it("defaults listsub to the root and names departments in English with en_US", async () => {
    const { children, org } = dingtalkTruth();
    const answer = await topapi("/topapi/v2/department/listsub", { language: "en_US" });
    const root = org.departments.find((d) => d.parentKey === null)!;
    expect(answer.json.result.map((d: { name: string }) => d.name)).toEqual(
      children(root.key).map((d) => d.enName),
    );
  });

  it("listsubid returns the same ids as listsub, for every department", async () => {
    const { org, children } = dingtalkTruth();
    const token = await dingtalkToken(sbx.current);
    for (const dept of org.departments) {
      const answer = await topapi("/topapi/v2/department/listsubid", { dept_id: dept.dingtalkId }, token);
      expect(answer.json.result, dept.key).toEqual({
        dept_id_list: children(dept.key).map((d) => d.dingtalkId),
      });
    }
  });

  it("answers an unknown department with 60003 and a missing listsubid dept_id with 400002", async () => {
    const token = await dingtalkToken(sbx.current);
    const sub = await topapi("/topapi/v2/department/listsub", { dept_id: 999_999 }, token);
    const subId = await topapi("/topapi/v2/department/listsubid", { dept_id: 999_999 }, token);
    const missing = await topapi("/topapi/v2/department/listsubid", {}, token);
    expect([sub.json.errcode, subId.json.errcode, missing.json.errcode]).toEqual([60003, 60003, 400002]);
  });

  it("sees a department added to (and removed from) the org at once, with its leader", async () => {
    const token = await dingtalkToken(sbx.current);
    await withDepartment("sbx-new-team", "platform", 990_001, async () => {
      const got = await topapi("/topapi/v2/department/get", { dept_id: 990_001 }, token);
      const sub = await topapi("/topapi/v2/department/listsubid", { dept_id: 5 }, token);
      const path = await topapi(
        "/topapi/v2/department/listparentbyuser",
        { userid: "sbx-new-team-lead" },
        token,
      );
      expect(got.json.result).toMatchObject({
        dept_id: 990_001,
        parent_id: 5,
        dept_manager_userid_list: ["sbx-new-team-lead"],
      });
      expect(sub.json.result.dept_id_list).toContain(990_001);
      expect(path.json.result.parent_list).toEqual([{ parent_dept_id_list: [990_001, 5, 2, 1] }]);
    });
    const gone = await topapi("/topapi/v2/department/get", { dept_id: 990_001 }, token);
    expect(gone.json.errcode).toBe(60003);
  });
});

describe("DingTalk topapi/v2/department/listparentbyuser", () => {
  it("returns one path per department of the user, from that department up to the root", async () => {
    const { org } = dingtalkTruth();
    const zhangsan = org.people.find((p) => p.userId === "zhangsan")!;
    const answer = await topapi("/topapi/v2/department/listparentbyuser", { userid: "zhangsan" });
    expect(answer.json.errcode).toBe(0);
    const paths = answer.json.result.parent_list.map(
      (l: { parent_dept_id_list: number[] }) => l.parent_dept_id_list,
    );
    expect(paths).toHaveLength(zhangsan.memberships.length);
    for (const [i, m] of zhangsan.memberships.entries()) {
      const expected: number[] = [];
      for (let d = org.departmentByKey.get(m.deptKey); d; ) {
        expected.push(d.dingtalkId);
        d = d.parentKey === null ? undefined : org.departmentByKey.get(d.parentKey);
      }
      expect(paths[i]).toEqual(expected);
      expect(paths[i].at(-1)).toBe(1);
    }
  });

  it("answers an unknown or resigned user with 33012", async () => {
    const resigned = sbx.current.org.people.find((p) => p.status === "resigned" && p.in.dingtalk)!;
    const token = await dingtalkToken(sbx.current);
    for (const userid of ["nobody", resigned.userId]) {
      const answer = await topapi("/topapi/v2/department/listparentbyuser", { userid }, token);
      expect(answer.json.errcode, userid).toBe(33012);
    }
  });
});

describe("DingTalk topapi/v2/user/list order_field and contain_access_limit", () => {
  async function walk(body: Record<string, unknown>) {
    const token = await dingtalkToken(sbx.current);
    const items: { userid: string; hired_date?: number; dept_order: number; leader: boolean }[] = [];
    let cursor = 0;
    for (let guard = 0; guard < 20; guard += 1) {
      const answer = await topapi("/topapi/v2/user/list", { ...body, cursor, size: 100 }, token);
      expect(answer.json.errcode).toBe(0);
      items.push(...answer.json.result.list);
      if (!answer.json.result.has_more) break;
      cursor = answer.json.result.next_cursor;
    }
    return items;
  }

  it("sorts by hire date with entry_asc / entry_desc, and carries dept_order and leader", async () => {
    const asc = await walk({ dept_id: 5, order_field: "entry_asc" });
    const desc = await walk({ dept_id: 5, order_field: "entry_desc" });
    const hired = (u: { hired_date?: number }) => u.hired_date ?? Number.MAX_SAFE_INTEGER;
    for (let i = 1; i < asc.length; i += 1) expect(hired(asc[i]!)).toBeGreaterThanOrEqual(hired(asc[i - 1]!));
    for (let i = 1; i < desc.length; i += 1) expect(hired(desc[i]!)).toBeLessThanOrEqual(hired(desc[i - 1]!));
    expect(new Set(desc.map((u) => u.userid))).toEqual(new Set(asc.map((u) => u.userid)));
    const org = sbx.current.org;
    for (const item of asc) {
      const m = org.people
        .find((p) => p.userId === item.userid)!
        .memberships.find((x) => x.deptKey === "platform")!;
      expect([item.dept_order, item.leader], item.userid).toEqual([m.order, m.leader]);
    }
  });

  it("keeps the custom order by default and rejects an unknown order_field or a non-boolean flag", async () => {
    const custom = await walk({ dept_id: 5 });
    const orders = custom.map((u) => u.dept_order);
    expect(orders).toEqual([...orders].sort((a, b) => a - b));
    const badOrder = await topapi("/topapi/v2/user/list", {
      dept_id: 5,
      cursor: 0,
      size: 10,
      order_field: "name",
    });
    const badFlag = await topapi("/topapi/v2/user/list", {
      dept_id: 5,
      cursor: 0,
      size: 10,
      contain_access_limit: "maybe",
    });
    const goodFlag = await topapi("/topapi/v2/user/list", {
      dept_id: 5,
      cursor: 0,
      size: 10,
      contain_access_limit: "true",
    });
    expect([badOrder.json.errcode, badFlag.json.errcode, goodFlag.json.errcode]).toEqual([400002, 400002, 0]);
  });
});
