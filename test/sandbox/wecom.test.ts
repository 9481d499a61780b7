import { buildDemoOrg, type DemoOrg, type Person } from "@dirgate/sandbox";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { inWeCom } from "../../packages/sandbox/src/org.ts";
import {
  WECOM_DEMO_CREDENTIALS as C,
  createWeComEmulator,
  type WeComEmulator,
  type WeComEmulatorOptions,
  weComDemoCorp,
} from "../../packages/sandbox/src/wecom.ts";
import { call, postJson } from "../helpers/sandbox.ts";

/** One WeCom emulator over its own demo org for the file (or describe), reset before each test. */
function useWeCom(options: WeComEmulatorOptions = {}) {
  const ref = {} as { org: DemoOrg; wecom: WeComEmulator; base: string };
  beforeAll(async () => {
    ref.org = buildDemoOrg();
    ref.wecom = createWeComEmulator(ref.org, weComDemoCorp(), options);
    await ref.wecom.emulator.start();
    ref.base = `${ref.wecom.emulator.baseUrl}/cgi-bin`;
  });
  beforeEach(() => ref.wecom.emulator.reset());
  afterAll(async () => {
    await ref.wecom?.emulator.stop();
  });
  return ref;
}

const w = useWeCom();

/** `…, hint: [25 digits], from ip: 127.0.0.1, more info at …?e=<code>` after the text. */
function suffixed(text: string, code: number): RegExp {
  const escaped = text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  return new RegExp(
    `^${escaped}, hint: \\[\\d{25}\\], from ip: 127\\.0\\.0\\.1, more info at https://open\\.work\\.weixin\\.qq\\.com/devtool/query\\?e=${code}$`,
  );
}

async function token(secret: string = C.app.secret): Promise<string> {
  const answer = await call(`${w.base}/gettoken?corpid=${C.corpId}&corpsecret=${encodeURIComponent(secret)}`);
  return answer.json.access_token as string;
}

async function get(path: string, params: Record<string, string> = {}, secret?: string) {
  const qs = new URLSearchParams({ access_token: await token(secret), ...params });
  return call(`${w.base}${path}?${qs}`);
}

async function post(path: string, body: unknown, secret?: string) {
  return postJson(`${w.base}${path}?access_token=${await token(secret)}`, body);
}

const person = (key: string) => w.org.personByKey.get(key)!;
const someone = (test: (p: Person) => boolean) => w.org.people.find((p) => inWeCom(p) && test(p))!;

