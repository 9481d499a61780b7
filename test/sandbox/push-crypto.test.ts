import { AESCipher, EventDispatcher, LoggerLevel } from "@larksuiteoapi/node-sdk";
import * as wecom from "@wecom/crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  larkEncrypt,
  larkSignature,
  tamperHex,
  wxDecrypt,
  wxEncrypt,
  wxSignature,
} from "../../packages/sandbox/src/push/crypto.ts";
import { createDingTalkChannel } from "../../packages/sandbox/src/push/dingtalk.ts";

// PROTOCOLS §7.5: the published vectors. The sandbox's signing and encryption must reproduce them
// byte for byte, given the vector's own random bytes (read back with an independent decryptor).
const W = {
  token: "QDG6eK",
  key: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
  receiveId: "wx5823bf96d3bd56c7",
};
const W1 = {
  signature: "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3",
  timestamp: "1409659589",
  nonce: "263014780",
  echostr: "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==",
  plain: "1616140317555161061",
};
const W2 = {
  signature: "477715d11cdb4164915debcba66cb864d751f3e6",
  timestamp: "1409659813",
  nonce: "1372623149",
  encrypt:
    "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==",
  plain:
    "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n<FromUserName><![CDATA[mycreate]]></FromUserName>\n<CreateTime>1409659813</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[hello]]></Content>\n<MsgId>4561255354251345929</MsgId>\n<AgentID>218</AgentID>\n</xml>",
};
const W3 = {
  signature: "0623cbc5a8cbee5bcc137c70de99575366fc2af3",
  encrypt:
    "CZWs4CWRpI4VolQlvn4dlEC1alN2MUEY2VklGehgBVLBrlVF7SyT+SV+Toj43l4ayJ9UMGKphktKKmP7B2j/P1ey67XB8PBgS7Wr5/8+w/yWriZv3Vmoo/MH3/1HsIWZrPQ3N2mJrelStIfI2Y8kLKXA7EhfZgZX4o+ffdkZDM76SEl79Ib9mw7TGjZ9Aw/x/A2VjNbV1E8BtEbRxYYcQippYNw7hr8sFfa3nW1xLdxokt8QkRX83vK3DFP2F6TQFPL2Tu98UwhcUpPvdJBuu1/yiOQIScppV3eOuLWEsko=",
  plain:
    '{"ToUserName":"wx5823bf96d3bd56c7","FromUserName":"mycreate","CreateTime": 1409659813,"MsgType":"text","Content":"hello","MsgId":4561255354251345929,"AgentID": 218}',
};
const D1 = {
  token: "mryue",
  key: "Yue0EfdN5900c1ce5cf6A152c63DDe1808a60c5ecd7",
  ownerKey: "ding6ccabc44d2c8d38b",
  signature: "03044561471240d4a14bb09372dfcfd4fd0e40cb",
  timestamp: "1608001896814",
  nonce: "WL4PK6yA",
  encrypt:
    "0vJiX6vliEpwG3U45CtXqi+m8PXbQRARJ8p8BbDuD1EMTDf0jKpQ79QS93qEk7XHpP6u+oTTrd15NRPvNvmBKyDCYxxOK+HZeKju4yhELOFchzNukR+t8SB/qk4ROMu3",
  plain: '{"EventType":"check_url"}',
};
const D2 = {
  token: "tokenxxxx",
  key: "o1w0aum42yaptlz8alnhwikjd3jenzt9cb9wmzptgus",
  ownerKey: "dingxxxxxx",
  signature: "f36f4ba5337d426c7d4bca0dbcb06b3ddc1388fc",
  timestamp: "1605695694141",
  nonce: "WelUQl6bCqcBa2fM",
  encrypt: "X1VSe9cTJUMZu60d3kyLYTrBq5578ZRJtteU94wG0Q4Uk6E/wQYeJRIC0/UFW5Wkya1Ihz9oXAdLlyC9TRaqsQ==",
};
const F1 = { key: "test key", encrypt: "P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=", plain: "hello world" };
const F2 = {
  key: "mazhe.nerd",
  encrypt:
    "tT1xP+ovuc0T3b/rnZX3ax76exqAn0ANQ6/U45GcciC0mgNBc8JtvqOJGNAPMKpgRs2dVU1NYk9VDeqS8T4SYtU0hzNU54aS84WnxvZ3VFfDcy/RyABlNqlUiGyLDzFI0yxdCMT4KR/YEQXlt6nZi50KwRlZ+A75r645KesZuLMljezYyY8VeeXEVjPw35+e",
  plain:
    '{"challenge":"5634b122-c042-4634-bc7f-b07a3c3e77ad","token":"iRdCP2WwXNBXRM3mGLqhrgch3cn0gbT6","type":"url_verification"}',
};
const F3 = {
  key: "1212121212",
  encrypt:
    "bZ3L7yh6m3Fkuffl4g+3uGjIHnhOm5fVZbKVuyT8t7tcd5ABMYm8l28/X900ZL3knZ7n+sCREu/H2WnIzft0amC7+xWqNH8o25IU63N4BnZWfHh+4hyG76QPd19vkw2bPJCx9aqxK8Nz+xqFNbk0RdgyWhmgd30jSxHtcQXAllkI7FMpGpOCteJad3bLXPDBQIV/xkCtKICCS7Z63gakpxZCLaRZ3qCXP1fapHh+LBIupxenrU6ysc7I3nHmjmKie41IiWwS5puG4zQHhVbq6KWLcgWm/3NBZOPQy53ucMu75SXA55I7jarVLZXWUcqBGrcgE3vouWbtwgZuzmoTQl0GSh5VYSVvpW992BuGxUWj0XjPYdICJm6Cr7xouNXwMcdb7N8caVdkdSZeEnswG19qSyDoQhklwzNGW0yiaayulBqJNjfge/G5V3401c2XaIuAeEIo+QQ4RSNpRGfnHkbu/j55FGQAGWjpuBNaIwZbaUoVP3NkGP+vM5rpEDe3sL2GN+Xsd+g9yBs7FqdMV8mXTGgLjCqjrPrke5/km76Q3Pe6KPs2YexMRG4MkSx3xUTzZnNn7zIzShPcjeSwBd2pxk6ht5N+fzueZdxl6Oo=",
};

