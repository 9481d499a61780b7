import { randomBytes } from "node:crypto";
import type { DirectoryChange } from "./change.ts";
import type { DingTalkCallback, FeishuCallback, WeComCallback } from "./config.ts";
import { parseDingTalkEvent } from "./dingtalk-events.ts";
import { CallbackVerificationError } from "./errors.ts";
import { parseFeishuEvent } from "./feishu-events.ts";
import { larkDecrypt, verifyLarkSignature } from "./lark-crypto.ts";
import { parseWeComEvent } from "./wecom-events.ts";
import { dingTalkSuccessReply, verifyAndDecrypt } from "./wxbiz-crypto.ts";
import { readWeComEnvelope } from "./xml.ts";

/**
 * What a provider's callback request means, decided without any I/O: verified (signature, age,
 * token, receive id) and decrypted, a handshake to answer or an event's changes to queue, and the
 * answer the provider expects — to be sent only once the changes are stored.
 */
export interface CallbackRequest {
  method: string;
  /** Query parameters, URL-decoded. */
  query: Record<string, string | undefined>;
  /** Header names in lower case. */
  headers: Record<string, string | undefined>;
  /** The body's raw bytes: signatures cover them as sent, never re-serialised JSON. */
  body: Buffer;
  /** Epoch ms, for the replay window. */
  now: number;
}

export interface CallbackReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type ReceivedCallback =
  | { kind: "handshake"; upstreamType: string; reply: CallbackReply }
  | {
      kind: "event";
      upstreamType: string;
      eventId: string;
      changes: DirectoryChange[];
      reply: CallbackReply;
    };

/** A request older (or newer) than this is a replay: refused. */
export const REPLAY_WINDOW_MS = 5 * 60_000;

const json = (body: unknown): CallbackReply => ({
  status: 200,
  headers: { "content-type": "application/json; charset=utf-8" },
  body: JSON.stringify(body),
});

/** Timestamps arrive in seconds or milliseconds (DingTalk uses both): either must be recent. */
function assertFresh(timestamp: string | undefined, now: number): void {
  const value = timestamp && /^\d{1,16}$/.test(timestamp) ? Number(timestamp) : Number.NaN;
  const ms = value > 1e12 ? value : value * 1000;
  if (!Number.isFinite(ms) || Math.abs(now - ms) > REPLAY_WINDOW_MS) {
    throw new CallbackVerificationError(
      "stale-timestamp",
      "the request's timestamp is missing or outside 5 minutes",
    );
  }
}

function required(value: string | undefined, what: string): string {
  if (!value) throw new CallbackVerificationError("missing-signature", `${what} is missing`);
  return value;
}

function jsonBody(body: Buffer): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(body.toString("utf8"));
    if (value !== null && typeof value === "object" && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new CallbackVerificationError("malformed", "the body is not a JSON object");
}

/**
 * DingTalk HTTP push (PROTOCOLS §7.1.1): `POST ?signature|msg_signature&timestamp|timeStamp&nonce`
 * with `{"encrypt"}`; the answer is the encrypted, signed `success` (within 1.5 s).
 */
export function receiveDingTalk(
  config: DingTalkCallback & { appKey: string },
  request: CallbackRequest,
): ReceivedCallback {
  if (request.method !== "POST")
    throw new CallbackVerificationError("wrong-method", "DingTalk pushes with POST");
  const q = request.query;
  const signature = required(q["msg_signature"] ?? q["signature"], "signature");
  const timestamp = required(q["timeStamp"] ?? q["timestamp"], "timestamp");
  const nonce = required(q["nonce"], "nonce");
  assertFresh(timestamp, request.now);
  const encrypt = jsonBody(request.body)["encrypt"];
  if (typeof encrypt !== "string") throw new CallbackVerificationError("malformed", "no encrypt field");
  const wx = {
    token: config.token,
    encodingAesKey: config.aesKey,
    receiveId: config.ownerKey ?? config.appKey,
  };
  const plaintext = verifyAndDecrypt(wx, { signature, timestamp, nonce, encrypt });
  const event = parseDingTalkEvent(plaintext, { now: () => new Date(request.now) });
  const reply = json(dingTalkSuccessReply(wx, String(request.now), randomBytes(8).toString("hex")));
  return event.result === "handshake"
    ? { kind: "handshake", upstreamType: event.upstreamType, reply }
    : {
        kind: "event",
        upstreamType: event.upstreamType,
        eventId: event.eventId,
        changes: event.changes,
        reply,
      };
}

