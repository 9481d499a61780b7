import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { decodeBase64Strict, decodeUtf8Strict, hexDigestEquals } from "./encoding.ts";
import { CallbackVerificationError } from "./errors.ts";

/**
 * Feishu/Lark event v2 (PROTOCOLS §7.2): key = sha256(Encrypt Key), AES-256-CBC, the IV travels as
 * the first 16 bytes of the payload, standard 16-byte PKCS#7, no framing around the JSON.
 */

const BLOCK = 16;

function larkKey(encryptKey: string): Buffer {
  if (encryptKey === "") throw new CallbackVerificationError("bad-key", "Encrypt Key is empty");
  return createHash("sha256").update(encryptKey, "utf8").digest();
}

/**
 * `X-Lark-Signature`: hex sha256 of utf8(timestamp + nonce + encryptKey) followed by the body bytes
 * exactly as received. Pass the raw body: re-serialised JSON hashes differently (node-sdk's bug).
 */
export function larkSignature(
  timestamp: string,
  nonce: string,
  encryptKey: string,
  rawBody: Uint8Array | string,
): string {
  return createHash("sha256")
    .update(Buffer.from(timestamp + nonce + encryptKey, "utf8"))
    .update(typeof rawBody === "string" ? Buffer.from(rawBody, "utf8") : rawBody)
    .digest("hex");
}

/** Checks `X-Lark-Signature` over the raw body in constant time. */
export function verifyLarkSignature(
  received: string,
  timestamp: string,
  nonce: string,
  encryptKey: string,
  rawBody: Uint8Array | string,
): boolean {
  return hexDigestEquals(larkSignature(timestamp, nonce, encryptKey, rawBody), received);
}

/** Decrypts the `encrypt` field of a Feishu body to its JSON text. */
export function larkDecrypt(encryptKey: string, encrypt: string): string {
  const key = larkKey(encryptKey);
  const sealed = decodeBase64Strict(encrypt, "encrypt");
  // At least the IV and one block; CBC needs whole blocks.
  if (sealed.length < 2 * BLOCK || sealed.length % BLOCK !== 0) {
    throw new CallbackVerificationError("bad-length", "ciphertext is not an IV plus whole AES blocks");
  }
  const decipher = createDecipheriv("aes-256-cbc", key, sealed.subarray(0, BLOCK));
  // Unpadded by hand so a wrong key is a typed `bad-padding`, never OpenSSL's "bad decrypt".
  decipher.setAutoPadding(false);
  const padded = Buffer.concat([decipher.update(sealed.subarray(BLOCK)), decipher.final()]);
  const pad = padded.at(-1) ?? 0;
  if (pad < 1 || pad > BLOCK || padded.subarray(-pad).some((b) => b !== pad)) {
    throw new CallbackVerificationError("bad-padding", "plaintext padding is invalid");
  }
  return decodeUtf8Strict(padded.subarray(0, padded.length - pad), "event");
}

/** Encrypts JSON text as Feishu does (emulator, tests); `iv` is 16 bytes, random by default. */
export function larkEncrypt(
  encryptKey: string,
  plaintext: string,
  iv: Uint8Array = randomBytes(BLOCK),
): string {
  if (iv.length !== BLOCK) throw new RangeError("iv must be exactly 16 bytes");
  const cipher = createCipheriv("aes-256-cbc", larkKey(encryptKey), iv);
  const sealed = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return Buffer.concat([iv, sealed]).toString("base64");
}
