import { createHash } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { AESCipher } from "@larksuiteoapi/node-sdk";
import * as wecom from "@wecom/crypto";

/**
 * A tiny callback receiver for the pusher tests, and an *independent* verifier: WXBizMsgCrypt via
 * `@wecom/crypto` (DingTalk and WeCom), Feishu decryption via the Lark SDK's `AESCipher` and the
 * signature written out here from the spec. Nothing from the sandbox's push code or from dirgate's
 * receiver (`packages/providers/src/callbacks`) is used, so a bug in either cannot hide here.
 */

export interface Received {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Response {
  status?: number;
  body?: string;
  /** Answer this late (ms). */
  delayMs?: number;
  /** Drop the connection without answering. */
  hangUp?: boolean;
}

export type Responder = (req: Received) => Response | Promise<Response>;

export class TestReceiver {
  readonly requests: Received[] = [];
  respond: Responder = () => ({ status: 200 });
  #server: Server | undefined;

  async start(): Promise<string> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", async () => {
        const received: Received = {
          method: req.method ?? "GET",
          url: new URL(req.url ?? "/", "http://127.0.0.1"),
          headers: req.headers,
          body: Buffer.concat(chunks).toString("utf8"),
        };
        this.requests.push(received);
        const answer = await this.respond(received);
        if (answer.delayMs) await new Promise((r) => setTimeout(r, answer.delayMs));
        if (answer.hangUp) {
          res.socket?.destroy();
          return;
        }
        if (res.destroyed) return;
        res.writeHead(answer.status ?? 200, { "content-type": "application/json" });
        res.end(answer.body ?? "");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.#server = server;
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Requests to one connection's callback path. */
  to(connection: string): Received[] {
    return this.requests.filter((r) => r.url.pathname === `/v1/connections/${connection}/callback`);
  }
}

function sha1Sorted(...parts: string[]): string {
  // Byte order; every part here is ASCII, where JS's default sort agrees.
  return createHash("sha1").update(parts.sort().join("")).digest("hex");
}

export interface WxCredentials {
  token: string;
  encodingAESKey: string;
  receiveId: string;
}

/** Verifies and decrypts a DingTalk push; throws when the signature or the owner key is wrong. */
export function openDingTalk(req: Received, creds: WxCredentials): Record<string, unknown> {
  const q = req.url.searchParams;
  const { encrypt } = JSON.parse(req.body) as { encrypt: string };
  const expected = wecom.getSignature(creds.token, q.get("timestamp")!, q.get("nonce")!, encrypt);
  if (q.get("signature") !== expected) throw new Error("DingTalk signature does not verify");
  if (expected !== sha1Sorted(creds.token, q.get("timestamp")!, q.get("nonce")!, encrypt)) {
    throw new Error("the two signature implementations disagree");
  }
  const { message, id } = wecom.decrypt(creds.encodingAESKey, encrypt);
  if (id !== creds.receiveId) throw new Error(`encrypted for ${id}`);
  return JSON.parse(message) as Record<string, unknown>;
}

/** The reply DingTalk wants: `success`, encrypted and signed by the receiver (here with @wecom/crypto). */
export function dingTalkSuccess(creds: WxCredentials, message = "success"): string {
  const timeStamp = String(Date.now());
  const nonce = "n0nce123";
  const encrypt = wecom.encrypt(creds.encodingAESKey, message, creds.receiveId);
  const msg_signature = wecom.getSignature(creds.token, timeStamp, nonce, encrypt);
  return JSON.stringify({ msg_signature, timeStamp, nonce, encrypt });
}

/** Verifies and decrypts a WeCom POST: the XML envelope, `msg_signature` over `Encrypt`, the corp id. */
export function openWeCom(
  req: Received,
  creds: WxCredentials,
): { envelope: Record<string, string>; xml: string } {
  const envelope = Object.fromEntries(
    [...req.body.matchAll(/<(\w+)><!\[CDATA\[([^\]]*)\]\]><\/\1>/g)].map((m) => [m[1]!, m[2]!]),
  );
  const q = req.url.searchParams;
  const encrypt = envelope["Encrypt"]!;
  const expected = wecom.getSignature(creds.token, q.get("timestamp")!, q.get("nonce")!, encrypt);
  if (q.get("msg_signature") !== expected) throw new Error("WeCom msg_signature does not verify");
  const { message, id } = wecom.decrypt(creds.encodingAESKey, encrypt);
  if (id !== creds.receiveId) throw new Error(`encrypted for ${id}`);
  return { envelope, xml: message };
}

/** The WeCom GET handshake: verifies, decrypts `echostr`, returns the plaintext to answer. */
export function answerWeComEcho(req: Received, creds: WxCredentials): string {
  const q = req.url.searchParams;
  const echostr = q.get("echostr")!;
  const expected = wecom.getSignature(creds.token, q.get("timestamp")!, q.get("nonce")!, echostr);
  if (q.get("msg_signature") !== expected) throw new Error("WeCom echostr signature does not verify");
  const { message, id } = wecom.decrypt(creds.encodingAESKey, echostr);
  if (id !== creds.receiveId) throw new Error(`encrypted for ${id}`);
  return message;
}

/** Text of one element of a decrypted WeCom message (CDATA or not); undefined when absent. */
export function xmlField(xml: string, name: string): string | undefined {
  const m = new RegExp(`<${name}>(?:<!\\[CDATA\\[([\\s\\S]*?)\\]\\]>|([^<]*))</${name}>`).exec(xml);
  return m ? (m[1] ?? m[2]) : undefined;
}

export interface FeishuCredentials {
  verificationToken: string;
  encryptKey: string;
}

/** Verifies `X-Lark-Signature` over the raw body and decrypts with the Lark SDK. */
export function openFeishu(req: Received, creds: FeishuCredentials, options: { signed?: boolean } = {}) {
  if (options.signed !== false) {
    const timestamp = String(req.headers["x-lark-request-timestamp"]);
    const nonce = String(req.headers["x-lark-request-nonce"]);
    const expected = createHash("sha256")
      .update(timestamp + nonce + creds.encryptKey + req.body)
      .digest("hex");
    if (req.headers["x-lark-signature"] !== expected) throw new Error("X-Lark-Signature does not verify");
  }
  const { encrypt } = JSON.parse(req.body) as { encrypt: string };
  return JSON.parse(new AESCipher(creds.encryptKey).decrypt(encrypt)) as Record<string, any>;
}
