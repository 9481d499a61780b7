import { generateChallenge } from "@larksuiteoapi/node-sdk";
import * as wecom from "@wecom/crypto";
import { describe, expect, it } from "vitest";
import {
  CallbackVerificationError,
  type DirectoryChange,
  decrypt,
  larkDecrypt,
  larkEncrypt,
  parseDingTalkEvent,
  parseFeishuEvent,
  parseWeComEvent,
  readWeComEnvelope,
  verifyAndDecrypt,
} from "../../../packages/providers/src/callbacks/index.ts";

function caught(run: () => unknown): CallbackVerificationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CallbackVerificationError);
    return error as CallbackVerificationError;
  }
  throw new Error("expected a CallbackVerificationError");
}
const changesOf = (event: ReturnType<typeof parseDingTalkEvent>): DirectoryChange[] =>
  event.result === "changes" ? event.changes : [];

describe("DingTalk", () => {
  it("D1: check_url is a handshake", () => {
    // Prepare
    const plaintext = decrypt(
      "Yue0EfdN5900c1ce5cf6A152c63DDe1808a60c5ecd7",
      "0vJiX6vliEpwG3U45CtXqi+m8PXbQRARJ8p8BbDuD1EMTDf0jKpQ79QS93qEk7XHpP6u+oTTrd15NRPvNvmBKyDCYxxOK+HZeKju4yhELOFchzNukR+t8SB/qk4ROMu3",
      "ding6ccabc44d2c8d38b",
    );
    // Act / Assess
    expect(parseDingTalkEvent(plaintext)).toEqual({ result: "handshake", upstreamType: "check_url" });
  });

  it("legacy shape: one change per UserId, a stable derived event id, TimeStamp in ms", () => {
    // Prepare
    const plaintext =
      '{"CorpId":"dinge8a5xxxx","EventType":"user_add_org","UserId":["0119296xxx","0220"],"OptStaffId":"WB8351xx","TimeStamp":"1608017258073"}';
    // Act
    const event = parseDingTalkEvent(plaintext);
    // Assess
    expect(event.result === "changes" && event.eventId).toMatch(/^sha256:[0-9a-f]{32}$/);
    const eventId = event.result === "changes" ? event.eventId : "";
    expect(changesOf(event)).toEqual(
      ["0119296xxx", "0220"].map((id) => ({
        kind: "user",
        action: "created",
        id,
        occurredAt: "2020-12-15T07:27:38.073Z",
        upstream: { type: "user_add_org", eventId },
      })),
    );
    expect(parseDingTalkEvent(plaintext)).toEqual(event);
    expect(parseDingTalkEvent(plaintext.replace("073", "074"))).not.toMatchObject({ eventId });
  });

  it("current shape: lower-case keys, eventId, numeric DeptId, EventTime", () => {
    const plaintext =
      '{"EventType":"org_dept_create","EventTime":1663143335567,"CorpId":"ding9f50b15bxxxx16741","BizId":"1663**35567","eventId":"c7c7120f2c07419**ebdba0318c8","deptId":[432825033]}';
    expect(parseDingTalkEvent(plaintext)).toEqual({
      result: "changes",
      upstreamType: "org_dept_create",
      eventId: "c7c7120f2c07419**ebdba0318c8",
      changes: [
        {
          kind: "department",
          action: "created",
          id: "432825033",
          occurredAt: "2022-09-14T08:15:35.567Z",
          upstream: { type: "org_dept_create", eventId: "c7c7120f2c07419**ebdba0318c8" },
        },
      ],
    });
  });

  it.each([
    ["user_add_org", "user", "created"],
    ["user_modify_org", "user", "updated"],
    ["user_active_org", "user", "updated"],
    ["user_leave_org", "user", "deleted"],
    ["org_dept_create", "department", "created"],
    ["org_dept_modify", "department", "updated"],
    ["org_dept_remove", "department", "deleted"],
  ])("%s → %s %s", (type, kind, action) => {
    const plaintext = JSON.stringify({
      EventType: type,
      userId: ["u1"],
      DeptId: [7],
      timeStamp: 1685501863357,
    });
    expect(changesOf(parseDingTalkEvent(plaintext))).toMatchObject([
      { kind, action, id: kind === "user" ? "u1" : "7" },
    ]);
  });

  it.each(["label_user_change", "label_conf_add", "org_admin_add", "org_change"])(
    "acknowledges %s without changes",
    (type) => {
      const event = parseDingTalkEvent(JSON.stringify({ EventType: type, UserId: ["u1"], TimeStamp: "1" }));
      expect(event).toMatchObject({ result: "changes", upstreamType: type, changes: [] });
    },
  );

  it("uses the injected clock when the payload carries no time", () => {
    const now = () => new Date("2030-01-02T03:04:05.000Z");
    const event = parseDingTalkEvent('{"EventType":"user_leave_org","UserId":"solo"}', { now });
    expect(changesOf(event)).toMatchObject([
      { id: "solo", action: "deleted", occurredAt: "2030-01-02T03:04:05.000Z" },
    ]);
  });

  it.each([
    ["not JSON", "EventType=user_add_org"],
    ["no EventType", '{"UserId":["u1"]}'],
    ["a user event without ids", '{"EventType":"user_add_org","UserId":[],"TimeStamp":"1"}'],
    [
      "a department event with only user ids",
      '{"EventType":"org_dept_remove","UserId":["u1"],"TimeStamp":"1"}',
    ],
    ["an object as id", '{"EventType":"user_add_org","UserId":[{"id":1}],"TimeStamp":"1"}'],
    ["a time that is not a number", '{"EventType":"user_add_org","UserId":["u"],"TimeStamp":"yesterday"}'],
  ])("refuses %s as malformed", (_, plaintext) => {
    expect(caught(() => parseDingTalkEvent(plaintext)).reason).toBe("malformed");
  });
});

