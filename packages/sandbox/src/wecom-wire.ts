import { createHmac, randomBytes, randomInt } from "node:crypto";
import type { EmulatorRequest, Reply } from "./emulator.ts";

/**
 * WeCom's envelope: HTTP 200 with `{errcode, errmsg}`, the code also in `Error-Code` / `Error-Msg`
 * headers, and every failure's errmsg ending in WeCom's suffix. Observed on the wire:
 *
 *   Error-Code: 40001
 *   Error-Msg: invalid credential, hint: [1686402237354962763423746], from ip: 123.116.182.237, more info at https://open.work.weixin.qq.com/devtool/query?e=40001
 *   {"errcode": 40001, "errmsg": "invalid credential, hint: […], from ip: …, more info at …?e=40001"}
 *
 * (go-laoji/wecom-go-sdk README, a debug trace of 2023-06-10; the same headers in
 * ZacharyJia/serverchan#2 for 60111.) The hint is 25 digits: Unix seconds and 15 more.
 */

/** The caller's address as WeCom reports it (`from ip:`), IPv4-mapped IPv6 unwrapped. */
export function callerIp(req: EmulatorRequest): string {
  const address = req.remoteAddress ?? "127.0.0.1";
  return address.startsWith("::ffff:") ? address.slice(7) : address;
}

function hint(): string {
  let digits = "";
  while (digits.length < 15) digits += String(randomInt(0, 10));
  return `${Math.floor(Date.now() / 1000)}${digits}`;
}

function envelope(errcode: number, errmsg: string, body: Record<string, unknown>): Reply {
  return {
    status: 200,
    headers: {
      "content-type": "application/json; charset=UTF-8",
      "error-code": String(errcode),
      "error-msg": errmsg,
      server: "nginx",
    },
    body: { errcode, errmsg, ...body },
  };
}

/** A success: `{errcode: 0, errmsg: "ok", …}`. */
export function ok(body: Record<string, unknown> = {}): Reply {
  return envelope(0, "ok", body);
}

/** A failure in WeCom's words, with the hint / from ip / more info suffix. */
export function fail(
  req: EmulatorRequest,
  errcode: number,
  text: string,
  extra: Record<string, unknown> = {},
): Reply {
  const errmsg = `${text}, hint: [${hint()}], from ip: ${callerIp(req)}, more info at https://open.work.weixin.qq.com/devtool/query?e=${errcode}`;
  return envelope(errcode, errmsg, extra);
}

/**
 * The English errmsg texts. Sources: the wire samples quoted with each (GitHub issues and SDK
 * tests), WxJava's `WxCpErrorMsgEnum` for the meaning of each code (global list, path/90313).
 */
export const TEXT = {
  /** wechatpy/chatgpt-on-wechat traces; WxJava `CODE_1` 系统繁忙. */
  busy: "system busy",
  /** go-laoji/wecom-go-sdk trace (gettoken with a wrong secret). */
  invalidCredential: "invalid credential",
  /** "invalid corpid, hint: [1589708713_50_…]" (a Java sample's recorded answer). */
  invalidCorpId: "invalid corpid",
  /** JS-banana/notify-server#43 and the WxJava-style enum of a Go SDK ("invalid access_token"). */
  invalidToken: "invalid access_token",
  /** "access_token expired, more info at …?e=42001" (a Go service's recorded answer). */
  expiredToken: "access_token expired",
  /** wayshall's WechatErrors enum: ACCESS_TOKEN_MISSING(41001, "access_token missing"). */
  missingToken: "access_token missing",
  /** Wire: {"errcode":45009,"errmsg":"api freq out of limit"}. */
  freqLimit: "api freq out of limit",
  /** Wire: "api concurrent out of limit, hint: [1684771447235730429443947], from ip: …". */
  concurrency: "api concurrent out of limit",
  /** Live sample in PROTOCOLS §4.4 — note the space before the comma. */
  noPrivilege: "no privilege to access/modify contact/party/agent ",
  /** PROTOCOLS §7.4 (lyc8503/WechatPush#1, Micro-sheep/wechat_work#3). */
  untrustedIp: "not allow to access from your ip",
  /** ZacharyJia/serverchan#2: "userid not found, hint: […]". */
  userIdNotFound: "userid not found",
  /** Wire: {"errcode":48002,"errmsg":"api forbidden"} (a list_id client's test). */
  apiForbidden: "api forbidden",
  // No wire sample found for these; texts in the style of the others (codes from WxCpErrorMsgEnum).
  /** 46004 指定的用户不存在. */
  userNotExist: "user no exist",
  /** 40003 无效的UserID. */
  invalidUserId: "invalid userid",
  /** 41009 缺少userid参数 (worded like 41001's "access_token missing"). */
  missingUserId: "userid missing",
  /** 41002 缺少corpid参数. */
  missingCorpId: "corpid missing",
  /** 41004 缺少secret参数. */
  missingSecret: "corpsecret missing",
  /** 60123 无效的部门id. */
  invalidPartyId: "invalid party id",
  /** 50100 分页查询的游标无效. */
  invalidCursor: "invalid cursor",
} as const;

