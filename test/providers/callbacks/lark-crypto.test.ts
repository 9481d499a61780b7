import { createCipheriv, createHash } from "node:crypto";
import { AESCipher, EventDispatcher, LoggerLevel } from "@larksuiteoapi/node-sdk";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CallbackVerificationError,
  larkDecrypt,
  larkEncrypt,
  larkSignature,
  verifyLarkSignature,
} from "../../../packages/providers/src/callbacks/index.ts";

// PROTOCOLS §7.5, Feishu vectors.
const F1 = { key: "test key", encrypt: "P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=" };
const F2 = {
  key: "mazhe.nerd",
  encrypt:
    "tT1xP+ovuc0T3b/rnZX3ax76exqAn0ANQ6/U45GcciC0mgNBc8JtvqOJGNAPMKpgRs2dVU1NYk9VDeqS8T4SYtU0hzNU54aS84WnxvZ3VFfDcy/RyABlNqlUiGyLDzFI0yxdCMT4KR/YEQXlt6nZi50KwRlZ+A75r645KesZuLMljezYyY8VeeXEVjPw35+e",
};
const F3 = {
  key: "1212121212",
  encrypt:
    "bZ3L7yh6m3Fkuffl4g+3uGjIHnhOm5fVZbKVuyT8t7tcd5ABMYm8l28/X900ZL3knZ7n+sCREu/H2WnIzft0amC7+xWqNH8o25IU63N4BnZWfHh+4hyG76QPd19vkw2bPJCx9aqxK8Nz+xqFNbk0RdgyWhmgd30jSxHtcQXAllkI7FMpGpOCteJad3bLXPDBQIV/xkCtKICCS7Z63gakpxZCLaRZ3qCXP1fapHh+LBIupxenrU6ysc7I3nHmjmKie41IiWwS5puG4zQHhVbq6KWLcgWm/3NBZOPQy53ucMu75SXA55I7jarVLZXWUcqBGrcgE3vouWbtwgZuzmoTQl0GSh5VYSVvpW992BuGxUWj0XjPYdICJm6Cr7xouNXwMcdb7N8caVdkdSZeEnswG19qSyDoQhklwzNGW0yiaayulBqJNjfge/G5V3401c2XaIuAeEIo+QQ4RSNpRGfnHkbu/j55FGQAGWjpuBNaIwZbaUoVP3NkGP+vM5rpEDe3sL2GN+Xsd+g9yBs7FqdMV8mXTGgLjCqjrPrke5/km76Q3Pe6KPs2YexMRG4MkSx3xUTzZnNn7zIzShPcjeSwBd2pxk6ht5N+fzueZdxl6Oo=",
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

/** IV ‖ AES-CBC of raw bytes without padding: crafted bad plaintexts. */
function sealRaw(encryptKey: string, plain: Buffer): string {
  const key = createHash("sha256").update(encryptKey).digest();
  const iv = Buffer.alloc(16, 7);
  const cipher = createCipheriv("aes-256-cbc", key, iv).setAutoPadding(false);
  return Buffer.concat([iv, cipher.update(plain), cipher.final()]).toString("base64");
}

/** node-sdk's own signature check, fed the way its adaptors feed it: parsed body, headers on the prototype. */
function nodeSdkAccepts(encryptKey: string, rawBody: string, headers: Record<string, string>): boolean {
  const dispatcher = new EventDispatcher({ encryptKey, loggerLevel: LoggerLevel.error });
  const data = Object.assign(Object.create({ headers }), JSON.parse(rawBody));
  return dispatcher.requestHandle!.checkIsEventValidated(data);
}

describe("official vectors (PROTOCOLS §7.5)", () => {
  it("F1: the documented `test key` example", () => {
    expect(larkDecrypt(F1.key, F1.encrypt)).toBe("hello world");
  });

  it("F2: node-sdk's encrypted url_verification", () => {
    expect(JSON.parse(larkDecrypt(F2.key, F2.encrypt))).toEqual({
      challenge: "5634b122-c042-4634-bc7f-b07a3c3e77ad",
      token: "iRdCP2WwXNBXRM3mGLqhrgch3cn0gbT6",
      type: "url_verification",
    });
  });

  it("F3: oapi-sdk-go's contact.user.created_v3", () => {
    const event = JSON.parse(larkDecrypt(F3.key, F3.encrypt));
    expect(event).toMatchObject({
      schema: "2.0",
      header: { event_id: "f7984f25108f8137722bb63cee927e66", event_type: "contact.user.created_v3" },
      event: { object: { user_id: "e33ggbyz", name: "张三" } },
    });
  });
});

describe("cross-checks with the official @larksuiteoapi/node-sdk", () => {
  it("AESCipher decrypts the vectors as we do", () => {
    for (const { key, encrypt } of [F1, F2, F3]) {
      expect(new AESCipher(key).decrypt(encrypt)).toBe(larkDecrypt(key, encrypt));
    }
  });

  it("AESCipher decrypts what we encrypt, for arbitrary unicode and keys", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), fc.string({ unit: "binary", minLength: 1 }), (text, key) => {
        const sealed = larkEncrypt(key, text);
        expect(new AESCipher(key).decrypt(sealed)).toBe(text);
        expect(larkDecrypt(key, sealed)).toBe(text);
      }),
    );
  });

  it("node-sdk accepts our signature over a compact body", () => {
    // Prepare
    const headers = { "x-lark-request-timestamp": "1700000000", "x-lark-request-nonce": "1234567890" };
    const body = JSON.stringify({ encrypt: F1.encrypt });
    // Act
    const sign = larkSignature(
      headers["x-lark-request-timestamp"],
      headers["x-lark-request-nonce"],
      F1.key,
      body,
    );
    // Assess
    expect(nodeSdkAccepts(F1.key, body, { ...headers, "x-lark-signature": sign })).toBe(true);
  });

  it("a body with spaces: the raw-byte signature is right, node-sdk's re-serialised check is not", () => {
    // Prepare: the bytes Feishu signed contain spaces that JSON.stringify(JSON.parse(…)) drops
    const [ts, nonce] = ["1700000000", "1234567890"];
    const body = `{ "encrypt": "${F1.encrypt}" }`;
    const rawSign = larkSignature(ts, nonce, F1.key, body);
    const reserialised = larkSignature(ts, nonce, F1.key, JSON.stringify(JSON.parse(body)));
    const headers = {
      "x-lark-request-timestamp": ts,
      "x-lark-request-nonce": nonce,
      "x-lark-signature": rawSign,
    };
    // Act / Assess
    expect(rawSign).not.toBe(reserialised);
    expect(verifyLarkSignature(rawSign, ts, nonce, F1.key, Buffer.from(body))).toBe(true);
    expect(verifyLarkSignature(reserialised, ts, nonce, F1.key, body)).toBe(false);
    expect(nodeSdkAccepts(F1.key, body, headers)).toBe(false);
  });
});

