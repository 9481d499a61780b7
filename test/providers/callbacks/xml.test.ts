import { describe, expect, it } from "vitest";
import {
  CallbackVerificationError,
  MAX_CALLBACK_XML_BYTES,
  parseCallbackXml,
  readWeComEnvelope,
  verifyAndDecrypt,
} from "../../../packages/providers/src/callbacks/index.ts";

const W = {
  token: "QDG6eK",
  encodingAesKey: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
  receiveId: "wx5823bf96d3bd56c7",
};
const W2_ENCRYPT =
  "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==";
const W2_ENVELOPE = `<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><Encrypt><![CDATA[${W2_ENCRYPT}]]></Encrypt><AgentID><![CDATA[218]]></AgentID></xml>`;

/** PROTOCOLS §7.3.3, the documented legacy full-attribute create_user. */
const CREATE_USER_XML = `<xml>
  <ToUserName><![CDATA[toUser]]></ToUserName>
  <FromUserName><![CDATA[sys]]></FromUserName>
  <CreateTime>1403610513</CreateTime>
  <MsgType><![CDATA[event]]></MsgType>
  <Event><![CDATA[change_contact]]></Event>
  <ChangeType>create_user</ChangeType>
  <UserID><![CDATA[zhangsan]]></UserID>
  <Name><![CDATA[张三]]></Name>
  <Department><![CDATA[1,2,3]]></Department>
  <MainDepartment>1</MainDepartment>
  <Mobile>13800000000</Mobile>
  <Gender>1</Gender>
  <ExtAttr><Item><Name><![CDATA[爱好]]></Name><Type>0</Type><Text><Value><![CDATA[旅游]]></Value></Text></Item><Item><Name><![CDATA[卡号]]></Name><Type>0</Type><Text><Value><![CDATA[1234567234]]></Value></Text></Item></ExtAttr>
</xml>`;

function caught(run: () => unknown): CallbackVerificationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CallbackVerificationError);
    return error as CallbackVerificationError;
  }
  throw new Error("expected a CallbackVerificationError");
}

describe("readWeComEnvelope", () => {
  it("W2: reads the envelope; its Encrypt text is what the signature covers", () => {
    // Act
    const envelope = readWeComEnvelope(W2_ENVELOPE);
    const message = verifyAndDecrypt(W, {
      signature: "477715d11cdb4164915debcba66cb864d751f3e6",
      timestamp: "1409659813",
      nonce: "1372623149",
      encrypt: envelope.encrypt,
    });
    // Assess
    expect(envelope).toEqual({ toUserName: "wx5823bf96d3bd56c7", encrypt: W2_ENCRYPT, agentId: "218" });
    expect(parseCallbackXml(message)).toMatchObject({ Content: "hello", MsgType: "text" });
  });

  it("accepts an envelope without AgentID, as bytes", () => {
    const xml = Buffer.from(`<xml><ToUserName>corp</ToUserName><Encrypt>abcd</Encrypt></xml>`);
    expect(readWeComEnvelope(xml)).toEqual({ toUserName: "corp", encrypt: "abcd" });
  });

  it("refuses an envelope without Encrypt", () => {
    expect(caught(() => readWeComEnvelope("<xml><ToUserName>corp</ToUserName></xml>")).reason).toBe(
      "malformed",
    );
    expect(
      caught(() => readWeComEnvelope("<xml><ToUserName>c</ToUserName><Encrypt></Encrypt></xml>")).reason,
    ).toBe("malformed");
  });
});

