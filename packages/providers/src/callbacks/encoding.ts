import { timingSafeEqual } from "node:crypto";
import { CallbackVerificationError } from "./errors.ts";

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const fatalUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Decodes standard base64 strictly. Whitespace is dropped first because DingTalk's Python SDK
 * wraps at 76 columns (PROTOCOLS §7.0); anything else Node's lenient decoder would skip silently
 * is refused, so two different wire texts can never decrypt to the same bytes.
 */
export function decodeBase64Strict(text: string, what: string): Buffer {
  const compact = text.replace(/\s+/g, "");
  if (compact === "" || !BASE64.test(compact)) {
    throw new CallbackVerificationError("malformed", `${what} is not valid base64`);
  }
  return Buffer.from(compact, "base64");
}

/** UTF-8 that refuses invalid sequences: a garbled block must not turn into U+FFFD text. */
export function decodeUtf8Strict(bytes: Uint8Array, what: string): string {
  try {
    return fatalUtf8.decode(bytes);
  } catch (cause) {
    throw new CallbackVerificationError("malformed", `${what} is not valid UTF-8`, { cause });
  }
}

/** Compares a received hex digest with ours in constant time; case-insensitive, false on junk. */
export function hexDigestEquals(expectedHex: string, receivedHex: string): boolean {
  if (receivedHex.length !== expectedHex.length || !/^[0-9a-fA-F]*$/.test(receivedHex)) return false;
  return timingSafeEqual(Buffer.from(expectedHex, "hex"), Buffer.from(receivedHex, "hex"));
}