/**
 * 40058 不合法的参数, worded as WeCom words it: "text.content exceed max length 5120. invalid
 * Request Parameter" (a Flutter logger's recorded answer).
 */
export function invalidParameter(req: EmulatorRequest, detail: string, warning: boolean): Reply {
  return fail(req, 40058, `${warning ? JSON_WARNING : ""}${detail}. invalid Request Parameter`);
}

/**
 * "如果请求的参数不符合json规范…接口在返回的errmsg里会有“Warning: wrong json format.”" (global error
 * codes page; e.g. "Warning: wrong json format. invalid message type" for 40008).
 */
export const JSON_WARNING = "Warning: wrong json format. ";

/** A POST body as WeCom reads it: JSON, or nothing (with the json-format warning) when it is not. */
export function readBody(req: EmulatorRequest): { body: Record<string, unknown>; warning: boolean } {
  if (req.rawBody.trim() === "") return { body: {}, warning: false };
  try {
    const value: unknown = JSON.parse(req.rawBody);
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      return { body: value as Record<string, unknown>, warning: false };
    }
  } catch {
    // falls through
  }
  return { body: {}, warning: true };
}

/**
 * Tokens: "每个应用有独立的secret，获取到的access_token只能本应用使用" and "有效期内重复获取返回相同结果，
 * 过期后获取会返回新的access_token" (gettoken path/91039, as quoted in a 2023 copy). A repeated
 * gettoken returns the same token with the seconds it has left. "最长为512字节": real tokens are
 * ~200 characters of `[A-Za-z0-9_-]`, so these are 214 base64url characters (no encoding needed,
 * not hex). WeCom "可能会出于运营需要，提前使access_token失效": `revokeAll`.
 */
export class WeComTokenStore {
  private readonly byToken = new Map<string, { app: string; expiresAt: number }>();
  private readonly latest = new Map<string, string>();
  private readonly revoked = new Set<string>();

  issue(app: string, ttlSeconds: number, now = Date.now()): { token: string; expiresIn: number } {
    const current = this.latest.get(app);
    const entry = current ? this.byToken.get(current) : undefined;
    if (current && entry && entry.expiresAt > now && !this.revoked.has(current)) {
      return { token: current, expiresIn: Math.max(1, Math.floor((entry.expiresAt - now) / 1000)) };
    }
    const token = randomBytes(160).toString("base64url");
    this.byToken.set(token, { app, expiresAt: now + ttlSeconds * 1000 });
    this.latest.set(app, token);
    return { token, expiresIn: Math.round(ttlSeconds) };
  }

  check(token: string, now = Date.now()): { ok: true; app: string } | { ok: false; expired: boolean } {
    const entry = this.byToken.get(token);
    if (!entry || this.revoked.has(token)) return { ok: false, expired: false };
    if (entry.expiresAt <= now) return { ok: false, expired: true };
    return { ok: true, app: entry.app };
  }

  all(): string[] {
    return [...this.byToken.keys()];
  }

  revokeAll(): void {
    for (const token of this.byToken.keys()) this.revoked.add(token);
  }

  clear(): void {
    this.byToken.clear();
    this.latest.clear();
    this.revoked.clear();
  }
}

/**
 * list_id cursors: opaque, bound to this emulator, carrying the last row returned (userid and
 * department), so a page after a change to the org neither repeats nor skips a row still there.
 */
export class CursorCodec {
  private readonly key = randomBytes(16);

  encode(userId: string, deptId: number): string {
    const payload = Buffer.from(JSON.stringify([userId, deptId]));
    const mac = createHmac("sha256", this.key).update(payload).digest().subarray(0, 10);
    return Buffer.concat([mac, payload]).toString("base64url");
  }

  decode(cursor: string): [string, number] | undefined {
    const raw = Buffer.from(cursor, "base64url");
    if (raw.length <= 10) return undefined;
    const payload = raw.subarray(10);
    const mac = createHmac("sha256", this.key).update(payload).digest().subarray(0, 10);
    if (!mac.equals(raw.subarray(0, 10))) return undefined;
    try {
      const value: unknown = JSON.parse(payload.toString("utf8"));
      if (Array.isArray(value) && typeof value[0] === "string" && typeof value[1] === "number") {
        return [value[0], value[1]];
      }
    } catch {
      // falls through
    }
    return undefined;
  }
}