describe("WeCom gettoken", () => {
  it("issues a long URL-safe token per app, the same one while it is valid, on HTTP 200", async () => {
    const url = `${w.base}/gettoken?corpid=${C.corpId}&corpsecret=${C.app.secret}`;
    const first = await call(url);
    const again = await call(url);
    const legacy = await token(C.legacyApp.secret);
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ errcode: 0, errmsg: "ok", expires_in: 7200 });
    expect(first.headers.get("error-code")).toBe("0");
    const t: string = first.json.access_token;
    expect(t.length).toBeGreaterThan(100);
    expect(t.length).toBeLessThanOrEqual(512);
    expect(t).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(t).not.toMatch(/^[0-9a-f]+$/);
    expect(again.json.access_token).toBe(t);
    expect(legacy).not.toBe(t);
  });

  it.each([
    [`corpid=wwnotthecorp00001&corpsecret=${C.app.secret}`, 40013, "invalid corpid"],
    [`corpid=${C.corpId}&corpsecret=wrong`, 40001, "invalid credential"],
    [`corpsecret=${C.app.secret}`, 41002, "corpid missing"],
    [`corpid=${C.corpId}`, 41004, "corpsecret missing"],
  ])("answers %s with %i and WeCom's errmsg suffix", async (qs, code, text) => {
    const answer = await call(`${w.base}/gettoken?${qs}`);
    expect(answer.status).toBe(200);
    expect(answer.json.errcode).toBe(code);
    expect(answer.json.errmsg).toMatch(suffixed(text, code));
    expect(answer.json).not.toHaveProperty("access_token");
    expect(answer.headers.get("error-code")).toBe(String(code));
    expect(answer.headers.get("error-msg")).toBe(answer.json.errmsg);
  });

  it("answers an expired token with 42001, then issues a new one", async () => {
    w.wecom.emulator.setKnobs({ tokenTtlSeconds: 0.2 });
    const old = await token();
    await new Promise((r) => setTimeout(r, 250));
    const expired = await call(`${w.base}/user/get?access_token=${old}&userid=zhangsan`);
    expect(expired.json.errcode).toBe(42001);
    expect(expired.json.errmsg).toMatch(suffixed("access_token expired", 42001));
    expect(await token()).not.toBe(old);
  });

  it("answers a missing token with 41001, a forged or early-invalidated one with 40014", async () => {
    const t = await token();
    const missing = await call(`${w.base}/user/get?userid=zhangsan`);
    const forged = await call(`${w.base}/user/get?access_token=forged&userid=zhangsan`);
    w.wecom.emulator.revokeTokens();
    const revoked = await call(`${w.base}/user/get?access_token=${t}&userid=zhangsan`);
    expect([missing.json.errcode, forged.json.errcode, revoked.json.errcode]).toEqual([41001, 40014, 40014]);
    expect(missing.json.errmsg).toMatch(suffixed("access_token missing", 41001));
    expect(revoked.json.errmsg).toMatch(suffixed("invalid access_token", 40014));
    expect(await token()).not.toBe(t);
  });
});

