import { DEMO_CREDENTIALS, type Department, type Person } from "@dirgate/sandbox";
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

describe("Feishu users/batch", () => {
  const BATCH = "/open-apis/contact/v3/users/batch";
  /** users/batch with `user_ids` once per id (as Feishu takes a list) and the other parameters. */
  async function batch(ids: string[], params: Record<string, string> = {}, token?: string) {
    const t = token ?? (await feishuToken(sbx.current));
    const query = new URLSearchParams(params);
    for (const id of ids) query.append("user_ids", id);
    return call(`${base()}${BATCH}?${query}`, { headers: { authorization: `Bearer ${t}` } });
  }

  it("reads each user as users/:user_id does, once, in the order asked; unknown ids are left out", async () => {
    const token = await feishuToken(sbx.current);
    const types = { user_id_type: "user_id", department_id_type: "department_id" };
    const answer = await batch(["zhangsan", "nobody", "3e3cf96b", "zhangsan"], types, token);
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ code: 0, msg: "success" });
    const single = async (id: string) =>
      (await get(`/open-apis/contact/v3/users/${id}`, types, token)).json.data.user;
    expect(answer.json.data.items).toEqual([await single("zhangsan"), await single("3e3cf96b")]);
    expect(answer.json.data.items[0].department_ids).toEqual(["D002", "D003", "D004"]);
  });

  it("takes ids of user_id_type (open_id by default) and leaves out people outside Feishu", async () => {
    const token = await feishuToken(sbx.current);
    const outside = sbx.current.org.people.find((p) => !p.in.feishu)!;
    expect(outside).toBeDefined();
    const byOpenId = await batch(["ou_7dab8a3d3cdcc9da365777c7ad535d62", outside.feishuOpenId], {}, token);
    expect(byOpenId.json.data.items.map((u: { name: string }) => u.name)).toEqual(["张三"]);
    const byUnionId = await batch(
      ["on_94a1ee5551019f18cd73d9f111898cf2", "3e3cf96b"],
      { user_id_type: "union_id" },
      token,
    );
    expect(byUnionId.json.data.items.map((u: { user_id: string }) => u.user_id)).toEqual(["3e3cf96b"]);
    const none = await batch([outside.userId], { user_id_type: "user_id" }, token);
    expect(none.json).toMatchObject({ code: 0, data: { items: [] } });
    const badType = await batch(["3e3cf96b"], { user_id_type: "employee_id" }, token);
    expect(badType.status).toBe(400);
    expect(badType.json.code).toBe(99992402);
  });

  it("rejects no ids and more than 50 with 40001; takes 50", async () => {
    const token = await feishuToken(sbx.current);
    const ids = Array.from({ length: 51 }, (_, i) => `u${i}`);
    for (const asked of [[], ids]) {
      const answer = await batch(asked, { user_id_type: "user_id" }, token);
      expect(answer.status, String(asked.length)).toBe(400);
      expect(answer.json).toMatchObject({ code: 40001, msg: "invalid parameter" });
    }
    expect((await batch(ids.slice(0, 50), { user_id_type: "user_id" }, token)).json.code).toBe(0);
  });

  it("checks the token and counts toward the per-app limit as the other endpoints do", async () => {
    const emulator = sbx.current.feishu.emulator;
    expect((await batch(["3e3cf96b"], {}, "t-bogus")).json.code).toBe(99991663);
    expect((await call(`${base()}${BATCH}?user_ids=3e3cf96b`)).json.code).toBe(99991661);
    emulator.setKnobs({ rateLimitPerSecond: 2 });
    const token = await feishuToken(sbx.current);
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await batch(["3e3cf96b"], {}, token)).status);
    expect(statuses).toEqual([200, 200, 429]);
    expect(emulator.counter(`GET ${BATCH}`)).toBe(5);
    expect(emulator.counter("GET /open-apis/contact/v3/users/:user_id")).toBe(0);
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

