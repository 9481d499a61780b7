import {
  DEMO_CALLBACK_CREDENTIALS,
  DEMO_CREDENTIALS,
  DINGTALK_DEMO_CORP_ID,
  demoSecretValues,
  FEISHU_DEMO_TENANT_KEY,
  type Membership,
  WECOM_DEMO_CREDENTIALS,
} from "@dirgate/sandbox";
import { adaptDefault, EventDispatcher, LoggerLevel } from "@larksuiteoapi/node-sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { useSandbox } from "../helpers/sandbox.ts";
import {
  answerWeComEcho,
  dingTalkSuccess,
  type FeishuCredentials,
  openDingTalk,
  openFeishu,
  openWeCom,
  type Received,
  type Response,
  TestReceiver,
  type WxCredentials,
  xmlField,
} from "./push-receiver.ts";

const DT: WxCredentials = {
  token: DEMO_CALLBACK_CREDENTIALS.dingtalk.token,
  encodingAESKey: DEMO_CALLBACK_CREDENTIALS.dingtalk.aesKey,
  receiveId: DEMO_CREDENTIALS.dingtalk.appKey,
};
const FS: FeishuCredentials = DEMO_CALLBACK_CREDENTIALS.feishu;
const WC: WxCredentials = {
  token: DEMO_CALLBACK_CREDENTIALS.wecom.token,
  encodingAESKey: DEMO_CALLBACK_CREDENTIALS.wecom.encodingAESKey,
  receiveId: WECOM_DEMO_CREDENTIALS.corpId,
};
const DT_LEGACY: WxCredentials = {
  token: DEMO_CALLBACK_CREDENTIALS.dingtalkLegacy.token,
  encodingAESKey: DEMO_CALLBACK_CREDENTIALS.dingtalkLegacy.aesKey,
  receiveId: DINGTALK_DEMO_CORP_ID,
};
const CONNECTIONS = ["demo-dingtalk", "demo-dingtalk-legacy", "demo-feishu", "demo-wecom-contacts"];
const connectionOf = (req: Received) => req.url.pathname.split("/")[3];

/** A correct receiver: verifies with the independent verifier, answers as each platform wants; 401 otherwise. */
function correctly(req: Received): Response {
  const connection = connectionOf(req);
  try {
    if (connection === "demo-dingtalk" || connection === "demo-dingtalk-legacy") {
      const creds = connection === "demo-dingtalk" ? DT : DT_LEGACY;
      openDingTalk(req, creds);
      return { status: 200, body: dingTalkSuccess(creds) };
    }
    if (connection === "demo-feishu") {
      const signed = req.headers["x-lark-signature"] !== undefined;
      const body = openFeishu(req, FS, { signed });
      if (body["type"] === "url_verification") {
        if (body["token"] !== FS.verificationToken) return { status: 401 };
        return { status: 200, body: JSON.stringify({ challenge: body["challenge"] }) };
      }
      if (!signed || body["header"].token !== FS.verificationToken) return { status: 401 };
      return { status: 200, body: '{"msg":"success"}' };
    }
    if (connection === "demo-wecom-contacts") {
      if (req.method === "GET") return { status: 200, body: answerWeComEcho(req, WC) };
      openWeCom(req, WC);
      return { status: 200, body: "" };
    }
  } catch {
    return { status: 401, body: "verification failed" };
  }
  return { status: 404 };
}

const receiver = new TestReceiver();
let base = "";
const sbx = useSandbox({ orgSize: 20 });

beforeAll(async () => {
  base = await receiver.start();
});
afterAll(() => receiver.close());
beforeEach(async () => {
  receiver.requests.length = 0;
  receiver.respond = correctly;
  await sbx.current.callbacks.setTarget(base, { verify: false });
});

const posts = (connection: string) => receiver.to(connection).filter((r) => r.method === "POST");
const dingtalkEvents = () => posts("demo-dingtalk").map((r) => openDingTalk(r, DT));
const feishuEvents = () => posts("demo-feishu").map((r) => openFeishu(r, FS));
const wecomEvents = () => posts("demo-wecom-contacts").map((r) => openWeCom(r, WC).xml);
const eventDeliveries = () => sbx.current.callbacks.deliveries().filter((d) => d.kind === "event");
const member = (deptKey: string, order = 900): Membership => ({
  deptKey,
  order,
  leader: false,
  primary: true,
});