describe("parseCallbackXml: values", () => {
  it("keeps every value a string: long ids keep their digits, leading zeros stay", () => {
    const xml =
      "<xml><MsgId>4561255354251345929</MsgId><CreateTime>1409659813</CreateTime><Id>007</Id></xml>";
    expect(parseCallbackXml(xml)).toEqual({
      MsgId: "4561255354251345929",
      CreateTime: "1409659813",
      Id: "007",
    });
  });

  it("reads CDATA, nesting and repeated elements of the documented change_contact", () => {
    const root = parseCallbackXml(CREATE_USER_XML);
    expect(root).toMatchObject({ ChangeType: "create_user", UserID: "zhangsan", Name: "张三", Gender: "1" });
    expect(root.ExtAttr).toEqual({
      Item: [
        { Name: "爱好", Type: "0", Text: { Value: "旅游" } },
        { Name: "卡号", Type: "0", Text: { Value: "1234567234" } },
      ],
    });
  });

  it("leaves entity references as literal text", () => {
    expect(parseCallbackXml("<xml><Name>A &amp; B &#x41;</Name></xml>")).toEqual({
      Name: "A &amp; B &#x41;",
    });
  });

  it("accepts a CDATA text that merely looks like a declaration", () => {
    expect(parseCallbackXml("<xml><Name><![CDATA[<!DOCTYPE x>]]></Name></xml>")).toEqual({
      Name: "<!DOCTYPE x>",
    });
  });

  it("ignores an XML declaration and comments", () => {
    const xml = '<?xml version="1.0" encoding="UTF-8"?><!-- note --><xml><A>1</A></xml>';
    expect(parseCallbackXml(xml)).toEqual({ A: "1" });
  });
});

describe("parseCallbackXml: refusals", () => {
  it.each([
    [
      "XXE",
      '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><A>&xxe;</A></xml>',
    ],
    [
      "billion laughs",
      '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><xml><A>&lol2;</A></xml>',
    ],
    ["lower-case doctype", "<!doctype xml><xml><A>1</A></xml>"],
    ["a bare ENTITY", '<xml><!ENTITY e "x"><A>&e;</A></xml>'],
    ["an ELEMENT declaration", "<!ELEMENT xml ANY><xml><A>1</A></xml>"],
    [
      "a DOCTYPE hidden behind a fake CDATA in an attribute",
      '<xml><a b="<![CDATA[">x</a><!DOCTYPE x>]]></xml>',
    ],
  ])("refuses %s before parsing", (_, xml) => {
    expect(caught(() => parseCallbackXml(xml)).reason).toBe("forbidden-markup");
  });

  it("accepts exactly 64 KB and refuses one byte more, counting bytes not characters", () => {
    // Prepare
    const shell = "<xml><A></A></xml>";
    const fill = (bytes: number) => `<xml><A>${"x".repeat(bytes - shell.length)}</A></xml>`;
    const cjk = `<xml><A>${"中".repeat(Math.ceil(MAX_CALLBACK_XML_BYTES / 3))}</A></xml>`;
    // Act / Assess
    expect(MAX_CALLBACK_XML_BYTES).toBe(65_536);
    expect(parseCallbackXml(fill(MAX_CALLBACK_XML_BYTES)).A).toHaveLength(
      MAX_CALLBACK_XML_BYTES - shell.length,
    );
    expect(caught(() => parseCallbackXml(fill(MAX_CALLBACK_XML_BYTES + 1))).reason).toBe("too-large");
    expect(cjk.length).toBeLessThan(MAX_CALLBACK_XML_BYTES);
    expect(caught(() => parseCallbackXml(cjk)).reason).toBe("too-large");
    expect(caught(() => parseCallbackXml(Buffer.from(fill(MAX_CALLBACK_XML_BYTES + 1)))).reason).toBe(
      "too-large",
    );
  });

  it.each([
    ["mismatched tags", "<xml><A>1</B></xml>"],
    ["two roots", "<xml><A>1</A></xml><xml><A>2</A></xml>"],
    ["another root", "<root><A>1</A></root>"],
    ["a root with text only", "<xml>text</xml>"],
    ["plain text", "not xml"],
    ["an unterminated CDATA", "<xml><A><![CDATA[x</A></xml>"],
    ["an unterminated tag", '<xml><A b="1'],
    ["a __proto__ element", "<xml><__proto__><A>1</A></__proto__></xml>"],
  ])("refuses %s as malformed", (_, xml) => {
    expect(caught(() => parseCallbackXml(xml)).reason).toBe("malformed");
  });
});