/** The 16 random bytes at the front of a WXBizMsgCrypt plaintext, read by @wecom/crypto. */
const wxRandom = (key: string, encrypt: string) => wecom.decrypt(key, encrypt).random;
/** Feishu's IV is the first 16 bytes of the payload. */
const larkIv = (encrypt: string) => Buffer.from(encrypt, "base64").subarray(0, 16);

describe("WXBizMsgCrypt (WeCom, DingTalk): the official vectors", () => {
  it("W1: re-encrypting the echostr's plaintext with its random reproduces it, and its signature", () => {
    // Act
    const sealed = wxEncrypt(W.key, W1.plain, W.receiveId, wxRandom(W.key, W1.echostr));
    // Assess
    expect(sealed).toBe(W1.echostr);
    expect(wxSignature(W.token, W1.timestamp, W1.nonce, sealed)).toBe(W1.signature);
  });

  it("W2: the XML message, multi-line, re-encrypts and signs to the vector", () => {
    const sealed = wxEncrypt(W.key, W2.plain, W.receiveId, wxRandom(W.key, W2.encrypt));
    expect(sealed).toBe(W2.encrypt);
    expect(wxSignature(W.token, W2.timestamp, W2.nonce, sealed)).toBe(W2.signature);
  });

  it("W3: the JSON-mode message re-encrypts and signs to the vector", () => {
    const sealed = wxEncrypt(W.key, W3.plain, W.receiveId, wxRandom(W.key, W3.encrypt));
    expect(sealed).toBe(W3.encrypt);
    expect(wxSignature(W.token, W2.timestamp, W2.nonce, sealed)).toBe(W3.signature);
  });

  it("D1: DingTalk's check_url push, with the owner key as receive id", () => {
    const sealed = wxEncrypt(D1.key, D1.plain, D1.ownerKey, wxRandom(D1.key, D1.encrypt));
    expect(sealed).toBe(D1.encrypt);
    expect(wxSignature(D1.token, D1.timestamp, D1.nonce, sealed)).toBe(D1.signature);
  });

  it("D2: the sandbox's own decryptor reads the published `success` reply", () => {
    expect(wxSignature(D2.token, D2.timestamp, D2.nonce, D2.encrypt)).toBe(D2.signature);
    expect(wxDecrypt(D2.key, D2.encrypt)).toMatchObject({ message: "success", receiveId: D2.ownerKey });
  });

  it("signs over a byte-order sort (upper case before lower case)", () => {
    // "B" (0x42) sorts before "a" (0x61) by bytes; a locale-aware sort would put "a" first.
    expect(wxSignature("a", "B", "c", "D")).toBe(wecom.getSignature("a", "B", "c", "D"));
    expect(wxSignature("a", "B", "c", "D")).toBe("46de368149f6a62e2fc5c21d9f455099c9ec62ce");
  });
});