describe("callback credentials", () => {
  it("are in the demo connections' secrets, in describe() and among the leak-test values", () => {
    const { connections } = sbx.current;
    expect(connections["demo-dingtalk"]!["callback"]).toEqual(DEMO_CALLBACK_CREDENTIALS.dingtalk);
    expect(connections["demo-feishu"]!["callback"]).toEqual(DEMO_CALLBACK_CREDENTIALS.feishu);
    expect(connections["demo-wecom-contacts"]!["callback"]).toEqual(DEMO_CALLBACK_CREDENTIALS.wecom);
    expect(connections["demo-dingtalk-legacy"]!["callback"]).toEqual(
      DEMO_CALLBACK_CREDENTIALS.dingtalkLegacy,
    );
    for (const id of ["demo-wecom", "demo-wecom-legacy-app", "demo-eiam"]) {
      expect(connections[id]!["callback"], id).toBeUndefined();
    }
    expect(DEMO_CALLBACK_CREDENTIALS.dingtalk.aesKey).toMatch(/^[A-Za-z0-9]{43}$/);
    expect(DEMO_CALLBACK_CREDENTIALS.wecom.encodingAESKey).toMatch(/^[A-Za-z0-9]{43}$/);
    expect(DEMO_CALLBACK_CREDENTIALS.wecom.token).toMatch(/^[A-Za-z0-9]{1,32}$/);
    const secrets = demoSecretValues();
    for (const creds of Object.values(DEMO_CALLBACK_CREDENTIALS)) {
      for (const [name, value] of Object.entries(creds)) {
        // The owner key is the corp id: an identifier, not a secret.
        if (name !== "ownerKey") expect(secrets).toContain(value);
      }
    }
    const described = sbx.current.describe();
    expect(Object.keys(described.callbacks).sort()).toEqual([...CONNECTIONS].sort());
    expect(described.callbacks["demo-feishu"]).toMatchObject({ provider: "feishu", ...FS });
    expect(described.control.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});

describe("URL verification", () => {
  it("runs each platform's handshake and saves the URLs that pass", async () => {
    // Prepare
    await sbx.current.callbacks.setTarget(null);
    // Act
    const results = await sbx.current.callbacks.setTarget(base);
    // Assess
    expect(results.map((r) => [r.connection, r.ok, r.error])).toEqual(
      CONNECTIONS.map((c) => [c, true, undefined]),
    );
    expect(Object.keys(sbx.current.callbacks.targets()).sort()).toEqual([...CONNECTIONS].sort());
    const [dingtalk] = receiver.to("demo-dingtalk");
    expect(dingtalk!.method).toBe("POST");
    expect([...dingtalk!.url.searchParams.keys()].sort()).toEqual(["nonce", "signature", "timestamp"]);
    expect(openDingTalk(dingtalk!, DT)).toEqual({ EventType: "check_url" });
    expect(openDingTalk(receiver.to("demo-dingtalk-legacy")[0]!, DT_LEGACY)).toEqual({
      EventType: "check_url",
    });
    const [feishu] = receiver.to("demo-feishu");
    expect(feishu!.headers["x-lark-signature"]).toBeUndefined();
    expect(openFeishu(feishu!, FS, { signed: false })).toEqual({
      challenge: expect.stringMatching(/^[0-9a-f-]{36}$/),
      token: FS.verificationToken,
      type: "url_verification",
    });
    const [wecom] = receiver.to("demo-wecom-contacts");
    expect(wecom!.method).toBe("GET");
    expect([...wecom!.url.searchParams.keys()].sort()).toEqual([
      "echostr",
      "msg_signature",
      "nonce",
      "timestamp",
    ]);
    expect(answerWeComEcho(wecom!, WC)).toMatch(/^[1-9]\d{18}$/);
    expect(sbx.current.callbacks.deliveries().map((d) => [d.kind, d.type, d.ok])).toEqual(
      expect.arrayContaining([
        ["handshake", "check_url", true],
        ["handshake", "url_verification", true],
        ["handshake", "echostr", true],
      ]),
    );
  });

  it("does not save a URL whose answer is wrong, and pushes nothing there", async () => {
    // Prepare: DingTalk answered in plaintext, Feishu's challenge not echoed, WeCom's echo quoted
    await sbx.current.callbacks.setTarget(null);
    receiver.respond = (req) =>
      req.method === "GET"
        ? { status: 200, body: `"${answerWeComEcho(req, WC)}"` }
        : { status: 200, body: "success" };
    // Act
    const results = await sbx.current.callbacks.setTarget(base);
    sbx.current.org.updatePerson("zhangsan", { title: "after a failed verification" });
    await sbx.current.callbacks.idle();
    // Assess
    expect(Object.fromEntries(results.map((r) => [r.connection, r.error]))).toEqual({
      "demo-dingtalk": "the answer is not JSON",
      "demo-dingtalk-legacy": "the answer is not JSON",
      "demo-feishu": "the answer is not JSON",
      "demo-wecom-contacts": "the answer is not the decrypted echostr",
    });
    expect(sbx.current.callbacks.targets()).toEqual({});
    expect(receiver.requests).toHaveLength(4);
  });

  it("verifyCallbackUrl() re-runs the handshake for the saved URLs", async () => {
    const results = await sbx.current.callbacks.verifyCallbackUrl("demo-wecom-contacts");
    expect(results).toEqual([
      expect.objectContaining({ connection: "demo-wecom-contacts", ok: true, status: 200 }),
    ]);
  });
});

describe("what each platform pushes", () => {
  it("a new person: user_add_org, contact.user.created_v3, create_user — in each provider's ids", async () => {
    // Act
    const person = sbx.current.org.addPerson({
      key: "push-new",
      name: "新同事",
      memberships: [member("rd")],
    });
    await sbx.current.callbacks.idle();
    // Assess: DingTalk, the current documented shape
    const [dingtalk] = dingtalkEvents();
    expect(dingtalk).toEqual({
      EventType: "user_add_org",
      EventTime: expect.any(Number),
      CorpId: DINGTALK_DEMO_CORP_ID,
      BizId: String(dingtalk!["EventTime"]),
      eventId: expect.stringMatching(/^[0-9a-f]{32}$/),
      timeStamp: String(dingtalk!["EventTime"]),
      userId: [person.userId],
    });
    // The legacy register_call_back subscription: the corp id as owner key, the old shape
    const [legacy] = posts("demo-dingtalk-legacy").map((r) => openDingTalk(r, DT_LEGACY));
    expect(legacy).toEqual({
      CorpId: DINGTALK_DEMO_CORP_ID,
      EventType: "user_add_org",
      UserId: [person.userId],
      OptStaffId: "zhangsan",
      TimeStamp: expect.stringMatching(/^\d{13}$/),
    });
    // Feishu v2.0, compact JSON so that node-sdk's re-serialising check passes too
    const [feishuRequest] = posts("demo-feishu");
    expect(JSON.stringify(JSON.parse(feishuRequest!.body))).toBe(feishuRequest!.body);
    expect(feishuRequest!.headers["content-type"]).toBe("application/json; charset=utf-8");
    const [feishu] = feishuEvents();
    expect(feishu!["schema"]).toBe("2.0");
    expect(feishu!["header"]).toEqual({
      event_id: expect.stringMatching(/^[0-9a-f]{32}$/),
      event_type: "contact.user.created_v3",
      create_time: expect.stringMatching(/^\d{13}$/),
      token: FS.verificationToken,
      app_id: DEMO_CREDENTIALS.feishu.appId,
      tenant_key: FEISHU_DEMO_TENANT_KEY,
    });
    const rd = sbx.current.org.departmentByKey.get("rd")!;
    expect(feishu!["event"].object).toMatchObject({
      user_id: person.userId,
      open_id: person.feishuOpenId,
      union_id: person.feishuUnionId,
      name: "新同事",
      department_ids: [rd.feishuOpenId],
    });
    // WeCom, post-2022-08-15: UserID and Department only
    const [wecomRequest] = posts("demo-wecom-contacts");
    const { envelope, xml } = openWeCom(wecomRequest!, WC);
    expect(envelope).toEqual({
      ToUserName: WECOM_DEMO_CREDENTIALS.corpId,
      Encrypt: expect.any(String),
      AgentID: "",
    });
    expect([...wecomRequest!.url.searchParams.keys()].sort()).toEqual([
      "msg_signature",
      "nonce",
      "timestamp",
    ]);
    expect(xml).toBe(
      `<xml><ToUserName><![CDATA[${WECOM_DEMO_CREDENTIALS.corpId}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName>` +
        `<CreateTime>${xmlField(xml, "CreateTime")}</CreateTime><MsgType><![CDATA[event]]></MsgType>` +
        "<Event><![CDATA[change_contact]]></Event><ChangeType><![CDATA[create_user]]></ChangeType>" +
        `<UserID><![CDATA[${person.wecomUserId}]]></UserID><Department><![CDATA[${rd.wecomId}]]></Department></xml>`,
    );
    const byConnection = eventDeliveries().sort((a, b) => a.connection.localeCompare(b.connection));
    expect(byConnection.map((d) => [d.connection, d.type, d.attempt, d.status, d.ok])).toEqual([
      ["demo-dingtalk", "user_add_org", 1, 200, true],
      ["demo-dingtalk-legacy", "user_add_org", 1, 200, true],
      ["demo-feishu", "contact.user.created_v3", 1, 200, true],
      ["demo-wecom-contacts", "create_user", 1, 200, true],
    ]);
  });

  it("an update: old_object holds only the changed fields; WeCom minimal says UserID, full says what changed", async () => {
    // Prepare
    const title = sbx.current.org.personByKey.get("zhangsan")!.title;
    // Act
    sbx.current.org.updatePerson("zhangsan", { title: "CTO" });
    await sbx.current.callbacks.idle();
    sbx.current.callbacks.setKnobs({ wecomFields: "full" });
    sbx.current.org.updatePerson("zhangsan", { title: "CEO" });
    await sbx.current.callbacks.idle();
    // Assess
    expect(dingtalkEvents().map((e) => [e["EventType"], e["userId"]])).toEqual([
      ["user_modify_org", ["zhangsan"]],
      ["user_modify_org", ["zhangsan"]],
    ]);
    const [first, second] = feishuEvents();
    expect(first!["header"].event_type).toBe("contact.user.updated_v3");
    expect(first!["event"].object.job_title).toBe("CTO");
    expect(first!["event"].old_object).toEqual({ job_title: title });
    expect(second!["event"].old_object).toEqual({ job_title: "CTO" });
    const [minimal, full] = wecomEvents();
    expect(xmlField(minimal!, "ChangeType")).toBe("update_user");
    expect(xmlField(minimal!, "UserID")).toBe("zhangsan");
    expect(xmlField(minimal!, "Position")).toBeUndefined();
    expect(full).toContain("<UserID><![CDATA[zhangsan]]></UserID><Position><![CDATA[CEO]]></Position></xml>");
  });

  it("WeCom's legacy full mode: create_user with the member's attributes, create_party with Name and Order", async () => {
    // Prepare
    sbx.current.callbacks.setKnobs({ wecomFields: "full" });
    // Act
    sbx.current.org.addPerson({
      key: "push-full",
      name: "全员",
      title: "产品经理",
      mobile: { countryCode: "86", national: "13700001111" },
      extension: { 爱好: "旅游" },
      memberships: [member("product"), { deptKey: "design", order: 7, leader: false, primary: false }],
      managerKey: "zhangsan",
    });
    const d = sbx.current.org.addDepartment({
      key: "push-full-dept",
      name: "全量",
      parentKey: "product",
      order: 40,
    });
    await sbx.current.callbacks.idle();
    // Assess
    const [user, party] = wecomEvents();
    const { departmentByKey } = sbx.current.org;
    const [product, design] = [departmentByKey.get("product")!, departmentByKey.get("design")!];
    expect(user).toContain(
      "<UserID><![CDATA[push-full]]></UserID><Name><![CDATA[全员]]></Name>" +
        `<Department><![CDATA[${product.wecomId},${design.wecomId}]]></Department><MainDepartment>${product.wecomId}</MainDepartment>` +
        "<IsLeaderInDept><![CDATA[0,0]]></IsLeaderInDept><DirectLeader><![CDATA[zhangsan]]></DirectLeader>" +
        "<Position><![CDATA[产品经理]]></Position><Mobile>13700001111</Mobile><Gender>0</Gender><Status>1</Status>" +
        "<ExtAttr><Item><Name><![CDATA[爱好]]></Name><Type>0</Type><Text><Value><![CDATA[旅游]]></Value></Text></Item></ExtAttr></xml>",
    );
    expect(user).not.toContain("<Avatar>");
    expect(party).toContain(
      `<Id>${d.wecomId}</Id><Name><![CDATA[全量]]></Name><ParentId><![CDATA[${product.wecomId}]]></ParentId><Order>40</Order></xml>`,
    );
  });

  it("a renamed WeCom member: update_user with UserID (old) and NewUserID", async () => {
    sbx.current.org.addPerson({
      key: "push-rename",
      name: "Ren",
      userId: "ren.old",
      memberships: [member("sales")],
    });
    sbx.current.org.updatePerson("push-rename", { userId: "ren.new" });
    await sbx.current.callbacks.idle();
    const renamed = wecomEvents()[1]!;
    expect([
      xmlField(renamed, "ChangeType"),
      xmlField(renamed, "UserID"),
      xmlField(renamed, "NewUserID"),
    ]).toEqual(["update_user", "ren.old", "ren.new"]);
    expect(feishuEvents()[1]!["event"].old_object).toEqual({ user_id: "ren.old" });
  });

  it("a removal and a resignation: leave / deleted_v3 / delete_user, and status 5 in WeCom", async () => {
    // Prepare
    const gone = sbx.current.org.addPerson({
      key: "push-gone",
      name: "Gone",
      memberships: [member("design")],
    });
    sbx.current.org.addPerson({ key: "push-quits", name: "Quits", memberships: [member("design", 901)] });
    await sbx.current.callbacks.idle();
    receiver.requests.length = 0;
    sbx.current.callbacks.setKnobs({ wecomFields: "full" });
    // Act
    sbx.current.org.removePerson("push-gone");
    sbx.current.org.updatePerson("push-quits", { status: "resigned" });
    await sbx.current.callbacks.idle();
    // Assess
    expect(dingtalkEvents().map((e) => [e["EventType"], e["userId"]])).toEqual([
      ["user_leave_org", ["push-gone"]],
      ["user_leave_org", ["push-quits"]],
    ]);
    const design = sbx.current.org.departmentByKey.get("design")!;
    const [removed, resigned] = feishuEvents();
    expect(removed!["header"].event_type).toBe("contact.user.deleted_v3");
    expect(removed!["event"].old_object).toEqual({
      department_ids: [design.feishuOpenId],
      open_id: gone.feishuOpenId,
    });
    expect(resigned!["header"].event_type).toBe("contact.user.deleted_v3");
    expect(resigned!["event"].object.status.is_resigned).toBe(true);
    const [deleted, quit] = wecomEvents();
    expect(deleted).toContain(
      "<ChangeType><![CDATA[delete_user]]></ChangeType><UserID><![CDATA[push-gone]]></UserID></xml>",
    );
    expect([xmlField(quit!, "ChangeType"), xmlField(quit!, "Status")]).toEqual(["update_user", "5"]);
  });

  it("departments: create, rename, move, remove", async () => {
    // Act
    const d = sbx.current.org.addDepartment({ key: "push-dept", name: "推送组", parentKey: "rd" });
    sbx.current.org.updateDepartment("push-dept", { name: "推送组二" });
    sbx.current.org.updateDepartment("push-dept", { parentKey: "product" });
    sbx.current.org.removeDepartment("push-dept");
    await sbx.current.callbacks.idle();
    // Assess
    expect(dingtalkEvents().map((e) => [e["EventType"], e["deptId"]])).toEqual([
      ["org_dept_create", [d.dingtalkId]],
      ["org_dept_modify", [d.dingtalkId]],
      ["org_dept_modify", [d.dingtalkId]],
      ["org_dept_remove", [d.dingtalkId]],
    ]);
    const { departmentByKey } = sbx.current.org;
    const feishu = feishuEvents();
    expect(feishu.map((e) => e["header"].event_type)).toEqual([
      "contact.department.created_v3",
      "contact.department.updated_v3",
      "contact.department.updated_v3",
      "contact.department.deleted_v3",
    ]);
    expect(feishu[0]!["event"].object).toMatchObject({
      name: "推送组",
      department_id: d.feishuId,
      open_department_id: d.feishuOpenId,
      parent_department_id: departmentByKey.get("rd")!.feishuOpenId,
      status: { is_deleted: false },
    });
    expect(feishu[1]!["event"].old_object).toEqual({ name: "推送组" });
    expect(feishu[2]!["event"].old_object).toEqual({
      parent_department_id: departmentByKey.get("rd")!.feishuOpenId,
    });
    expect(feishu[3]!["event"]).toMatchObject({
      object: { status: { is_deleted: true } },
      old_object: { status: { is_deleted: false }, open_department_id: d.feishuOpenId },
    });
    // WeCom minimal: no update_party for a rename, one for the move
    const wecom = wecomEvents().map((x) => [
      xmlField(x, "ChangeType"),
      xmlField(x, "Id"),
      xmlField(x, "ParentId"),
    ]);
    expect(wecom).toEqual([
      ["create_party", String(d.wecomId), String(departmentByKey.get("rd")!.wecomId)],
      ["update_party", String(d.wecomId), String(departmentByKey.get("product")!.wecomId)],
      ["delete_party", String(d.wecomId), undefined],
    ]);
    expect(wecomEvents()[0]).not.toContain("<Name>");
  });

  it("nothing for people a directory does not hold", async () => {
    // Act: DingTalk-only seed person; someone only in the board (outside the Feishu app's scope); not in WeCom
    sbx.current.org.updatePerson("ea-test", { title: "Only DingTalk sees this" });
    sbx.current.org.addPerson({ key: "push-board", name: "Board", memberships: [member("board")] });
    sbx.current.org.addPerson({
      key: "push-nowecom",
      name: "No WeCom",
      memberships: [member("sales", 902)],
      in: { dingtalk: false, feishu: true, eiam: true, wecom: false },
    });
    await sbx.current.callbacks.idle();
    // Assess
    expect(dingtalkEvents().map((e) => e["userId"])).toEqual([["ea_test"], ["push-board"]]);
    expect(feishuEvents().map((e) => e["event"].object.user_id)).toEqual(["push-nowecom"]);
    expect(wecomEvents().map((x) => xmlField(x, "UserID"))).toEqual(["push-board"]);
  });

  it("a department leaving the Feishu app's scope: contact.scope.updated_v3", async () => {
    sbx.current.org.addDepartment({ key: "push-scope", name: "Scoped", parentKey: "sales" });
    sbx.current.org.addPerson({
      key: "push-scoped",
      name: "Scoped One",
      memberships: [member("push-scope")],
    });
    sbx.current.org.updateDepartment("push-scope", { inFeishuScope: false });
    await sbx.current.callbacks.idle();
    const scope = feishuEvents().at(-1)!;
    expect(scope["header"].event_type).toBe("contact.scope.updated_v3");
    expect(scope["event"].removed.departments[0].department_id).toBe(
      sbx.current.org.departmentByKey.get("push-scope")!.feishuId,
    );
    expect(scope["event"].removed.users.map((u: { user_id: string }) => u.user_id)).toEqual(["push-scoped"]);
  });

  it("the legacy DingTalk shape on request: PascalCase, string ids, no eventId", async () => {
    sbx.current.callbacks.setKnobs({ dingtalkShape: "legacy" });
    sbx.current.org.updatePerson("lisi", { title: "Legacy" });
    await sbx.current.callbacks.idle();
    expect(dingtalkEvents()).toEqual([
      {
        CorpId: DINGTALK_DEMO_CORP_ID,
        EventType: "user_modify_org",
        UserId: ["lisi"],
        OptStaffId: "zhangsan",
        TimeStamp: expect.stringMatching(/^\d{13}$/),
      },
    ]);
  });
});

describe("answers, deadlines and redeliveries", () => {
  it("Feishu re-pushes after failures on its schedule, with the same event_id", async () => {
    // Prepare: the first two answers fail
    sbx.current.callbacks.setKnobs({ retryScale: 0.001 });
    let failures = 2;
    const times: number[] = [];
    receiver.respond = (req) => {
      if (connectionOf(req) !== "demo-feishu") return correctly(req);
      times.push(performance.now());
      return failures-- > 0 ? { status: 500 } : correctly(req);
    };
    // Act
    sbx.current.org.updatePerson("zhangsan", { title: "retried" });
    await sbx.current.callbacks.idle();
    // Assess
    const ids = feishuEvents().map((e) => e["header"].event_id);
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(1);
    const feishu = eventDeliveries().filter((d) => d.provider === "feishu");
    expect(feishu.map((d) => [d.attempt, d.status, d.ok])).toEqual([
      [1, 500, false],
      [2, 500, false],
      [3, 200, true],
    ]);
    expect(new Set(feishu.map((d) => d.eventId))).toEqual(new Set(ids));
    // 15 s and 5 min, scaled by 0.001 (timers never fire early; allow the clock's millisecond)
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(14);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(299);
    // Each attempt is signed afresh
    const signatures = posts("demo-feishu").map((r) => r.headers["x-lark-signature"]);
    expect(new Set(signatures).size).toBe(3);
  });

  it("Feishu gives up after four re-pushes; WeCom after three; the events are listed as failed", async () => {
    // Prepare
    sbx.current.callbacks.setKnobs({ retryScale: 0.00001 });
    receiver.respond = (req) =>
      connectionOf(req)!.startsWith("demo-dingtalk") ? correctly(req) : { status: 503 };
    // Act
    sbx.current.org.updatePerson("zhangsan", { title: "never delivered" });
    await sbx.current.callbacks.idle();
    // Assess
    expect(posts("demo-feishu")).toHaveLength(5);
    expect(posts("demo-wecom-contacts")).toHaveLength(4);
    const createTimes = wecomEvents().map((x) => xmlField(x, "CreateTime"));
    expect(new Set(createTimes).size).toBe(1);
    expect(new Set(wecomEvents()).size).toBe(1);
    expect(sbx.current.callbacks.failed().map((e) => [e.connection, e.attempts])).toEqual([
      ["demo-feishu", 5],
      ["demo-wecom-contacts", 4],
    ]);
  });

  it("DingTalk: a plain `success` is a failed push; no re-push by default; listed as failed", async () => {
    // Prepare
    receiver.respond = (req) =>
      connectionOf(req) === "demo-dingtalk" ? { status: 200, body: "success" } : correctly(req);
    // Act
    sbx.current.org.updatePerson("zhangsan", { title: "plain success" });
    await sbx.current.callbacks.idle();
    // Assess
    const dingtalk = eventDeliveries().filter((d) => d.connection === "demo-dingtalk");
    expect(dingtalk).toEqual([
      expect.objectContaining({ attempt: 1, status: 200, ok: false, error: "the answer is not JSON" }),
    ]);
    expect(sbx.current.callbacks.failed()).toEqual([
      expect.objectContaining({ connection: "demo-dingtalk", type: "user_modify_org", attempts: 1 }),
    ]);
  });

  it("DingTalk: a success encrypted for another owner key or wrongly signed fails; a schedule knob adds re-pushes", async () => {
    // Prepare: wrong owner key first, then a bad signature, then right
    sbx.current.callbacks.setKnobs({ schedules: { dingtalk: [10, 10] }, retryScale: 1 });
    const answers = [
      dingTalkSuccess({ ...DT, receiveId: "dingsomeoneelse" }),
      dingTalkSuccess({ ...DT, token: "wrong-token" }),
      dingTalkSuccess(DT),
    ];
    receiver.respond = (req) =>
      connectionOf(req) === "demo-dingtalk" ? { status: 200, body: answers.shift()! } : correctly(req);
    // Act
    sbx.current.org.updatePerson("zhangsan", { title: "owner key" });
    await sbx.current.callbacks.idle();
    // Assess
    const dingtalk = eventDeliveries().filter((d) => d.connection === "demo-dingtalk");
    expect(dingtalk.map((d) => [d.attempt, d.ok, d.error])).toEqual([
      [1, false, "the answer is encrypted for another owner key"],
      [2, false, "the answer's msg_signature does not verify"],
      [3, true, undefined],
    ]);
    expect(new Set(dingtalkEvents().map((e) => e["eventId"])).size).toBe(1);
  });

  it("DingTalk: an answer after the deadline is a failure (1500 ms by default)", async () => {
    sbx.current.callbacks.setKnobs({ deadlines: { dingtalk: 100 } });
    receiver.respond = (req) =>
      connectionOf(req) === "demo-dingtalk" ? { ...correctly(req), delayMs: 300 } : correctly(req);
    sbx.current.org.updatePerson("zhangsan", { title: "too slow" });
    await sbx.current.callbacks.idle();
    const [late] = eventDeliveries().filter((d) => d.connection === "demo-dingtalk");
    expect(late).toMatchObject({ ok: false, status: null, error: "no answer within 100 ms" });
    expect(late!.ms).toBeLessThan(300);
  });

  it("a connection reset or a 4xx counts as a failure", async () => {
    sbx.current.callbacks.setKnobs({ schedules: { wecom: [], feishu: [] } });
    receiver.respond = (req) =>
      connectionOf(req) === "demo-wecom-contacts"
        ? { hangUp: true }
        : connectionOf(req) === "demo-feishu"
          ? { status: 400 }
          : correctly(req);
    sbx.current.org.updatePerson("zhangsan", { title: "hang up" });
    await sbx.current.callbacks.idle();
    const [feishu, wecom] = eventDeliveries()
      .filter((d) => d.provider !== "dingtalk" && d.attempt === 1)
      .sort((a, b) => a.provider.localeCompare(b.provider));
    expect(feishu).toMatchObject({ ok: false, status: 400 });
    expect(wecom).toMatchObject({ ok: false, status: null, error: expect.stringMatching(/^request failed/) });
  });

  it("duplicates: every delivered event once more, with the same id", async () => {
    sbx.current.callbacks.setKnobs({ duplicateRate: 1 });
    sbx.current.org.updatePerson("zhangsan", { title: "twice" });
    await sbx.current.callbacks.idle();
    const sorted = eventDeliveries().sort(
      (a, b) => a.connection.localeCompare(b.connection) || a.attempt - b.attempt,
    );
    expect(sorted.map((d) => [d.provider, d.attempt, d.duplicate, d.ok])).toEqual([
      ["dingtalk", 1, false, true],
      ["dingtalk", 2, true, true],
      ["dingtalk", 1, false, true],
      ["dingtalk", 2, true, true],
      ["feishu", 1, false, true],
      ["feishu", 2, true, true],
      ["wecom", 1, false, true],
      ["wecom", 2, true, true],
    ]);
    const [a, b] = dingtalkEvents();
    expect(a).toEqual(b);
    const [x, y] = feishuEvents();
    expect(x).toEqual(y);
  });

  it("tamper: a flipped signature byte, which a correct receiver refuses", async () => {
    sbx.current.callbacks.setKnobs({ tamper: 1, schedules: { feishu: [], wecom: [] } });
    sbx.current.org.updatePerson("zhangsan", { title: "tampered" });
    await sbx.current.callbacks.idle();
    const deliveries = eventDeliveries().sort((a, b) => a.connection.localeCompare(b.connection));
    expect(deliveries.map((d) => [d.provider, d.tampered, d.status, d.ok])).toEqual([
      ["dingtalk", true, 401, false],
      ["dingtalk", true, 401, false],
      ["feishu", true, 401, false],
      ["wecom", true, 401, false],
    ]);
    // Only the signature was touched: the payload still decrypts
    expect(() => openFeishu(posts("demo-feishu")[0]!, FS, { signed: false })).not.toThrow();
  });

  it("reset() stops pending re-pushes and clears the log; setTarget(null) stops pushing", async () => {
    // Prepare
    sbx.current.callbacks.setKnobs({ retryScale: 0.01 });
    receiver.respond = (req) => (connectionOf(req) === "demo-feishu" ? { status: 500 } : correctly(req));
    sbx.current.org.updatePerson("zhangsan", { title: "reset me" });
    while (posts("demo-feishu").length === 0) await new Promise((r) => setTimeout(r, 5));
    // Act
    sbx.current.reset();
    await sbx.current.callbacks.idle();
    await new Promise((r) => setTimeout(r, 300));
    // Assess: the +15 s (150 ms here) re-push never came
    expect(posts("demo-feishu")).toHaveLength(1);
    expect(sbx.current.callbacks.deliveries()).toEqual([]);
    expect(sbx.current.callbacks.knobs.retryScale).toBe(1);
    // And without a target, nothing is sent at all
    await sbx.current.callbacks.setTarget(null);
    sbx.current.org.updatePerson("zhangsan", { title: "no target" });
    await sbx.current.callbacks.idle();
    expect(posts("demo-feishu")).toHaveLength(1);
    expect(sbx.current.callbacks.events()).toEqual([]);
  });

  it("refuses knobs that make no sense", () => {
    expect(() => sbx.current.callbacks.setKnobs({ duplicateRate: 2 })).toThrow(/probability/);
    expect(() => sbx.current.callbacks.setKnobs({ retryScale: -1 })).toThrow(/retryScale/);
  });
});

describe("the Lark SDK's own HTTP adaptor as the receiver", () => {
  it("answers the challenge and dispatches the pushed event", async () => {
    // Prepare: node-sdk's adaptDefault + EventDispatcher, which verify on JSON.stringify(parsed body)
    const seen: unknown[] = [];
    const dispatcher = new EventDispatcher({ ...FS, loggerLevel: LoggerLevel.error }).register({
      "contact.user.updated_v3": async (data) => {
        seen.push(data);
        return "ok";
      },
    });
    const path = "/lark";
    const { createServer } = await import("node:http");
    const server = createServer(adaptDefault(path, dispatcher, { autoChallenge: true }));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    try {
      // Act
      const verified = await sbx.current.callbacks.setConnectionTarget(
        "demo-feishu",
        `http://127.0.0.1:${port}${path}`,
      );
      sbx.current.org.updatePerson("zhangsan", { city: "上海" });
      await sbx.current.callbacks.idle();
      // Assess
      expect(verified).toMatchObject({ ok: true });
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatchObject({ event_type: "contact.user.updated_v3", old_object: { city: "杭州" } });
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