/** Ground truth from the demo org, computed independently of the emulator. */
function feishuTruth() {
  const org = sbx.current.org;
  const listed = (p: Person) => p.in.feishu && p.status !== "resigned";
  /** Siblings by `order` (absent = 0), ties in org order. */
  const children = (key: string) =>
    org.departments
      .filter((d) => d.parentKey === key)
      .map((d, i) => ({ d, i }))
      .sort((a, b) => (a.d.order ?? 0) - (b.d.order ?? 0) || a.i - b.i)
      .map(({ d }) => d);
  /** Departments below `key`, level by level. */
  const breadthFirst = (key: string) => {
    const out: Department[] = [];
    let level = children(key);
    while (level.length > 0) {
      out.push(...level);
      level = level.flatMap((d) => children(d.key));
    }
    return out;
  };
  const subtreeKeys = (key: string) => new Set([key, ...breadthFirst(key).map((d) => d.key)]);
  const memberCount = (key: string) => {
    const keys = subtreeKeys(key);
    return org.people.filter((p) => listed(p) && p.memberships.some((m) => keys.has(m.deptKey))).length;
  };
  const primaryCount = (key: string) => {
    const keys = subtreeKeys(key);
    return org.people.filter((p) => {
      const primary = p.memberships.find((m) => m.primary) ?? p.memberships[0];
      return listed(p) && primary !== undefined && keys.has(primary.deptKey);
    }).length;
  };
  /** Listed members flagged leader; `leaderKeys` says who comes first. */
  const leaders = (key: string) =>
    org.people.filter((p) => listed(p) && p.memberships.some((m) => m.deptKey === key && m.leader));
  const mainLeader = (key: string) => {
    const flagged = leaders(key);
    const first = org.departmentByKey.get(key)!.leaderKeys?.find((k) => flagged.some((p) => p.key === k));
    return flagged.find((p) => p.key === first);
  };

  const root = org.departments.find((d) => d.parentKey === null)!;
  return { org, root, children, breadthFirst, memberCount, primaryCount, leaders, mainLeader };
}

const DEPT = "/open-apis/contact/v3/departments";

describe("Feishu contact/v3/departments/:department_id", () => {
  it("returns R&D with the SDK's field names, ids in the requested types and its leaders", async () => {
    // Prepare
    const { org, memberCount, primaryCount, leaders, mainLeader } = feishuTruth();
    const rd = org.departmentByKey.get("rd")!;
    const expectedLeaders = leaders("rd").map((p) => p.userId);
    // Act
    const answer = await get(`${DEPT}/D002`, {
      department_id_type: "department_id",
      user_id_type: "user_id",
    });
    // Assess
    expect(answer.status).toBe(200);
    expect(answer.json.code).toBe(0);
    const dept = answer.json.data.department;
    expect(dept).toMatchObject({
      name: rd.name,
      i18n_name: { zh_cn: rd.name, en_us: rd.enName },
      parent_department_id: "0",
      department_id: "D002",
      open_department_id: ZHANGSAN_DEPT,
      order: String(rd.order ?? 0),
      member_count: memberCount("rd"),
      primary_member_count: primaryCount("rd"),
      status: { is_deleted: false },
    });
    expect(typeof dept.order).toBe("string");
    expect(dept.member_count).toBeGreaterThan(
      org.people.filter((p) => p.memberships[0]?.deptKey === "rd").length,
    );
    expect(dept.leaders.map((l: { leaderID: string }) => l.leaderID).sort()).toEqual(
      [...expectedLeaders].sort(),
    );
    expect(dept.leaders.map((l: { leaderType: number }) => l.leaderType)).toEqual(
      expectedLeaders.map((_, i) => (i === 0 ? 1 : 2)),
    );
    expect(dept.leader_user_id).toBe(dept.leaders[0].leaderID);
    const main = mainLeader("rd");
    if (main) expect(dept.leader_user_id).toBe(main.userId);
  });

  it("expresses the parent in department_id_type and leaders in user_id_type", async () => {
    const { leaders } = feishuTruth();
    const byOpen = await get(`${DEPT}/${BIG}`, {});
    const byCustom = await get(`${DEPT}/D005`, {
      department_id_type: "department_id",
      user_id_type: "union_id",
    });
    expect(byOpen.json.data.department.parent_department_id).toBe(ZHANGSAN_DEPT);
    expect(byCustom.json.data.department.parent_department_id).toBe("D002");
    const open = new Set(leaders("platform").map((p) => p.feishuOpenId));
    const union = new Set(leaders("platform").map((p) => p.feishuUnionId));
    expect(open.size).toBeGreaterThan(0);
    expect(new Set(byOpen.json.data.department.leaders.map((l: { leaderID: string }) => l.leaderID))).toEqual(
      open,
    );
    expect(
      new Set(byCustom.json.data.department.leaders.map((l: { leaderID: string }) => l.leaderID)),
    ).toEqual(union);
  });

  it("returns the root for 0 under either id type, counting everyone", async () => {
    const { org, root } = feishuTruth();
    const token = await feishuToken(sbx.current);
    for (const type of ["open_department_id", "department_id"]) {
      const answer = await get(`${DEPT}/0`, { department_id_type: type }, token);
      expect(answer.json.data.department, type).toMatchObject({
        name: root.name,
        department_id: "0",
        open_department_id: "0",
        parent_department_id: "",
        member_count: org.people.filter((p) => p.in.feishu && p.status !== "resigned").length,
      });
    }
  });

  it.each([
    ["od-6f5a1b7e2c8d9f0e3a4b5c6d7e8f9a01", {}, 403, 40004],
    ["D009", { department_id_type: "department_id" }, 403, 40004],
    ["od-does-not-exist", {}, 400, 40015],
    ["D002", {}, 400, 40015], // a custom id read as an open id
    [ZHANGSAN_DEPT, { user_id_type: "email" }, 400, 99992402],
  ])("answers %s %o with HTTP %i and code %i", async (id, params, status, code) => {
    const answer = await get(`${DEPT}/${id}`, params as Record<string, string>);
    expect(answer.status).toBe(status);
    expect(answer.json.code).toBe(code);
    expect(answer.json).not.toHaveProperty("data");
  });
});