const F3 = {
  key: "1212121212",
  encrypt:
    "bZ3L7yh6m3Fkuffl4g+3uGjIHnhOm5fVZbKVuyT8t7tcd5ABMYm8l28/X900ZL3knZ7n+sCREu/H2WnIzft0amC7+xWqNH8o25IU63N4BnZWfHh+4hyG76QPd19vkw2bPJCx9aqxK8Nz+xqFNbk0RdgyWhmgd30jSxHtcQXAllkI7FMpGpOCteJad3bLXPDBQIV/xkCtKICCS7Z63gakpxZCLaRZ3qCXP1fapHh+LBIupxenrU6ysc7I3nHmjmKie41IiWwS5puG4zQHhVbq6KWLcgWm/3NBZOPQy53ucMu75SXA55I7jarVLZXWUcqBGrcgE3vouWbtwgZuzmoTQl0GSh5VYSVvpW992BuGxUWj0XjPYdICJm6Cr7xouNXwMcdb7N8caVdkdSZeEnswG19qSyDoQhklwzNGW0yiaayulBqJNjfge/G5V3401c2XaIuAeEIo+QQ4RSNpRGfnHkbu/j55FGQAGWjpuBNaIwZbaUoVP3NkGP+vM5rpEDe3sL2GN+Xsd+g9yBs7FqdMV8mXTGgLjCqjrPrke5/km76Q3Pe6KPs2YexMRG4MkSx3xUTzZnNn7zIzShPcjeSwBd2pxk6ht5N+fzueZdxl6Oo=",
};
const feishuEvent = (type: string, event: Record<string, unknown>, createTime = "1603977298000") =>
  JSON.stringify({
    schema: "2.0",
    header: {
      event_id: "evt-1",
      event_type: type,
      create_time: createTime,
      token: "vtoken",
      app_id: "cli_x",
    },
    event,
  });