describe("WXBizMsgCrypt: against @wecom/crypto on arbitrary input", () => {
  it("the same random gives the same ciphertext, each side reads the other's", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "binary" }),
        fc.string({ unit: "binary", minLength: 1, maxLength: 40 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        (message, receiveId, random) => {
          const ours = wxEncrypt(W.key, message, receiveId, random);
          expect(ours).toBe(wecom.encrypt(W.key, message, receiveId, Buffer.from(random)));
          expect(wecom.decrypt(W.key, ours)).toMatchObject({ message, id: receiveId });
          expect(wxDecrypt(W.key, ours)).toMatchObject({ message, receiveId });
        },
      ),
      { numRuns: 50 },
    );
  });

  it("pads to 32 bytes (a whole extra block when aligned) and counts UTF-8 bytes", () => {
    // 16 + 4 + 26 + 18 = 64: the 32-byte scheme adds a full 32-byte block.
    expect(Buffer.from(wxEncrypt(W.key, "a".repeat(26), W.receiveId), "base64")).toHaveLength(96);
    // Pad 21 > 16: a 16-byte unpadder would fail; @wecom/crypto reads it.
    expect(wecom.decrypt(W.key, wxEncrypt(W.key, "12345", W.receiveId)).message).toBe("12345");
    expect(wecom.decrypt(W.key, wxEncrypt(W.key, "张三😀", W.receiveId)).message).toBe("张三😀");
  });

  it("sends the SDKs' kind of random prefix (16 letters and digits) and single-line base64", () => {
    const sealed = wxEncrypt(W.key, "x".repeat(200), W.receiveId);
    expect(wecom.decrypt(W.key, sealed).random.toString("latin1")).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(sealed).toMatch(/^[A-Za-z0-9+/]+=*$/);
  });

  it("refuses a key that is not 43 letters or digits", () => {
    expect(() => wxEncrypt(W.key.slice(1), "m", W.receiveId)).toThrow(/43/);
  });
});

describe("DingTalk's check of the receiver's answer", () => {
  const channel = createDingTalkChannel({
    connection: "c",
    appKey: D2.ownerKey,
    corpId: "ding0",
    token: D2.token,
    aesKey: D2.key,
  });
  const reply = (fields: Record<string, string>) => ({ status: 200, body: JSON.stringify(fields) });
  const d2 = { msg_signature: D2.signature, timeStamp: D2.timestamp, nonce: D2.nonce, encrypt: D2.encrypt };

  it("accepts the published `success` reply (D2)", () => {
    expect(channel.judge(reply(d2))).toBeUndefined();
  });

  it("refuses a wrong signature, another owner key, another word, a non-200 and non-JSON", () => {
    expect(channel.judge(reply({ ...d2, msg_signature: tamperHex(D2.signature) }))).toMatch(
      /does not verify/,
    );
    const otherOwner = wecom.encrypt(D2.key, "success", "dingsomeoneelse");
    const signed = (encrypt: string) => ({
      ...d2,
      encrypt,
      msg_signature: wecom.getSignature(D2.token, D2.timestamp, D2.nonce, encrypt),
    });
    expect(channel.judge(reply(signed(otherOwner)))).toMatch(/another owner key/);
    expect(channel.judge(reply(signed(wecom.encrypt(D2.key, "Success", D2.ownerKey))))).toMatch(/71009/);
    expect(channel.judge({ status: 500, body: JSON.stringify(d2) })).toMatch(/HTTP 500/);
    expect(channel.judge({ status: 200, body: "success" })).toMatch(/not JSON/);
    expect(channel.judge(reply({ ...d2, encrypt: "" }))).toMatch(/lacks/);
  });
});

describe("Feishu: the published vectors", () => {
  it.each([
    ["F1", F1.key, F1.encrypt, F1.plain],
    ["F2", F2.key, F2.encrypt, F2.plain],
  ])("%s: re-encrypting with the vector's IV reproduces it", (_, key, encrypt, plain) => {
    expect(larkEncrypt(key, plain, larkIv(encrypt))).toBe(encrypt);
  });

  it("F3: the contact.user.created_v3 event re-encrypts to the vector", () => {
    // Prepare: the plaintext, read by the Lark SDK's own decryptor
    const plain = new AESCipher(F3.key).decrypt(F3.encrypt);
    // Act / Assess
    expect(JSON.parse(plain).header.event_type).toBe("contact.user.created_v3");
    expect(larkEncrypt(F3.key, plain, larkIv(F3.encrypt))).toBe(F3.encrypt);
  });

  it("random IVs decrypt with the Lark SDK, unicode included", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), fc.string({ minLength: 1 }), (message, key) => {
        expect(new AESCipher(key).decrypt(larkEncrypt(key, message))).toBe(message);
      }),
    );
  });

  it("signs timestamp + nonce + key + raw body with sha256 (the node-sdk's own check agrees)", () => {
    // Prepare: the node-sdk verifies JSON.stringify(parsed body), so a compact body must pass it
    const body = JSON.stringify({ encrypt: larkEncrypt(F2.key, F2.plain) });
    const signature = larkSignature("1700000000", "1234567890", F2.key, body);
    const dispatcher = new EventDispatcher({ encryptKey: F2.key, loggerLevel: LoggerLevel.error });
    const data = (headers: Record<string, string>) =>
      Object.assign(Object.create({ headers }), JSON.parse(body)) as Record<string, unknown>;
    const headers = { "x-lark-request-timestamp": "1700000000", "x-lark-request-nonce": "1234567890" };
    // Act / Assess
    expect(signature).toMatch(/^[0-9a-f]{64}$/);
    expect(
      dispatcher.requestHandle?.checkIsEventValidated(data({ ...headers, "x-lark-signature": signature })),
    ).toBe(true);
    expect(
      dispatcher.requestHandle?.checkIsEventValidated(
        data({ ...headers, "x-lark-signature": tamperHex(signature) }),
      ),
    ).toBe(false);
  });
});
