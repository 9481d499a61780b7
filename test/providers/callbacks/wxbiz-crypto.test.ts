import { createCipheriv, createDecipheriv, createHash } from "node:crypto";
import { createRequire } from "node:module";
import * as wecom from "@wecom/crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CallbackVerificationError,
  decrypt,
  dingTalkSuccessReply,
  encrypt,
  signature,
  verifyAndDecrypt,
  verifySignature,
} from "../../../packages/providers/src/callbacks/index.ts";

/** dingtalk-encrypt ships no types; this is the part of its CommonJS class the tests use. */
interface DingTalkEncryptor {
  encrypt(random: string, plainText: string): string;
  decrypt(encrypted: string): string;
  getSignature(token: string, timestamp: string, nonce: string, encrypt: string): string;
  getDecryptMsg(signature: string, timeStamp: string, nonce: string, encrypt: string): string;
}
const DingTalkEncryptorClass = createRequire(import.meta.url)("dingtalk-encrypt") as new (
  token: string,
  encodingAesKey: string,
  ownerKey: string,
) => DingTalkEncryptor;

// PROTOCOLS §7.5: the official WeCom vectors (W1–W3) and DingTalk's (D1, D2).
const W = {
  token: "QDG6eK",
  encodingAesKey: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
  receiveId: "wx5823bf96d3bd56c7",
};
const W1_GET =
  "msg_signature=5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3&timestamp=1409659589&nonce=263014780&echostr=P9nAzCzyDtyTWESHep1vC5X9xho%2FqYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp%2B4RPcs8TgAE7OaBO%2BFZXvnaqQ%3D%3D";
const W1_ECHOSTR = "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==";
const W2_ENCRYPT =
  "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==";
const W2_PLAIN =
  "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n<FromUserName><![CDATA[mycreate]]></FromUserName>\n<CreateTime>1409659813</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[hello]]></Content>\n<MsgId>4561255354251345929</MsgId>\n<AgentID>218</AgentID>\n</xml>";
const W3_ENCRYPT =
  "CZWs4CWRpI4VolQlvn4dlEC1alN2MUEY2VklGehgBVLBrlVF7SyT+SV+Toj43l4ayJ9UMGKphktKKmP7B2j/P1ey67XB8PBgS7Wr5/8+w/yWriZv3Vmoo/MH3/1HsIWZrPQ3N2mJrelStIfI2Y8kLKXA7EhfZgZX4o+ffdkZDM76SEl79Ib9mw7TGjZ9Aw/x/A2VjNbV1E8BtEbRxYYcQippYNw7hr8sFfa3nW1xLdxokt8QkRX83vK3DFP2F6TQFPL2Tu98UwhcUpPvdJBuu1/yiOQIScppV3eOuLWEsko=";
const D1 = {
  config: {
    token: "mryue",
    encodingAesKey: "Yue0EfdN5900c1ce5cf6A152c63DDe1808a60c5ecd7",
    receiveId: "ding6ccabc44d2c8d38b",
  },
  query: {
    signature: "03044561471240d4a14bb09372dfcfd4fd0e40cb",
    timestamp: "1608001896814",
    nonce: "WL4PK6yA",
    encrypt:
      "0vJiX6vliEpwG3U45CtXqi+m8PXbQRARJ8p8BbDuD1EMTDf0jKpQ79QS93qEk7XHpP6u+oTTrd15NRPvNvmBKyDCYxxOK+HZeKju4yhELOFchzNukR+t8SB/qk4ROMu3",
  },
};
const D2 = {
  config: {
    token: "tokenxxxx",
    encodingAesKey: "o1w0aum42yaptlz8alnhwikjd3jenzt9cb9wmzptgus",
    receiveId: "dingxxxxxx",
  },
  query: {
    signature: "f36f4ba5337d426c7d4bca0dbcb06b3ddc1388fc",
    timestamp: "1605695694141",
    nonce: "WelUQl6bCqcBa2fM",
    encrypt: "X1VSe9cTJUMZu60d3kyLYTrBq5578ZRJtteU94wG0Q4Uk6E/wQYeJRIC0/UFW5Wkya1Ihz9oXAdLlyC9TRaqsQ==",
  },
};