describe("Feishu", () => {
  it("F2: url_verification is a handshake exposing challenge and token", () => {
    const plaintext = larkDecrypt(
      "mazhe.nerd",
      "tT1xP+ovuc0T3b/rnZX3ax76exqAn0ANQ6/U45GcciC0mgNBc8JtvqOJGNAPMKpgRs2dVU1NYk9VDeqS8T4SYtU0hzNU54aS84WnxvZ3VFfDcy/RyABlNqlUiGyLDzFI0yxdCMT4KR/YEQXlt6nZi50KwRlZ+A75r645KesZuLMljezYyY8VeeXEVjPw35+e",
    );
    expect(parseFeishuEvent(plaintext)).toEqual({
      result: "handshake",
      upstreamType: "url_verification",
      challenge: "5634b122-c042-4634-bc7f-b07a3c3e77ad",
      token: "iRdCP2WwXNBXRM3mGLqhrgch3cn0gbT6",
    });
  });

  it("F3: contact.user.created_v3 → user created; a 16-digit create_time read as microseconds", () => {
    // F3 also carries `"type":"url_verification","challenge":"1212"` (a test artefact). node-sdk (and
    // oapi-sdk-go) would answer it as a challenge, unsigned; here the v2 envelope wins.
    expect(generateChallenge({ encrypt: F3.encrypt }, { encryptKey: F3.key }).isChallenge).toBe(true);
    expect(parseFeishuEvent(larkDecrypt(F3.key, F3.encrypt))).toEqual({
      result: "changes",
      upstreamType: "contact.user.created_v3",
      eventId: "f7984f25108f8137722bb63cee927e66",
      token: "v",
      changes: [
        {
          kind: "user",
          action: "created",
          id: "e33ggbyz",
          occurredAt: "2020-10-29T13:14:58.000Z",
          upstream: { type: "contact.user.created_v3", eventId: "f7984f25108f8137722bb63cee927e66" },
        },
      ],
    });
  });

  it.each([
    ["contact.user.updated_v3", "user", "updated", { object: { user_id: "u1", open_id: "ou_1" } }, "u1", {}],
    [
      "contact.user.deleted_v3",
      "user",
      "deleted",
      { object: { open_id: "ou_1" }, old_object: { open_id: "ou_1" } },
      "ou_1",
      { idType: "openId" },
    ],
    ["contact.department.created_v3", "department", "created", { object: { department_id: "d1" } }, "d1", {}],
    [
      "contact.department.updated_v3",
      "department",
      "updated",
      { object: { open_department_id: "od-1" } },
      "od-1",
      { idType: "openDepartmentId" },
    ],
    [
      "contact.department.deleted_v3",
      "department",
      "deleted",
      { object: { department_id: "d1", open_department_id: "od-1" } },
      "d1",
      {},
    ],
  ])(
    "%s → %s %s %s (user_id / department_id first, open ids as fallback, and then named)",
    (type, kind, action, event, id, idType) => {
      const parsed = parseFeishuEvent(feishuEvent(type, event));
      expect(changesOf(parsed)).toEqual([
        {
          kind,
          action,
          id,
          ...idType,
          occurredAt: "2020-10-29T13:14:58.000Z",
          upstream: { type, eventId: "evt-1" },
        },
      ]);
      expect(parsed).toMatchObject({ token: "vtoken" });
    },
  );

  it("an updated user whose user_id changed is a rename: id is the old one, newId the new", () => {
    const event = { object: { user_id: "new1", open_id: "ou_1" }, old_object: { user_id: "old1" } };
    expect(changesOf(parseFeishuEvent(feishuEvent("contact.user.updated_v3", event)))).toMatchObject([
      { id: "old1", newId: "new1", action: "updated" },
    ]);
  });

  it("acknowledges contact.scope.updated_v3 and v1 events without changes", () => {
    expect(parseFeishuEvent(feishuEvent("contact.scope.updated_v3", { added: {} }))).toMatchObject({
      result: "changes",
      upstreamType: "contact.scope.updated_v3",
      eventId: "evt-1",
      changes: [],
    });
    const v1 = JSON.stringify({
      uuid: "u-1",
      token: "t",
      type: "event_callback",
      event: { type: "app_open" },
    });
    expect(parseFeishuEvent(v1)).toEqual({
      result: "changes",
      upstreamType: "app_open",
      eventId: "u-1",
      token: "t",
      changes: [],
    });
  });

  it("reads an event that went through our own encrypt (emulator path)", () => {
    const sealed = larkEncrypt("ek", feishuEvent("contact.user.deleted_v3", { object: { user_id: "gone" } }));
    expect(changesOf(parseFeishuEvent(larkDecrypt("ek", sealed)))).toMatchObject([
      { id: "gone", action: "deleted" },
    ]);
  });

  it.each([
    ["not JSON", "{"],
    ["JSON null", "null"],
    [
      "a v2 event without event_id",
      feishuEvent("contact.user.created_v3", {}).replace('"event_id":"evt-1",', ""),
    ],
    ["a user event without any id", feishuEvent("contact.user.created_v3", { object: { name: "x" } })],
    ["a challenge without challenge", '{"type":"url_verification","token":"t"}'],
    ["an unknown shape", '{"hello":"world"}'],
  ])("refuses %s as malformed", (_, plaintext) => {
    expect(caught(() => parseFeishuEvent(plaintext)).reason).toBe("malformed");
  });
});

