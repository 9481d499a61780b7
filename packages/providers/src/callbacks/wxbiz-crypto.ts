import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { decodeBase64Strict, decodeUtf8Strict, hexDigestEquals } from "./encoding.ts";
import { CallbackVerificationError } from "./errors.ts";

/**
 * The "WXBizMsgCrypt" scheme WeCom defined and DingTalk copied (PROTOCOLS §7.0): AES-256-CBC with
 * IV = key[0:16], PKCS#7 to 32-byte blocks, plaintext framed as
 * random(16) ‖ uint32be(len) ‖ message ‖ receiveId, and a SHA-1 signature over sorted strings.
 */

/** PKCS#7 over 32-byte blocks, not AES's 16: pad values run 1..32 (Java `BLOCK_SIZE = 32`). */
const PAD_BLOCK = 32;
const HEADER = 20;

function aesKey(encodingAesKey: string): Buffer {
  // Checked by shape rather than by decoded length: Node's base64 decoder skips junk silently.
  if (!/^[A-Za-z0-9]{43}$/.test(encodingAesKey)) {
    throw new CallbackVerificationError("bad-key", "EncodingAESKey must be 43 characters [A-Za-z0-9]");
  }
  return Buffer.from(`${encodingAesKey}=`, "base64");
}

/** SHA-1 over token, timestamp, nonce and ciphertext, sorted by bytes and joined: lower-case hex. */
export function signature(token: string, timestamp: string, nonce: string, encrypt: string): string {
  const parts = [token, timestamp, nonce, encrypt].map((part) => Buffer.from(part, "utf8"));
  parts.sort(Buffer.compare);
  return createHash("sha1").update(Buffer.concat(parts)).digest("hex");
}

/** Checks a received `msg_signature`/`signature` in constant time. */
export function verifySignature(
  received: string,
  token: string,
  timestamp: string,
  nonce: string,
  encrypt: string,
): boolean {
  return hexDigestEquals(signature(token, timestamp, nonce, encrypt), received);
}

/** Decrypts a base64 `encrypt`/`echostr` and returns the message; the trailing id must match. */
export function decrypt(encodingAesKey: string, encrypt: string, expectedReceiveId: string): string {
  const key = aesKey(encodingAesKey);
  const sealed = decodeBase64Strict(encrypt, "encrypt");
  if (sealed.length === 0 || sealed.length % 16 !== 0) {
    throw new CallbackVerificationError("bad-length", "ciphertext is not a whole number of AES blocks");
  }
  const decipher = createDecipheriv("aes-256-cbc", key, key.subarray(0, 16));
  // Node's own unpadder knows only 16-byte PKCS#7 and would reject every pad > 16.
  decipher.setAutoPadding(false);
  const padded = Buffer.concat([decipher.update(sealed), decipher.final()]);
  const framed = padded.subarray(0, padded.length - padLength(padded));
  if (framed.length < HEADER) {
    throw new CallbackVerificationError("bad-length", "plaintext is shorter than its header");
  }
  const messageLength = framed.readUInt32BE(16);
  if (messageLength > framed.length - HEADER) {
    throw new CallbackVerificationError("bad-length", "declared message length exceeds the plaintext");
  }
  const receiveId = framed.subarray(HEADER + messageLength);
  if (!receiveId.equals(Buffer.from(expectedReceiveId, "utf8"))) {
    throw new CallbackVerificationError("receive-id-mismatch", "message is addressed to another receiver");
  }
  return decodeUtf8Strict(framed.subarray(HEADER, HEADER + messageLength), "message");
}

function padLength(padded: Buffer): number {
  const pad = padded.at(-1) ?? 0;
  // Every pad byte is checked, not just the last: the official Java treats a bad pad as "no pad",
  // which would let a tampered last block through as part of the receive id.
  if (pad < 1 || pad > PAD_BLOCK || pad > padded.length || padded.subarray(-pad).some((b) => b !== pad)) {
    throw new CallbackVerificationError("bad-padding", "plaintext padding is invalid");
  }
  return pad;
}

/** Encrypts a message the way the platforms do (replies, emulator, tests); `random` is 16 bytes. */
export function encrypt(
  encodingAesKey: string,
  message: string,
  receiveId: string,
  random: Uint8Array = randomBytes(16),
): string {
  const key = aesKey(encodingAesKey);
  if (random.length !== 16) throw new RangeError("random must be exactly 16 bytes");
  const body = Buffer.from(message, "utf8");
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  const framed = Buffer.concat([random, length, body, Buffer.from(receiveId, "utf8")]);
  const pad = PAD_BLOCK - (framed.length % PAD_BLOCK);
  const cipher = createCipheriv("aes-256-cbc", key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  const padded = Buffer.concat([framed, Buffer.alloc(pad, pad)]);
  return Buffer.concat([cipher.update(padded), cipher.final()]).toString("base64");
}

/** What a WXBizMsgCrypt receiver is configured with. */
export interface WxBizConfig {
  token: string;
  encodingAesKey: string;
  /** WeCom CorpID / SuiteId; DingTalk appKey, corpId or suiteKey (PROTOCOLS §7.0). */
  receiveId: string;
}

/** Verifies the signature, then decrypts: the path every WeCom and DingTalk push takes. */
export function verifyAndDecrypt(
  config: WxBizConfig,
  query: { signature: string; timestamp: string; nonce: string; encrypt: string },
): string {
  if (!verifySignature(query.signature, config.token, query.timestamp, query.nonce, query.encrypt)) {
    throw new CallbackVerificationError("bad-signature", "signature does not match");
  }
  return decrypt(config.encodingAesKey, query.encrypt, config.receiveId);
}

/** DingTalk's required answer: the encrypted text `success`, signed (PROTOCOLS §7.1.1). */
export function dingTalkSuccessReply(config: WxBizConfig, timeStamp: string, nonce: string) {
  const sealed = encrypt(config.encodingAesKey, "success", config.receiveId);
  const msg_signature = signature(config.token, timeStamp, nonce, sealed);
  return { msg_signature, timeStamp, nonce, encrypt: sealed };
}