/**
 * Feishu event v2 (PROTOCOLS §7.2): with an Encrypt Key, `X-Lark-Signature` over timestamp + nonce +
 * key + the raw body bytes, and the `encrypt` field; the Verification Token always. The answer is
 * HTTP 200 (within 3 s); `url_verification` is answered with its challenge.
 */
export function receiveFeishu(config: FeishuCallback, request: CallbackRequest): ReceivedCallback {
  if (request.method !== "POST")
    throw new CallbackVerificationError("wrong-method", "Feishu pushes with POST");
  const body = jsonBody(request.body);
  const timestamp = request.headers["x-lark-request-timestamp"];
  const nonce = request.headers["x-lark-request-nonce"];
  const signature = request.headers["x-lark-signature"];
  let plaintext: string;
  let signed = false;
  if (typeof body["encrypt"] === "string") {
    if (!config.encryptKey)
      throw new CallbackVerificationError("bad-key", "an encrypted push, but no Encrypt Key is configured");
    if (signature !== undefined) {
      assertFresh(timestamp, request.now);
      if (!verifyLarkSignature(signature, timestamp ?? "", nonce ?? "", config.encryptKey, request.body)) {
        throw new CallbackVerificationError("bad-signature", "X-Lark-Signature does not match");
      }
      signed = true;
    }
    plaintext = larkDecrypt(config.encryptKey, body["encrypt"]);
  } else {
    if (config.encryptKey)
      throw new CallbackVerificationError("malformed", "a plaintext push, but an Encrypt Key is configured");
    if (timestamp !== undefined) assertFresh(timestamp, request.now);
    plaintext = request.body.toString("utf8");
  }
  const event = parseFeishuEvent(plaintext);
  if (event.token !== config.verificationToken) {
    throw new CallbackVerificationError("bad-token", "the Verification Token does not match");
  }
  if (event.result === "handshake") {
    return {
      kind: "handshake",
      upstreamType: event.upstreamType,
      reply: json({ challenge: event.challenge }),
    };
  }
  // Feishu signs every event when an Encrypt Key is set; only the URL verification may come unsigned.
  if (config.encryptKey && !signed)
    throw new CallbackVerificationError("missing-signature", "X-Lark-Signature is missing");
  return {
    kind: "event",
    upstreamType: event.upstreamType,
    eventId: event.eventId,
    changes: event.changes,
    reply: json({ msg: "success" }),
  };
}

/**
 * WeCom (PROTOCOLS §7.3): `GET ?msg_signature&timestamp&nonce&echostr` verifies the URL (answer the
 * decrypted echostr, as is); `POST` the XML envelope whose `Encrypt` carries `change_contact`. The
 * answer is HTTP 200 with an empty body (within 5 s).
 */
export function receiveWeCom(
  config: WeComCallback & { corpId: string },
  request: CallbackRequest,
): ReceivedCallback {
  const q = request.query;
  const signature = required(q["msg_signature"], "msg_signature");
  const timestamp = required(q["timestamp"], "timestamp");
  const nonce = required(q["nonce"], "nonce");
  assertFresh(timestamp, request.now);
  const wx = { token: config.token, encodingAesKey: config.encodingAESKey, receiveId: config.corpId };
  if (request.method === "GET") {
    const echo = verifyAndDecrypt(wx, {
      signature,
      timestamp,
      nonce,
      encrypt: required(q["echostr"], "echostr"),
    });
    return {
      kind: "handshake",
      upstreamType: "echostr",
      reply: { status: 200, headers: { "content-type": "text/plain; charset=utf-8" }, body: echo },
    };
  }
  if (request.method !== "POST")
    throw new CallbackVerificationError("wrong-method", "WeCom pushes with GET or POST");
  const envelope = readWeComEnvelope(request.body);
  const plaintext = verifyAndDecrypt(wx, { signature, timestamp, nonce, encrypt: envelope.encrypt });
  const event = parseWeComEvent(plaintext);
  const reply = { status: 200, headers: { "content-type": "text/plain; charset=utf-8" }, body: "" };
  return event.result === "handshake"
    ? { kind: "handshake", upstreamType: event.upstreamType, reply }
    : {
        kind: "event",
        upstreamType: event.upstreamType,
        eventId: event.eventId,
        changes: event.changes,
        reply,
      };
}