const changeXml = (fields: string, createTime = "1403610513") =>
  `<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>${createTime}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_contact]]></Event>${fields}</xml>`;

describe("WeCom", () => {
  it("create_user (documented payload) → user created, CreateTime in seconds, id hashed from the triple", () => {
    const event = parseWeComEvent(
      changeXml(
        "<ChangeType>create_user</ChangeType><UserID><![CDATA[zhangsan]]></UserID><Name><![CDATA[张三]]></Name>",
      ),
    );
    expect(event).toMatchObject({ result: "changes", upstreamType: "create_user" });
    expect(changesOf(event)).toMatchObject([
      { kind: "user", action: "created", id: "zhangsan", occurredAt: "2014-06-24T11:48:33.000Z" },
    ]);
    expect(changesOf(event)[0]?.newId).toBeUndefined();
  });

  it("the event id is stable across retries and ignores attributes outside (ChangeType, id, CreateTime)", () => {
    const id = (xml: string) => (parseWeComEvent(xml) as { eventId: string }).eventId;
    const base = id(changeXml("<ChangeType>update_user</ChangeType><UserID>zs</UserID><Name>A</Name>"));
    expect(base).toMatch(/^sha256:[0-9a-f]{32}$/);
    expect(id(changeXml("<ChangeType>update_user</ChangeType><UserID>zs</UserID><Name>B</Name>"))).toBe(base);
    expect(id(changeXml("<ChangeType>update_user</ChangeType><UserID>zs</UserID>", "1403610514"))).not.toBe(
      base,
    );
    expect(id(changeXml("<ChangeType>delete_user</ChangeType><UserID>zs</UserID>"))).not.toBe(base);
    expect(id(changeXml("<ChangeType>update_user</ChangeType><UserID>zt</UserID>"))).not.toBe(base);
  });

  it("update_user with NewUserID is a rename", () => {
    const xml = changeXml(
      "<ChangeType>update_user</ChangeType><UserID>old</UserID><NewUserID>new</NewUserID>",
    );
    expect(changesOf(parseWeComEvent(xml))).toMatchObject([{ id: "old", newId: "new", action: "updated" }]);
  });

  it.each([
    ["delete_user", "<UserID>zs</UserID>", "user", "deleted", "zs"],
    ["create_party", "<Id>2</Id><ParentId>1</ParentId>", "department", "created", "2"],
    ["update_party", "<Id>2</Id><ParentId>3</ParentId>", "department", "updated", "2"],
    ["delete_party", "<Id>2</Id>", "department", "deleted", "2"],
  ])("%s → %s", (type, fields, kind, action, id) => {
    const event = parseWeComEvent(changeXml(`<ChangeType>${type}</ChangeType>${fields}`));
    expect(changesOf(event)).toMatchObject([{ kind, action, id, upstream: { type } }]);
  });

  it("acknowledges update_tag and non-contact messages (W2's text) without changes", () => {
    const tag = changeXml(
      "<ChangeType>update_tag</ChangeType><TagId>1</TagId><AddUserItems>a,b</AddUserItems>",
    );
    expect(parseWeComEvent(tag)).toMatchObject({ upstreamType: "update_tag", changes: [] });
    const w2 =
      "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n<FromUserName><![CDATA[mycreate]]></FromUserName>\n<CreateTime>1409659813</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[hello]]></Content>\n<MsgId>4561255354251345929</MsgId>\n<AgentID>218</AgentID>\n</xml>";
    expect(parseWeComEvent(w2)).toMatchObject({ result: "changes", upstreamType: "text", changes: [] });
  });

  it("reads JSON-mode messages (W3) and JSON change_contact with numeric fields", () => {
    const w3 =
      '{"ToUserName":"wx5823bf96d3bd56c7","FromUserName":"mycreate","CreateTime": 1409659813,"MsgType":"text","Content":"hello","MsgId":4561255354251345929,"AgentID": 218}';
    expect(parseWeComEvent(w3)).toMatchObject({ upstreamType: "text", changes: [] });
    const json = '{"Event":"change_contact","ChangeType":"delete_party","Id":5,"CreateTime":1409659813}';
    expect(changesOf(parseWeComEvent(json))).toMatchObject([
      { kind: "department", action: "deleted", id: "5" },
    ]);
  });

  it("end to end: an emulated POST encrypted by @wecom/crypto, through envelope, signature and decrypt", () => {
    // Prepare
    const config = {
      token: "QDG6eK",
      encodingAesKey: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
      receiveId: "ww1",
    };
    const sealed = wecom.encrypt(
      config.encodingAesKey,
      changeXml("<ChangeType>delete_user</ChangeType><UserID>lisi</UserID>"),
      "ww1",
    );
    const signature = wecom.getSignature(config.token, "1409659813", "42", sealed);
    const body = `<xml><ToUserName><![CDATA[ww1]]></ToUserName><Encrypt><![CDATA[${sealed}]]></Encrypt><AgentID><![CDATA[]]></AgentID></xml>`;
    // Act
    const { encrypt } = readWeComEnvelope(body);
    const plaintext = verifyAndDecrypt(config, { signature, timestamp: "1409659813", nonce: "42", encrypt });
    // Assess
    expect(changesOf(parseWeComEvent(plaintext))).toMatchObject([
      { kind: "user", action: "deleted", id: "lisi" },
    ]);
  });

  it.each([
    [
      "a user change without UserID",
      changeXml("<ChangeType>create_user</ChangeType><Name>x</Name>"),
      "malformed",
    ],
    ["a party change without Id", changeXml("<ChangeType>delete_party</ChangeType>"), "malformed"],
    [
      "a change without CreateTime",
      changeXml("<ChangeType>delete_user</ChangeType><UserID>x</UserID>", ""),
      "malformed",
    ],
    ["broken JSON", '{"Event":', "malformed"],
    [
      "a DOCTYPE",
      `<!DOCTYPE x [<!ENTITY e "y">]>${changeXml("<ChangeType>delete_user</ChangeType><UserID>&e;</UserID>")}`,
      "forbidden-markup",
    ],
  ])("refuses %s", (_, plaintext, reason) => {
    expect(caught(() => parseWeComEvent(plaintext)).reason).toBe(reason);
  });
});
