import { createCipheriv, createDecipheriv, createHash, randomBytes, randomInt } from "node:crypto";

/**
 * The platforms' side of callback encryption, written from the specifications (PROTOCOLS §7.0,
 * §7.2.2, §7.2.3) with node:crypto alone. It deliberately shares no code with dirgate's receiver
 * (`packages/providers/src/callbacks`): the sandbox is the other party, and a bug both sides shared
 * would pass every test. test/sandbox/push-crypto.test.ts reproduces the published vectors with it.
 */

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
/** WXBizMsgCrypt pads to a multiple of 32 bytes, not AES's 16 (`PKCS7Encoder.BLOCK_SIZE = 32`). */
const WX_BLOCK = 32;

/** Letters and digits, as the SDKs' `getRandomStr` produce them (nonces, the 16 random bytes). */
export function randomAlnum(length: number): string {
  let out = "";
  for (let i = 0; i < length; i += 1) out += ALNUM[randomInt(ALNUM.length)];
  return out;
}

/** A decimal string of the given length, without a leading zero (WeCom nonces and echostr). */
export function randomDigits(length: number): string {
  let out = String(1 + randomInt(9));
  while (out.length < length) out += String(randomInt(10));
  return out;
}

/** `EncodingAESKey` (43 base64 characters) → the 32-byte AES key; the IV is its first 16 bytes. */
export function wxAesKey(encodingAesKey: string): Buffer {
  if (!/^[A-Za-z0-9]{43}$/.test(encodingAesKey)) throw new Error("an EncodingAESKey is 43 letters or digits");
  return Buffer.from(`${encodingAesKey}=`, "base64");
}

/**
 * WXBizMsgCrypt encryption (WeCom, and DingTalk which copied it): AES-256-CBC, IV = key[0:16], over
 * `random(16) || uint32_be(len(msg)) || msg || receiveId`, PKCS#7-padded to 32 bytes; standard
 * single-line base64. `random` defaults to 16 letters and digits, as every official SDK sends.
 */
export function wxEncrypt(
  encodingAesKey: string,
  message: string,
  receiveId: string,
  random: Uint8Array = Buffer.from(randomAlnum(16)),
): string {
  if (random.length !== 16) throw new Error("the random prefix is 16 bytes");
  const key = wxAesKey(encodingAesKey);
  const body = Buffer.from(message, "utf8");
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  const framed = Buffer.concat([random, length, body, Buffer.from(receiveId, "utf8")]);
  const pad = WX_BLOCK - (framed.length % WX_BLOCK);
  const cipher = createCipheriv("aes-256-cbc", key, key.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([
    cipher.update(Buffer.concat([framed, Buffer.alloc(pad, pad)])),
    cipher.final(),
  ]).toString("base64");
}

/** What a WXBizMsgCrypt ciphertext holds; the platform reads its receivers' replies (DingTalk's `success`) with it. */
export interface WxPlaintext {
  random: Buffer;
  message: string;
  receiveId: string;
}

/** Decrypts a WXBizMsgCrypt ciphertext, or throws a short reason (never echoing key or text). */
export function wxDecrypt(encodingAesKey: string, encrypted: string): WxPlaintext {
  const key = wxAesKey(encodingAesKey);
  const compact = encrypted.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) throw new Error("not base64");
  const data = Buffer.from(compact, "base64");
  if (data.length === 0 || data.length % 16 !== 0) throw new Error("not whole AES blocks");
  const decipher = createDecipheriv("aes-256-cbc", key, key.subarray(0, 16)).setAutoPadding(false);
  const plain = Buffer.concat([decipher.update(data), decipher.final()]);
  const pad = plain[plain.length - 1]!;
  if (pad < 1 || pad > WX_BLOCK || pad > plain.length) throw new Error("bad padding");
  for (let i = plain.length - pad; i < plain.length; i += 1) {
    if (plain[i] !== pad) throw new Error("bad padding");
  }
  const unpadded = plain.subarray(0, plain.length - pad);
  if (unpadded.length < 20) throw new Error("bad length");
  const length = unpadded.readUInt32BE(16);
  if (20 + length > unpadded.length) throw new Error("bad length");
  return {
    random: Buffer.from(unpadded.subarray(0, 16)),
    message: unpadded.subarray(20, 20 + length).toString("utf8"),
    receiveId: unpadded.subarray(20 + length).toString("utf8"),
  };
}

/**
 * `sha1(join(sort([token, timestamp, nonce, encrypt])))`, lower-case hex. Sorted by bytes, as Java's
 * `Arrays.sort` and Python's `sorted()` do (`localeCompare` would not).
 */
export function wxSignature(token: string, timestamp: string, nonce: string, encrypt: string): string {
  const parts = [token, timestamp, nonce, encrypt].map((s) => Buffer.from(s, "utf8")).sort(Buffer.compare);
  return createHash("sha1").update(Buffer.concat(parts)).digest("hex");
}

/**
 * Feishu/Lark event encryption: key = sha256(encrypt_key), AES-256-CBC with a random 16-byte IV,
 * PKCS#7 (16-byte blocks), `base64(iv || ciphertext)`; the plaintext is the bare event JSON.
 */
export function larkEncrypt(encryptKey: string, plaintext: string, iv?: Uint8Array): string {
  const key = createHash("sha256").update(encryptKey, "utf8").digest();
  const vector = iv ?? randomBytes(16);
  if (vector.length !== 16) throw new Error("the IV is 16 bytes");
  const cipher = createCipheriv("aes-256-cbc", key, vector);
  return Buffer.concat([vector, cipher.update(plaintext, "utf8"), cipher.final()]).toString("base64");
}

/** `X-Lark-Signature`: hex(sha256(utf8(timestamp + nonce + encrypt_key) || raw body bytes)). */
export function larkSignature(timestamp: string, nonce: string, encryptKey: string, body: string): string {
  return createHash("sha256")
    .update(Buffer.from(timestamp + nonce + encryptKey, "utf8"))
    .update(Buffer.from(body, "utf8"))
    .digest("hex");
}

/** A hex signature with one byte flipped: what the `tamper` knob sends. */
export function tamperHex(signature: string): string {
  const bytes = Buffer.from(signature, "hex");
  if (bytes.length === 0) return `${signature}0`;
  bytes[0]! ^= 0x01;
  return bytes.toString("hex");
}