describe("WeCom user/getuserid and user/get_userid_by_email", () => {
  it.each([
    ["13800138000", "zhangsan"],
    ["+86 13800138000", "zhangsan"],
    ["+852 51234567", "chan.taiman"],
    ["+41-446681800", "anna.mueller"],
  ])("finds %s → %s", async (mobile, userid) => {
    const answer = await post("/user/getuserid", { mobile });
    expect(answer.json).toEqual({ errcode: 0, errmsg: "ok", userid });
  });

  it("answers an unknown mobile with 46004, a short one with 40058, bad JSON with WeCom's warning", async () => {
    const unknown = await post("/user/getuserid", { mobile: "13000000001" });
    const short = await post("/user/getuserid", { mobile: "123" });
    const badJson = await call(`${w.base}/user/getuserid?access_token=${await token()}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{mobile: 13800138000",
    });
    expect(unknown.json.errcode).toBe(46004);
    expect(unknown.json.errmsg).toMatch(suffixed("user no exist", 46004));
    expect(short.json.errcode).toBe(40058);
    expect(short.json.errmsg).toMatch(/^mobile exceed min length 5\. invalid Request Parameter, hint:/);
    expect(badJson.json.errcode).toBe(40058);
    expect(badJson.json.errmsg).toMatch(/^Warning: wrong json format\. /);
  });

  it("answers 60011 when the app may not see the member (the legacy app does not see the board)", async () => {
    const member = someone(
      (p) => p.mobile !== undefined && p.memberships.every((m) => m.deptKey === "board"),
    );
    const mobile =
      member.mobile!.countryCode === "86"
        ? member.mobile!.national
        : `+${member.mobile!.countryCode} ${member.mobile!.national}`;
    const seen = await post("/user/getuserid", { mobile });
    const hidden = await post("/user/getuserid", { mobile }, C.legacyApp.secret);
    expect(seen.json.userid).toBe(member.wecomUserId);
    expect(hidden.json.errcode).toBe(60011);
    expect(hidden.json.errmsg).toMatch(suffixed("no privilege to access/modify contact/party/agent ", 60011));
  });

  it("finds by corporate email (type 1, the default) or personal email (type 2), and not across types", async () => {
    const corporate = await post("/user/get_userid_by_email", { email: "demo@mail.com" });
    const personal = await post("/user/get_userid_by_email", { email: "zhangsan@gmail.com", email_type: 2 });
    const wrongType = await post("/user/get_userid_by_email", { email: "zhangsan@gmail.com", email_type: 1 });
    const badType = await post("/user/get_userid_by_email", { email: "demo@mail.com", email_type: 3 });
    expect(corporate.json).toEqual({ errcode: 0, errmsg: "ok", userid: "3e3cf96b" });
    expect(personal.json.userid).toBe("3e3cf96b");
    expect(wrongType.json.errcode).toBe(46004);
    expect(badType.json.errcode).toBe(40058);
  });
});

describe("WeCom lookup error budget", () => {
  let clock = Date.parse("2026-03-02T10:00:00+08:00");
  const b = useWeCom({ now: () => clock });
  const lookup = async (path: string, body: unknown) => {
    const t = (await call(`${b.base}/gettoken?corpid=${C.corpId}&corpsecret=${C.app.secret}`)).json
      .access_token;
    return postJson(`${b.base}${path}?access_token=${t}`, body);
  };

  it("blocks getuserid for the rest of the day once misses go beyond 20 % of the member cap", async () => {
    b.wecom.setLimits({ memberCap: 10 });
    const codes: number[] = [];
    for (const n of [1, 2, 3])
      codes.push((await lookup("/user/getuserid", { mobile: `1300000000${n}` })).json.errcode);
    const valid = await lookup("/user/getuserid", { mobile: "13800138000" });
    const otherApi = await lookup("/user/get_userid_by_email", { email: "demo@mail.com" });
    expect(codes).toEqual([46004, 46004, 45009]);
    expect(valid.json.errcode).toBe(45009);
    expect(valid.json.errmsg).toMatch(suffixed("api freq out of limit", 45009));
    expect(b.wecom.lookupMisses("getuserid")).toBe(3);
    expect(otherApi.json.userid).toBe("3e3cf96b");
    // The next natural day in China (UTC+8) starts afresh.
    clock = Date.parse("2026-03-03T00:00:01+08:00");
    expect((await lookup("/user/getuserid", { mobile: "13800138000" })).json.userid).toBe("zhangsan");
  });

  it("counts email misses separately and forgets them on reset", async () => {
    b.wecom.setLimits({ memberCap: 5 });
    const first = await lookup("/user/get_userid_by_email", { email: "nobody@example.com", email_type: 2 });
    const second = await lookup("/user/get_userid_by_email", { email: "nobody@example.com", email_type: 2 });
    expect([first.json.errcode, second.json.errcode]).toEqual([46004, 45009]);
    b.wecom.emulator.reset();
    expect(b.wecom.lookupMisses("get_userid_by_email")).toBe(0);
  });
});

describe("WeCom user/get", () => {
  it("returns zhangsan in full to the app created before 2022-06-20", async () => {
    const answer = await get("/user/get", { userid: "zhangsan" }, C.legacyApp.secret);
    expect(answer.json).toMatchObject({
      errcode: 0,
      errmsg: "ok",
      userid: "zhangsan",
      name: "John",
      department: [2, 3, 4],
      order: [1, 2, 3],
      position: "Technical Director",
      mobile: "13800138000",
      gender: "1",
      email: "test@xxx.com",
      biz_mail: "test@xxx.com",
      is_leader_in_dept: [1, 0, 0],
      direct_leader: ["manager240"],
      avatar: "xxx",
      telephone: "010-86123456-2345",
      alias: "Name",
      address: "Future Park",
      main_department: 2,
      status: 1,
      english_name: "John Zhang",
      extattr: {
        attrs: [
          { type: 0, name: "Hobby", text: { value: "Travel" } },
          { type: 0, name: "Age", text: { value: "24" } },
        ],
      },
    });
    expect(answer.json.qr_code).toMatch(/^https:\/\/open\.work\.weixin\.qq\.com\/wwopen\/userQRCode\?vcode=/);
    // open_userid: "仅第三方应用可获取" — not for a self-built app.
    expect(answer.json).not.toHaveProperty("open_userid");
  });

  it("withholds mobile, email, biz_mail, avatar, qr_code and address from the app created after 2022-06-20", async () => {
    const answer = await get("/user/get", { userid: "zhangsan" });
    expect(answer.json).toMatchObject({
      errcode: 0,
      userid: "zhangsan",
      name: "John",
      gender: "0",
      status: 1,
    });
    for (const field of ["mobile", "email", "biz_mail", "avatar", "thumb_avatar", "qr_code", "address"]) {
      expect(answer.json, field).not.toHaveProperty(field);
    }
    expect(answer.json.department).toEqual([2, 3, 4]);
  });

  it("gives the contact-sync secret everything and the 代开发 app open_userid but no sensitive fields", async () => {
    const contacts = await get("/user/get", { userid: "zhangsan" }, C.contacts.secret);
    const customized = await get("/user/get", { userid: "zhangsan" }, C.customized.secret);
    expect(contacts.json).toMatchObject({ mobile: "13800138000", email: "test@xxx.com", gender: "1" });
    expect(customized.json.open_userid).toBe(person("zhangsan").wecomOpenUserId);
    expect(customized.json).not.toHaveProperty("mobile");
  });

  it("writes non-mainland mobiles with their country code", async () => {
    const answer = await get("/user/get", { userid: "chan.taiman" }, C.legacyApp.secret);
    expect(answer.json.mobile).toBe("+852 51234567");
  });

  it.each([
    ["active", 1],
    ["disabled", 2],
    ["frozen", 2],
    ["inactive", 4],
    ["resigned", 5],
  ] as const)("shows a %s member with status %i", async (status, code) => {
    const member = someone((p) => p.status === status);
    const answer = await get("/user/get", { userid: member.wecomUserId! }, C.contacts.secret);
    expect(answer.json.status).toBe(code);
  });

  it("finds a userid ignoring case and answers the stored one", async () => {
    const answer = await get("/user/get", { userid: "ZhangSan" });
    expect(answer.json.userid).toBe("zhangsan");
  });

  it("answers 60111 with empty lists, 40003 for a malformed userid, 41009 without one, 60011 out of sight", async () => {
    const unknown = await get("/user/get", { userid: "nobody" });
    const malformed = await get("/user/get", { userid: "a&b" });
    const missing = await get("/user/get");
    const boardOnly = someone((p) => p.memberships.every((m) => m.deptKey === "board"));
    const hidden = await get("/user/get", { userid: boardOnly.wecomUserId! }, C.legacyApp.secret);
    expect(unknown.json).toMatchObject({ errcode: 60111, department: [], order: [], is_leader_in_dept: [] });
    expect(unknown.json.errmsg).toMatch(suffixed("userid not found", 60111));
    expect(malformed.json.errcode).toBe(40003);
    expect(missing.json.errcode).toBe(41009);
    expect(hidden.json.errcode).toBe(60011);
  });

  it("shows each person as the org holds them: the same departments, orders, leaders and manager", async () => {
    const t = await token(C.contacts.secret);
    const sample = w.org.people.filter(inWeCom).filter((_, i) => i % 10 === 0);
    for (const p of sample) {
      const answer = await call(
        `${w.base}/user/get?access_token=${t}&userid=${encodeURIComponent(p.wecomUserId!)}`,
      );
      const dingtalkIds = p.memberships.map((m) => w.org.departmentByKey.get(m.deptKey)!.dingtalkId);
      const manager = p.managerKey ? w.org.personByKey.get(p.managerKey) : undefined;
      expect(answer.json, p.key).toMatchObject({
        name: p.name,
        department: dingtalkIds,
        order: p.memberships.map((m) => m.order),
        is_leader_in_dept: p.memberships.map((m) => (m.leader ? 1 : 0)),
        direct_leader: manager && inWeCom(manager) ? [manager.wecomUserId] : [],
        position: p.title ?? "",
        email: p.email ?? "",
      });
    }
  });

  it("does not find people outside WeCom's directory", async () => {
    const answer = await get("/user/get", { userid: "lisi_ea1" }, C.contacts.secret);
    expect(answer.json.errcode).toBe(60111);
  });
});

describe("WeCom departments", () => {
  it("returns a department with its leaders, and the root with parentid 0", async () => {
    const rd = await get("/department/get", { id: "2" });
    const root = await get("/department/get", { id: "1" });
    expect(rd.json).toEqual({
      errcode: 0,
      errmsg: "ok",
      department: {
        id: 2,
        name: "研发部",
        name_en: "R&D",
        department_leader: ["manager240", "zhangsan", "hu.wuhan"],
        parentid: 1,
        order: 10,
      },
    });
    expect(root.json.department).toMatchObject({ id: 1, parentid: 0 });
  });

  it.each([
    ["999", 60123],
    ["abc", 60123],
    ["", 40058],
  ])("answers department/get?id=%s with %i", async (id, code) => {
    const answer = await get("/department/get", { id });
    expect(answer.json.errcode).toBe(code);
  });

  it("answers 60011 for a department out of the app's sight", async () => {
    const answer = await get("/department/get", { id: "9" }, C.legacyApp.secret);
    expect(answer.json.errcode).toBe(60011);
  });

  it("lists the whole tree without an id, and a department with its whole subtree with one", async () => {
    const all = await get("/department/simplelist");
    const platform = await get("/department/simplelist", { id: "5" });
    const ids = all.json.department_id.map((d: { id: number }) => d.id);
    expect(ids).toHaveLength(w.org.departments.length);
    expect(all.json.department_id[0]).toEqual({ id: 1, parentid: 0, order: 0 });
    for (const d of all.json.department_id) if (d.parentid !== 0) expect(ids).toContain(d.parentid);
    expect(
      platform.json.department_id.map((d: { id: number }) => d.id).sort((a: number, b: number) => a - b),
    ).toEqual([5, 10, 11, 12, 13]);
    expect(platform.json.department_id).toContainEqual({ id: 11, parentid: 10, order: 10 });
  });

  it("lists only what a scoped app sees, and refuses the rest", async () => {
    const visible = await get("/department/simplelist", {}, C.legacyApp.secret);
    const board = await get("/department/simplelist", { id: "9" }, C.legacyApp.secret);
    const unknown = await get("/department/simplelist", { id: "4242" });
    const ids = visible.json.department_id.map((d: { id: number }) => d.id);
    expect(ids).not.toContain(1);
    expect(ids).not.toContain(9);
    expect(ids).toEqual(expect.arrayContaining([2, 3, 4, 5, 6, 11, 20]));
    expect(board.json.errcode).toBe(60011);
    expect(unknown.json.errcode).toBe(60123);
  });
});

describe("WeCom user/simplelist", () => {
  it("lists a department's direct members, larger order first, and ignores fetch_child", async () => {
    const sre = await get("/user/simplelist", { department_id: "11" });
    const platform = await get("/user/simplelist", { department_id: "5", fetch_child: "1" });
    const expected = (key: string) =>
      w.org
        .membersOf(key)
        .filter(inWeCom)
        .map((p) => p.wecomUserId);
    expect(sre.json.userlist.map((u: { userid: string }) => u.userid).sort()).toEqual(expected("sre").sort());
    const platformIds = platform.json.userlist.map((u: { userid: string }) => u.userid);
    expect(platformIds.sort()).toEqual(expected("platform").sort());
    const orders = sre.json.userlist.map(
      (u: { userid: string }) =>
        w.org.people.find((p) => p.wecomUserId === u.userid)!.memberships.find((m) => m.deptKey === "sre")!
          .order,
    );
    expect(orders).toEqual([...orders].sort((a, b) => b - a));
    const first = sre.json.userlist[0];
    expect(Object.keys(first).sort()).toEqual(["department", "name", "userid"]);
    expect(first.department).toContain(11);
  });

  it("adds open_userid for the 代开发 app only, and answers 60123, 60011 and 40058", async () => {
    const customized = await get("/user/simplelist", { department_id: "11" }, C.customized.secret);
    const unknown = await get("/user/simplelist", { department_id: "777" });
    const hidden = await get("/user/simplelist", { department_id: "9" }, C.legacyApp.secret);
    const missing = await get("/user/simplelist");
    expect(customized.json.userlist[0].open_userid).toMatch(/^wo/);
    expect([unknown.json.errcode, hidden.json.errcode, missing.json.errcode]).toEqual([60123, 60011, 40058]);
  });
});

describe("WeCom user/list", () => {
  it("lists a department's direct members as user/get shows each of them to the app", async () => {
    const legacy = await get("/user/list", { department_id: "11" }, C.legacyApp.secret);
    const simple = await get("/user/simplelist", { department_id: "11" }, C.legacyApp.secret);
    const ids = legacy.json.userlist.map((u: { userid: string }) => u.userid);
    expect(ids).toEqual(simple.json.userlist.map((u: { userid: string }) => u.userid));
    for (const member of legacy.json.userlist.slice(0, 5)) {
      const {
        errcode: _c,
        errmsg: _m,
        ...one
      } = (await get("/user/get", { userid: member.userid }, C.legacyApp.secret)).json;
      expect(member).toEqual(one);
    }
    expect(legacy.json.userlist[0]).toHaveProperty("mobile");
  });

  it("withholds the same fields from the app created after 2022-06-20, and answers 60123, 60011, 40058", async () => {
    const recent = await get("/user/list", { department_id: "11" });
    const unknown = await get("/user/list", { department_id: "777" });
    const hidden = await get("/user/list", { department_id: "9" }, C.legacyApp.secret);
    const missing = await get("/user/list");
    for (const member of recent.json.userlist) {
      for (const field of ["mobile", "email", "biz_mail", "avatar", "address", "qr_code"]) {
        expect(member, field).not.toHaveProperty(field);
      }
    }
    expect([unknown.json.errcode, hidden.json.errcode, missing.json.errcode]).toEqual([60123, 60011, 40058]);
  });
});

describe("WeCom user/list_id", () => {
  const expectedRows = () =>
    w.org.people
      .filter(inWeCom)
      .flatMap((p) =>
        p.memberships.map((m) => `${p.wecomUserId}|${w.org.departmentByKey.get(m.deptKey)!.wecomId}`),
      );

  async function walk(limit: number) {
    const rows: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const answer = await post("/user/list_id", { limit, ...(cursor ? { cursor } : {}) }, C.contacts.secret);
      expect(answer.json.errcode).toBe(0);
      rows.push(
        ...answer.json.dept_user.map(
          (r: { userid: string; department: number }) => `${r.userid}|${r.department}`,
        ),
      );
      cursor = answer.json.next_cursor;
      pages += 1;
    } while (cursor && pages < 100);
    return { rows, pages };
  }

  it("pages over the whole org with the contact-sync secret: every user × department row exactly once", async () => {
    const { rows, pages } = await walk(97);
    const expected = expectedRows();
    expect(rows).toHaveLength(expected.length);
    expect(new Set(rows)).toEqual(new Set(expected));
    expect(pages).toBe(Math.ceil(expected.length / 97));
  });

  it("ends with an empty next_cursor and hands out opaque cursors", async () => {
    const all = await post("/user/list_id", { limit: 10_000 }, C.contacts.secret);
    const page = await post("/user/list_id", { limit: 3 }, C.contacts.secret);
    expect(all.json.next_cursor).toBe("");
    expect(page.json.next_cursor).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    expect(page.json.next_cursor).not.toContain(page.json.dept_user[2].userid);
  });

  it("refuses other apps with 48002, a bad limit with 40058, a forged cursor with 50100", async () => {
    const app = await post("/user/list_id", { limit: 10 });
    const zero = await post("/user/list_id", { limit: 0 }, C.contacts.secret);
    const tooMany = await post("/user/list_id", { limit: 10_001 }, C.contacts.secret);
    const none = await post("/user/list_id", {}, C.contacts.secret);
    const forged = await post("/user/list_id", { limit: 10, cursor: "aaaaaaaaa" }, C.contacts.secret);
    expect(app.json.errcode).toBe(48002);
    expect(app.json.errmsg).toMatch(suffixed("api forbidden", 48002));
    expect([zero.json.errcode, tooMany.json.errcode, none.json.errcode]).toEqual([40058, 40058, 40058]);
    expect(forged.json.errcode).toBe(50100);
  });
});

describe("WeCom trusted IPs, limits and faults", () => {
  it("answers 60020 naming the caller's address when the app trusts other IPs; gettoken still works", async () => {
    w.wecom.setApp(C.app.name, { trustedIps: ["203.0.113.7"] });
    const t = await token();
    const refused = await call(`${w.base}/user/get?access_token=${t}&userid=zhangsan`);
    expect(t).toBeTruthy();
    expect(refused.status).toBe(200);
    expect(refused.json.errcode).toBe(60020);
    expect(refused.json.errmsg).toMatch(suffixed("not allow to access from your ip", 60020));
    w.wecom.setApp(C.app.name, { trustedIps: ["127.0.0.1"] });
    expect((await get("/user/get", { userid: "zhangsan" })).json.errcode).toBe(0);
  });

  it("limits calls per corp per API: other apps share the limit, other APIs do not", async () => {
    w.wecom.emulator.setKnobs({ rateLimitPerMinute: 2 });
    const codes: number[] = [];
    for (const secret of [C.app.secret, C.legacyApp.secret, C.app.secret]) {
      codes.push((await get("/user/get", { userid: "zhangsan" }, secret)).json.errcode);
    }
    const other = await get("/department/get", { id: "2" });
    expect(codes).toEqual([0, 0, 45009]);
    expect(other.json.errcode).toBe(0);
  });

  it("limits calls per hour (150 000 by default) with 45009", async () => {
    expect(w.wecom.limits().perHour).toBe(150_000);
    w.wecom.setLimits({ perHour: 1 });
    const first = await get("/department/get", { id: "2" });
    const second = await get("/department/get", { id: "2" });
    expect([first.json.errcode, second.json.errcode]).toEqual([0, 45009]);
  });

  it("answers 45033 beyond the concurrency limit", async () => {
    w.wecom.setLimits({ maxConcurrent: 1, holdMs: 150 });
    const t = await token();
    const answers = await Promise.all(
      [1, 2, 3].map(() => call(`${w.base}/department/get?access_token=${t}&id=2`)),
    );
    const codes = answers.map((a) => a.json.errcode).sort();
    expect(codes).toEqual([0, 45033, 45033]);
    expect(answers.find((a) => a.json.errcode === 45033)?.json.errmsg).toMatch(
      suffixed("api concurrent out of limit", 45033),
    );
  });

  it("injects faults in WeCom's dialect", async () => {
    const t = await token();
    const url = `${w.base}/department/get?access_token=${t}&id=2`;
    const e = w.wecom.emulator;
    e.addFault({ kind: "busy" });
    const busy = await call(url);
    e.addFault({ kind: "rateLimited" });
    const limited = await call(url);
    e.addFault({ kind: "http502" });
    const gateway = await call(url);
    e.addFault({ kind: "malformedJson" });
    const malformed = await call(url);
    e.addFault({ kind: "reset" });
    await expect(fetch(url)).rejects.toThrow();
    e.addFault({ kind: "revokeToken" });
    const revoked = await call(url);
    expect(busy.json.errcode).toBe(-1);
    expect(busy.json.errmsg).toMatch(suffixed("system busy", -1));
    expect(limited.json.errcode).toBe(45009);
    expect(gateway.status).toBe(502);
    expect(gateway.text).toContain("<center>nginx</center>");
    expect(malformed.status).toBe(200);
    expect(malformed.json).toBeUndefined();
    expect(revoked.json.errcode).toBe(40014);
  });

  it("answers an unknown path with nginx's 404 page", async () => {
    const answer = await get("/user/nothing");
    expect(answer.status).toBe(404);
  });
});

describe("WeCom and a changing org", () => {
  it("sees people and departments added, changed and removed at once", async () => {
    const org = w.org;
    const dept = org.addDepartment({ key: "wecom-test-dept", name: "临时组", parentKey: "sre" });
    const added = org.addPerson({
      key: "wecom-test-person",
      name: "临时工",
      userId: "temp.worker",
      mobile: { countryCode: "86", national: "13312340000" },
      memberships: [{ deptKey: dept.key, order: 1, leader: true, primary: true }],
    });
    try {
      const found = await post("/user/getuserid", { mobile: "13312340000" });
      const members = await get("/user/simplelist", { department_id: String(dept.wecomId) });
      const detail = await get("/department/get", { id: String(dept.wecomId) });
      const subtree = await get("/department/simplelist", { id: "11" });
      expect(found.json.userid).toBe("temp.worker");
      expect(members.json.userlist.map((u: { userid: string }) => u.userid)).toEqual(["temp.worker"]);
      expect(detail.json.department).toMatchObject({ parentid: 11, department_leader: ["temp.worker"] });
      expect(subtree.json.department_id.map((d: { id: number }) => d.id)).toContain(dept.wecomId);

      org.updatePerson(added.key, { userId: "temp.worker2", status: "disabled" });
      const renamed = await get("/user/get", { userid: "temp.worker2" });
      const oldName = await get("/user/get", { userid: "temp.worker" });
      expect(renamed.json).toMatchObject({ userid: "temp.worker2", status: 2 });
      expect(oldName.json.errcode).toBe(60111);

      org.updateDepartment(dept.key, { parentKey: "network" });
      expect((await get("/department/get", { id: String(dept.wecomId) })).json.department.parentid).toBe(12);
    } finally {
      org.removePerson(added.key);
      org.removeDepartment(dept.key);
    }
    expect((await get("/user/get", { userid: "temp.worker2" })).json.errcode).toBe(60111);
    expect((await get("/department/get", { id: String(dept.wecomId) })).json.errcode).toBe(60123);
  });

  it("pages list_id across a change without repeating or losing a row still there", async () => {
    const org = w.org;
    const first = await post("/user/list_id", { limit: 50 }, C.contacts.secret);
    const seen: string[] = first.json.dept_user.map(
      (r: { userid: string; department: number }) => `${r.userid}|${r.department}`,
    );
    org.addPerson({
      key: "late-joiner",
      name: "新人",
      userId: "zzz.late",
      memberships: [{ deptKey: "ios", order: 1, leader: false, primary: true }],
    });
    try {
      let cursor: string = first.json.next_cursor;
      while (cursor) {
        const page = await post("/user/list_id", { limit: 50, cursor }, C.contacts.secret);
        seen.push(
          ...page.json.dept_user.map(
            (r: { userid: string; department: number }) => `${r.userid}|${r.department}`,
          ),
        );
        cursor = page.json.next_cursor;
      }
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toContain("zzz.late|15");
      expect(seen.length).toBe(expectedRowCount(org));
    } finally {
      org.removePerson("late-joiner");
    }
  });
});

function expectedRowCount(org: DemoOrg): number {
  return org.people.filter(inWeCom).reduce((n, p) => n + p.memberships.length, 0);
}