function caught(run: () => unknown): CallbackVerificationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CallbackVerificationError);
    return error as CallbackVerificationError;
  }
  throw new Error("expected a CallbackVerificationError");
}

/** Encrypts raw plaintext bytes with the scheme's key and IV and no padding: crafted bad plaintexts. */
function sealRaw(encodingAesKey: string, plain: Buffer): string {
  const key = Buffer.from(`${encodingAesKey}=`, "base64");
  const cipher = createCipheriv("aes-256-cbc", key, key.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString("base64");
}
function frame(message: string, receiveId: string): Buffer {
  const body = Buffer.from(message);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  return Buffer.concat([Buffer.alloc(16, 0x41), length, body, Buffer.from(receiveId)]);
}
function flipByte(base64: string, index: number, mask = 0x01): string {
  const bytes = Buffer.from(base64, "base64");
  bytes[index]! ^= mask;
  return bytes.toString("base64");
}

describe("official vectors (PROTOCOLS §7.5)", () => {
  it("W1: verifies and decrypts the GET echostr after URL-decoding the query", () => {
    // Prepare
    const query = new URLSearchParams(W1_GET);
    // Act
    const message = verifyAndDecrypt(W, {
      signature: query.get("msg_signature")!,
      timestamp: query.get("timestamp")!,
      nonce: query.get("nonce")!,
      encrypt: query.get("echostr")!,
    });
    // Assess
    expect(query.get("echostr")).toBe(W1_ECHOSTR);
    expect(message).toBe("1616140317555161061");
  });

  it("W2: signs the Encrypt text and decrypts it to the XML message", () => {
    expect(signature(W.token, "1409659813", "1372623149", W2_ENCRYPT)).toBe(
      "477715d11cdb4164915debcba66cb864d751f3e6",
    );
    expect(decrypt(W.encodingAesKey, W2_ENCRYPT, W.receiveId)).toBe(W2_PLAIN);
  });

  it("W3: the JSON-mode vector decrypts to its JSON text", () => {
    const message = verifyAndDecrypt(W, {
      signature: "0623cbc5a8cbee5bcc137c70de99575366fc2af3",
      timestamp: "1409659813",
      nonce: "1372623149",
      encrypt: W3_ENCRYPT,
    });
    expect(message).toBe(
      '{"ToUserName":"wx5823bf96d3bd56c7","FromUserName":"mycreate","CreateTime": 1409659813,"MsgType":"text","Content":"hello","MsgId":4561255354251345929,"AgentID": 218}',
    );
  });

  it("D1: DingTalk's check_url push verifies and decrypts", () => {
    expect(verifyAndDecrypt(D1.config, D1.query)).toBe('{"EventType":"check_url"}');
  });

  it("D2: the `success` reply decrypts, and re-encrypting with its random reproduces it byte for byte", () => {
    // Prepare: the 16 random bytes, read back by an independent decryptor
    const { random } = wecom.decrypt(D2.config.encodingAesKey, D2.query.encrypt);
    // Act
    const sealed = encrypt(D2.config.encodingAesKey, "success", D2.config.receiveId, random);
    // Assess
    expect(verifyAndDecrypt(D2.config, D2.query)).toBe("success");
    expect(sealed).toBe(D2.query.encrypt);
    expect(signature(D2.config.token, D2.query.timestamp, D2.query.nonce, sealed)).toBe(D2.query.signature);
  });
});

describe("signature", () => {
  it("sorts by bytes before hashing, so upper case sorts before lower case", () => {
    // localeCompare would put "a" before "B"; Java's Arrays.sort and Python's sorted() do not.
    const expected = createHash("sha1").update("BDac").digest("hex");
    expect(signature("a", "B", "c", "D")).toBe(expected);
  });

  it("verifies only the exact digest", () => {
    const good = D1.query.signature;
    const { token } = D1.config;
    const { timestamp, nonce, encrypt: sealed } = D1.query;
    expect(verifySignature(good, token, timestamp, nonce, sealed)).toBe(true);
    expect(verifySignature(good.toUpperCase(), token, timestamp, nonce, sealed)).toBe(true);
    expect(verifySignature(`${good.slice(0, -1)}0`, token, timestamp, nonce, sealed)).toBe(false);
    expect(verifySignature(good.slice(0, 38), token, timestamp, nonce, sealed)).toBe(false);
    expect(verifySignature(`${good.slice(0, 38)}zz`, token, timestamp, nonce, sealed)).toBe(false);
    expect(verifySignature(good, "other", timestamp, nonce, sealed)).toBe(false);
  });

  it("refuses a tampered ciphertext before decrypting it (CBC alone would not notice every change)", () => {
    const tampered = flipByte(D1.query.encrypt, 5);
    expect(caught(() => verifyAndDecrypt(D1.config, { ...D1.query, encrypt: tampered })).reason).toBe(
      "bad-signature",
    );
  });
});

describe("decrypt: refusals", () => {
  it("refuses a message for another receiver", () => {
    expect(caught(() => decrypt(W.encodingAesKey, W1_ECHOSTR, "wx0000000000000000")).reason).toBe(
      "receive-id-mismatch",
    );
  });

  it("refuses the wrong key (another valid key garbles the pad)", () => {
    expect(caught(() => decrypt(D1.config.encodingAesKey, W1_ECHOSTR, W.receiveId)).reason).toBe(
      "bad-padding",
    );
  });

  it.each([
    ["42 characters", W.encodingAesKey.slice(1)],
    ["44 characters", `${W.encodingAesKey}A`],
    ["a base64 symbol", `+${W.encodingAesKey.slice(1)}`],
  ])("refuses a key of %s, without echoing it", (_, key) => {
    const error = caught(() => decrypt(key, W1_ECHOSTR, W.receiveId));
    expect(error.reason).toBe("bad-key");
    expect(error.message).not.toContain(key);
    expect(caught(() => encrypt(key, "m", W.receiveId)).reason).toBe("bad-key");
  });

  it("refuses a flipped pad byte (last byte of the next-to-last block)", () => {
    const bytes = Buffer.from(W1_ECHOSTR, "base64").length;
    expect(
      caught(() => decrypt(W.encodingAesKey, flipByte(W1_ECHOSTR, bytes - 17), W.receiveId)).reason,
    ).toBe("bad-padding");
  });

  it("refuses a flipped length field (first ciphertext byte → plaintext byte 16)", () => {
    const tampered = flipByte(W1_ECHOSTR, 0, 0x80);
    expect(caught(() => decrypt(W.encodingAesKey, tampered, W.receiveId)).reason).toBe("bad-length");
  });

  it.each([
    ["0", 0],
    ["33", 33],
  ])("refuses pad byte %s", (_, pad) => {
    // Prepare: a frame filled to 64 bytes whose last byte is the bad pad value
    const framed = frame("hi", W.receiveId);
    const filler = Buffer.alloc(64 - framed.length, pad);
    // Act / Assess
    const sealed = sealRaw(W.encodingAesKey, Buffer.concat([framed, filler]));
    expect(caught(() => decrypt(W.encodingAesKey, sealed, W.receiveId)).reason).toBe("bad-padding");
  });

  it("refuses pad bytes that do not all agree", () => {
    const framed = frame("hi", W.receiveId);
    const pad = 64 - framed.length;
    const filler = Buffer.alloc(pad, pad);
    filler[0] = pad - 1;
    const sealed = sealRaw(W.encodingAesKey, Buffer.concat([framed, filler]));
    expect(caught(() => decrypt(W.encodingAesKey, sealed, W.receiveId)).reason).toBe("bad-padding");
  });

  it("refuses a declared length longer than the plaintext, and a plaintext shorter than its header", () => {
    const framed = frame("hi", W.receiveId);
    framed.writeUInt32BE(1000, 16);
    const pad = 64 - framed.length;
    const tooLong = sealRaw(W.encodingAesKey, Buffer.concat([framed, Buffer.alloc(pad, pad)]));
    const tooShort = sealRaw(W.encodingAesKey, Buffer.concat([Buffer.alloc(16, 0x41), Buffer.alloc(16, 16)]));
    expect(caught(() => decrypt(W.encodingAesKey, tooLong, W.receiveId)).reason).toBe("bad-length");
    expect(caught(() => decrypt(W.encodingAesKey, tooShort, W.receiveId)).reason).toBe("bad-length");
  });

  it("refuses a ciphertext that is not whole AES blocks, and text that is not base64", () => {
    const truncated = Buffer.from(W1_ECHOSTR, "base64").subarray(0, 40).toString("base64");
    expect(caught(() => decrypt(W.encodingAesKey, truncated, W.receiveId)).reason).toBe("bad-length");
    expect(caught(() => decrypt(W.encodingAesKey, `${W1_ECHOSTR.slice(0, 10)}*`, W.receiveId)).reason).toBe(
      "malformed",
    );
    expect(caught(() => decrypt(W.encodingAesKey, "", W.receiveId)).reason).toBe("malformed");
  });

  it("never puts the key, the token or the plaintext into a message", () => {
    const errors = [
      caught(() => decrypt(W.encodingAesKey, W1_ECHOSTR, "someone-else")),
      caught(() => verifyAndDecrypt(W, { ...D1.query, encrypt: W1_ECHOSTR })),
      caught(() => decrypt(W.encodingAesKey, flipByte(W1_ECHOSTR, 47), W.receiveId)),
    ];
    for (const error of errors) {
      expect(error.message).not.toContain(W.encodingAesKey);
      expect(error.message).not.toContain(W.token);
      expect(error.message).not.toContain("1616140317555161061");
    }
  });
});

describe("decrypt: what a careless implementation gets wrong", () => {
  it("accepts base64 wrapped at 76 columns (DingTalk's Python SDK) and stray spaces", () => {
    const wrapped = `${D1.query.encrypt.match(/.{1,76}/g)!.join("\n")}\r\n `;
    expect(decrypt(D1.config.encodingAesKey, wrapped, D1.config.receiveId)).toBe('{"EventType":"check_url"}');
  });

  it("strips pads above 16, where Node's auto-padding throws", () => {
    // Prepare: 16 + 4 + 5 + 18 = 43 bytes → pad 21
    const sealed = encrypt(W.encodingAesKey, "12345", W.receiveId);
    const key = Buffer.from(`${W.encodingAesKey}=`, "base64");
    const autoPadding = createDecipheriv("aes-256-cbc", key, key.subarray(0, 16));
    // Act / Assess
    expect(() => Buffer.concat([autoPadding.update(sealed, "base64"), autoPadding.final()])).toThrow();
    expect(decrypt(W.encodingAesKey, sealed, W.receiveId)).toBe("12345");
  });

  it("adds a full 32-byte block of padding when the frame is already aligned", () => {
    // 16 + 4 + 26 + 18 = 64 bytes: a 16-byte padder would add 16, the scheme adds 32.
    const sealed = encrypt(W.encodingAesKey, "a".repeat(26), W.receiveId);
    expect(Buffer.from(sealed, "base64")).toHaveLength(96);
    expect(decrypt(W.encodingAesKey, sealed, W.receiveId)).toBe("a".repeat(26));
  });

  it("counts the length in UTF-8 bytes, not UTF-16 units", () => {
    const sealed = encrypt(W.encodingAesKey, "张三😀", W.receiveId);
    expect(wecom.decrypt(W.encodingAesKey, sealed).message).toBe("张三😀");
    expect(decrypt(W.encodingAesKey, sealed, W.receiveId)).toBe("张三😀");
  });
});

describe("cross-checks with independent implementations", () => {
  it("@wecom/crypto: same random → same ciphertext; each decrypts the other's", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "binary" }),
        fc.string({ unit: "binary", minLength: 1 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        (message, receiveId, random) => {
          const ours = encrypt(W.encodingAesKey, message, receiveId, random);
          const theirs = wecom.encrypt(W.encodingAesKey, message, receiveId, Buffer.from(random));
          expect(ours).toBe(theirs);
          expect(wecom.decrypt(W.encodingAesKey, ours)).toMatchObject({ message, id: receiveId });
          expect(decrypt(W.encodingAesKey, theirs, receiveId)).toBe(message);
        },
      ),
    );
  });

  it("@wecom/crypto: the same signatures", () => {
    expect(wecom.getSignature(W.token, "1409659813", "1372623149", W2_ENCRYPT)).toBe(
      signature(W.token, "1409659813", "1372623149", W2_ENCRYPT),
    );
  });

  it("dingtalk-encrypt: decrypts the official vector and ours; accepts our signed `success` reply", () => {
    // Prepare
    const dingtalk = new DingTalkEncryptorClass(
      D1.config.token,
      D1.config.encodingAesKey,
      D1.config.receiveId,
    );
    const reply = dingTalkSuccessReply(D1.config, "1608001896999", "nonce123");
    // Act / Assess
    expect(dingtalk.decrypt(D1.query.encrypt)).toBe('{"EventType":"check_url"}');
    expect(
      dingtalk.decrypt(encrypt(D1.config.encodingAesKey, '{"EventType":"check_url"}', D1.config.receiveId)),
    ).toBe('{"EventType":"check_url"}');
    expect(dingtalk.getDecryptMsg(reply.msg_signature, reply.timeStamp, reply.nonce, reply.encrypt)).toBe(
      "success",
    );
    expect(reply.timeStamp).toBe("1608001896999");
  });

  it("dingtalk-encrypt: its ciphertext decrypts with ours, percent-encoded (it runs encodeURI first)", () => {
    // The official Java SDK does not encodeURI; dingtalk-encrypt's own decrypt undoes it, ours cannot.
    const dingtalk = new DingTalkEncryptorClass(
      D1.config.token,
      D1.config.encodingAesKey,
      D1.config.receiveId,
    );
    const json = '{"EventType":"check_url"}';
    expect(
      decrypt(D1.config.encodingAesKey, dingtalk.encrypt("A".repeat(16), "success"), D1.config.receiveId),
    ).toBe("success");
    expect(
      decrypt(D1.config.encodingAesKey, dingtalk.encrypt("A".repeat(16), json), D1.config.receiveId),
    ).toBe(encodeURI(json));
    // And it reads bytes as Latin-1, so UTF-8 from the platform comes back garbled: ASCII-only cross-checks.
    const sealed = encrypt(D1.config.encodingAesKey, '{"Name":"张三"}', D1.config.receiveId);
    expect(decrypt(D1.config.encodingAesKey, sealed, D1.config.receiveId)).toBe('{"Name":"张三"}');
    expect(dingtalk.decrypt(sealed)).toBe(Buffer.from('{"Name":"张三"}').toString("latin1"));
  });

  it("round-trips arbitrary unicode messages and receive ids", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), fc.string({ unit: "binary" }), (message, receiveId) => {
        expect(
          decrypt(D2.config.encodingAesKey, encrypt(D2.config.encodingAesKey, message, receiveId), receiveId),
        ).toBe(message);
      }),
    );
  });
});