describe("Feishu contact/v3/departments/:department_id/children", () => {
  async function walk(id: string, params: Record<string, string>, pageSize: number) {
    const token = await feishuToken(sbx.current);
    const items: Record<string, any>[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const query: Record<string, string> = { ...params, page_size: String(pageSize) };
      if (pageToken) query["page_token"] = pageToken;
      const answer = await get(`${DEPT}/${id}/children`, query, token);
      expect(answer.json.code).toBe(0);
      pages += 1;
      items.push(...answer.json.data.items);
      if (answer.json.data.has_more) expect(answer.json.data.page_token).toMatch(/^AQD9\//);
      else expect(answer.json.data).not.toHaveProperty("page_token");
      pageToken = answer.json.data.page_token;
    } while (pageToken && pages < 50);
    return { items, pages };
  }

  it("lists the root's direct children in scope, in order, and leaves Board out", async () => {
    const { root, children } = feishuTruth();
    const { items } = await walk("0", {}, 50);
    const expected = children(root.key).filter((d) => d.inFeishuScope);
    expect(items.map((d) => d.open_department_id)).toEqual(expected.map((d) => d.feishuOpenId));
    expect(items.map((d) => d.open_department_id)).not.toContain("od-6f5a1b7e2c8d9f0e3a4b5c6d7e8f9a01");
    expect(new Set(items.map((d) => d.parent_department_id))).toEqual(new Set(["0"]));
  });

  it("pages the whole subtree with fetch_child, breadth-first, every department once", async () => {
    const { root, breadthFirst } = feishuTruth();
    const expected = breadthFirst(root.key).filter((d) => d.inFeishuScope);
    const { items, pages } = await walk("0", { fetch_child: "true", department_id_type: "department_id" }, 2);
    expect(items.map((d) => d.department_id)).toEqual(expected.map((d) => d.feishuId));
    expect(pages).toBe(Math.ceil(expected.length / 2));
    expect(items.length).toBeGreaterThan(expected.filter((d) => d.parentKey === root.key).length);
  });

  it("gives each listed department the same record as departments/:id, member counts included", async () => {
    const { memberCount, primaryCount, org } = feishuTruth();
    const token = await feishuToken(sbx.current);
    const { items } = await walk("0", { fetch_child: "true" }, 50);
    for (const item of items) {
      const dept = org.departments.find((d) => d.feishuOpenId === item.open_department_id)!;
      expect([item.member_count, item.primary_member_count], dept.key).toEqual([
        memberCount(dept.key),
        primaryCount(dept.key),
      ]);
      const single = await get(`${DEPT}/${item.open_department_id}`, {}, token);
      expect(single.json.data.department, dept.key).toEqual(item);
    }
  });

  it("lists direct children of a sub-department and defaults page_size to 10", async () => {
    const { children, breadthFirst, root } = feishuTruth();
    const direct = await get(`${DEPT}/${ZHANGSAN_DEPT}/children`, {});
    expect(direct.json.data.items.map((d: { open_department_id: string }) => d.open_department_id)).toEqual(
      children("rd")
        .filter((d) => d.inFeishuScope)
        .map((d) => d.feishuOpenId),
    );
    const all = breadthFirst(root.key).filter((d) => d.inFeishuScope);
    const first = await get(`${DEPT}/0/children`, { fetch_child: "true" });
    expect(first.json.data.items).toHaveLength(Math.min(10, all.length));
    expect(first.json.data.has_more).toBe(all.length > 10);
  });

  it("binds page tokens to the department and to fetch_child", async () => {
    const token = await feishuToken(sbx.current);
    const first = await get(`${DEPT}/0/children`, { fetch_child: "true", page_size: "1" }, token);
    const pageToken = first.json.data.page_token as string;
    const users = await get(
      "/open-apis/contact/v3/users/find_by_department",
      { department_id: BIG, page_size: "1" },
      token,
    );
    const replays = [
      await get(`${DEPT}/0/children`, { fetch_child: "false", page_size: "1", page_token: pageToken }, token),
      await get(
        `${DEPT}/${ZHANGSAN_DEPT}/children`,
        { fetch_child: "true", page_size: "1", page_token: pageToken },
        token,
      ),
      await get(`${DEPT}/0/children`, { fetch_child: "true", page_token: users.json.data.page_token }, token),
      await get(
        "/open-apis/contact/v3/users/find_by_department",
        { department_id: "0", page_token: pageToken },
        token,
      ),
    ];
    expect(replays.map((a) => [a.status, a.json.code])).toEqual([
      [400, 40012],
      [400, 40012],
      [400, 40012],
      [400, 40012],
    ]);
    const next = await get(
      `${DEPT}/0/children`,
      { fetch_child: "true", page_size: "1", page_token: pageToken },
      token,
    );
    expect(next.json.code).toBe(0);
  });

  it.each([
    ["od-6f5a1b7e2c8d9f0e3a4b5c6d7e8f9a01", {}, 403, 40004],
    ["od-does-not-exist", {}, 400, 40015],
    ["0", { page_size: "51" }, 400, 40011],
    ["0", { page_size: "0" }, 400, 40011],
    ["0", { page_token: "AQD9/forged" }, 400, 40012],
    ["0", { fetch_child: "yes" }, 400, 99992402],
    ["0", { department_id_type: "dept" }, 400, 99992402],
  ])("answers %s %o with HTTP %i and code %i", async (id, params, status, code) => {
    const answer = await get(`${DEPT}/${id}/children`, params as Record<string, string>);
    expect(answer.status).toBe(status);
    expect(answer.json.code).toBe(code);
  });

  it("sees departments added to the org at once, and keeps the out-of-scope one out", async () => {
    const org = sbx.current.org;
    const add = (key: string, parentKey: string, n: number, inFeishuScope: boolean) =>
      org.addDepartment({
        key,
        name: `新部门${n}`,
        parentKey,
        feishuOpenId: `od-sbx-new-${n}`,
        inFeishuScope,
      });
    add("sbx-new-1", "rd", 1, true);
    add("sbx-new-2", "rd", 2, false);
    add("sbx-new-3", "sbx-new-1", 3, true);
    try {
      const token = await feishuToken(sbx.current);
      const direct = await get(`${DEPT}/${ZHANGSAN_DEPT}/children`, { page_size: "50" }, token);
      const deep = await get(
        `${DEPT}/${ZHANGSAN_DEPT}/children`,
        { page_size: "50", fetch_child: "true" },
        token,
      );
      const ids = (a: { json: any }) =>
        a.json.data.items.map((d: { open_department_id: string }) => d.open_department_id);
      expect(ids(direct)).toContain("od-sbx-new-1");
      expect(ids(direct)).not.toContain("od-sbx-new-2");
      expect(ids(direct)).not.toContain("od-sbx-new-3");
      expect(ids(deep)).toContain("od-sbx-new-3");
      expect(ids(deep).indexOf("od-sbx-new-3")).toBeGreaterThan(ids(deep).indexOf("od-sbx-new-1"));
      const got = await get(`${DEPT}/od-sbx-new-3`, {}, token);
      const denied = await get(`${DEPT}/od-sbx-new-2`, {}, token);
      expect(got.json.data.department).toMatchObject({
        parent_department_id: "od-sbx-new-1",
        member_count: 0,
      });
      expect([denied.status, denied.json.code]).toEqual([403, 40004]);
    } finally {
      for (const key of ["sbx-new-3", "sbx-new-2", "sbx-new-1"]) org.removeDepartment(key);
    }
    const gone = await get(`${DEPT}/od-sbx-new-1`, {});
    expect(gone.json.code).toBe(40015);
  });
});

describe("Feishu batch_get_id by email", () => {
  const batch = async (body: Record<string, unknown>) =>
    postJson(`${base()}/open-apis/contact/v3/users/batch_get_id?user_id_type=user_id`, body, {
      authorization: `Bearer ${await feishuToken(sbx.current)}`,
    });

  it("does not match an enterprise email, only the user's own email", async () => {
    const person = sbx.current.org.people.find(
      (p) => p.in.feishu && p.status !== "resigned" && p.orgEmail && p.email && p.orgEmail !== p.email,
    )!;
    const answer = await batch({ emails: [person.orgEmail, person.email] });
    expect(answer.json.data.user_list).toEqual([
      { email: person.orgEmail },
      expect.objectContaining({ email: person.email, user_id: person.userId }),
    ]);
  });

  it("finds a resigned user only with include_resigned", async () => {
    const resigned = sbx.current.org.people.find((p) => p.in.feishu && p.status === "resigned" && p.email)!;
    const without = await batch({ emails: [resigned.email] });
    const withFlag = await batch({ emails: [resigned.email], include_resigned: true });
    expect(without.json.data.user_list).toEqual([{ email: resigned.email }]);
    expect(withFlag.json.data.user_list[0]).toMatchObject({
      user_id: resigned.userId,
      status: { is_resigned: true },
    });
  });
});