describe("larkSignature", () => {
  it("is sha256 over utf8(timestamp + nonce + key) then the body bytes", () => {
    const expected = createHash("sha256").update('1700000000nonce密钥{"a":1}').digest("hex");
    expect(larkSignature("1700000000", "nonce", "密钥", '{"a":1}')).toBe(expected);
  });

  it("hashes the bytes received, not a UTF-8 re-decoding of them", () => {
    const bytes = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xe9, 0x22, 0x7d]); // {"a":"é"} in Latin-1
    expect(larkSignature("1", "2", "k", bytes)).not.toBe(
      larkSignature("1", "2", "k", bytes.toString("utf8")),
    );
  });

  it("verifies only the exact digest", () => {
    const sign = larkSignature("1", "2", "k", "{}");
    expect(verifyLarkSignature(sign, "1", "2", "k", "{}")).toBe(true);
    expect(verifyLarkSignature(sign, "1", "2", "other", "{}")).toBe(false);
    expect(verifyLarkSignature(sign.slice(0, 63), "1", "2", "k", "{}")).toBe(false);
    expect(verifyLarkSignature("", "1", "2", "k", "{}")).toBe(false);
  });
});

describe("larkDecrypt: refusals", () => {
  it("refuses the wrong key", () => {
    expect(caught(() => larkDecrypt("test key2", F1.encrypt)).reason).toBe("bad-padding");
  });

  it("refuses an empty key", () => {
    expect(caught(() => larkDecrypt("", F1.encrypt)).reason).toBe("bad-key");
  });

  it("refuses a tampered last block's padding", () => {
    const bytes = Buffer.from(F1.encrypt, "base64");
    bytes[bytes.length - 17]! ^= 0x01; // flips the pad byte of the last plaintext block
    expect(caught(() => larkDecrypt(F1.key, bytes.toString("base64"))).reason).toBe("bad-padding");
  });

  it.each([
    ["0", 0],
    ["17", 17],
  ])("refuses pad byte %s (16-byte PKCS#7)", (_, pad) => {
    const sealed = sealRaw("k", Buffer.concat([Buffer.from("{}"), Buffer.alloc(30, pad)]));
    expect(caught(() => larkDecrypt("k", sealed)).reason).toBe("bad-padding");
  });

  it("refuses a payload shorter than IV + one block, or not whole blocks", () => {
    const bytes = Buffer.from(F1.encrypt, "base64");
    expect(caught(() => larkDecrypt(F1.key, bytes.subarray(0, 16).toString("base64"))).reason).toBe(
      "bad-length",
    );
    expect(caught(() => larkDecrypt(F1.key, bytes.subarray(0, 31).toString("base64"))).reason).toBe(
      "bad-length",
    );
  });

  it("refuses invalid UTF-8 inside valid padding", () => {
    const sealed = sealRaw("k", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.alloc(14, 14)]));
    expect(caught(() => larkDecrypt("k", sealed)).reason).toBe("malformed");
  });

  it("accepts whitespace inside the base64", () => {
    expect(larkDecrypt(F1.key, ` ${F1.encrypt.slice(0, 20)}\n${F1.encrypt.slice(20)}\n`)).toBe("hello world");
  });
});

describe("larkEncrypt", () => {
  it("puts the IV in front: a fixed IV gives a fixed ciphertext whose first 16 bytes are the IV", () => {
    const iv = Buffer.alloc(16, 9);
    const sealed = larkEncrypt(F1.key, "hello world", iv);
    expect(Buffer.from(sealed, "base64").subarray(0, 16)).toEqual(iv);
    expect(larkEncrypt(F1.key, "hello world", iv)).toBe(sealed);
    expect(larkEncrypt(F1.key, "hello world")).not.toBe(larkEncrypt(F1.key, "hello world"));
  });

  it("pads a block-aligned plaintext with a whole block", () => {
    expect(Buffer.from(larkEncrypt("k", "x".repeat(16)), "base64")).toHaveLength(48);
  });
});
