import type { UpstreamResponse } from "@dirgate/core";
import * as z from "zod";
import { numish } from "../coerce.ts";
import { type Envelope, type ErrorRule, rule, type TransportSpec, tokenFields } from "../transport.ts";
import type { WeComConnection } from "./connection.ts";

/**
 * WeCom `qyapi.weixin.qq.com/cgi-bin` as data (PROTOCOLS §0, §4, §7.4): HTTP 200 on every failure,
 * `errcode` decides; the token travels in the URL (`access_token=`), so the shared transport scrubs
 * it from everything it throws or logs. Meanings: the global code list (path/90313, transcribed in
 * WxJava's `WxCpErrorMsgEnum`) and each API's own page, cited per endpoint.
 */

/** 60011 (无权限): the app's visibility scope (可见范围) leaves the member or department out. */
const outOfScope = rule(
  "PROVIDER_PERMISSION_DENIED",
  "{call}: the member or department is outside the WeCom app's visibility scope (可见范围, errcode 60011)",
);
const noUser = rule("USER_NOT_FOUND", "no such user");
const noDepartment = rule("DEPARTMENT_NOT_FOUND", "no such department");
const invalid = rule("INVALID_REQUEST", "{call}: WeCom rejected a parameter (errcode {code})");

/** 企业可信IP (PROTOCOLS §7.4): what the operator has to do, since only they can. */
export const UNTRUSTED_IP_DETAIL =
  "WeCom refused the call: this deployment's egress IP is not among the app's trusted IPs (企业可信IP, errcode 60020). " +
  "Register the deployment's egress IPs with the app: deploy with fixed egress (DIRGATE_FIXED_EGRESS=1) and add every " +
  "address of the `egressIps` output to the app's 企业可信IP in the WeCom admin console (a 代开发 app: the service " +
  "provider's IP whitelist). Lambda's default egress addresses change, so they cannot be registered.";

const ENDPOINTS = {
  // 手机号获取userid (95402 / 96267): body {mobile}; 46004 = no member has it (PROTOCOLS §4.2).
  getuserid: {
    method: "POST",
    path: "/cgi-bin/user/getuserid",
    codes: { "46004": noUser, "40058": rule("INVALID_REQUEST", "{call}: WeCom rejected the mobile (40058)") },
  },
  // 邮箱获取userid (95895 / 96268): body {email, email_type}.
  get_userid_by_email: {
    method: "POST",
    path: "/cgi-bin/user/get_userid_by_email",
    codes: { "46004": noUser, "40058": rule("INVALID_REQUEST", "{call}: WeCom rejected the email (40058)") },
  },
  // 读取成员 (90196 / 96255): 60111 unknown userid, 40003 malformed one, 41009 none.
  "user.get": {
    method: "GET",
    path: "/cgi-bin/user/get",
    codes: { "60111": noUser, "40003": noUser, "46004": noUser },
  },
  // 获取部门成员详情 (90201 / 96260): a department's direct members, each as user/get shows them.
  "user.list": { method: "GET", path: "/cgi-bin/user/list", codes: { "60123": noDepartment } },
  // 获取单个部门详情 (95351 / 95407) and 获取子部门ID列表 (95350 / 95406): 60123 无效的部门id.
  "department.get": { method: "GET", path: "/cgi-bin/department/get", codes: { "60123": noDepartment } },
  "department.simplelist": {
    method: "GET",
    path: "/cgi-bin/department/simplelist",
    codes: { "60123": noDepartment },
  },
} as const;
export type WeComEndpoint = keyof typeof ENDPOINTS;

const token: ErrorRule = rule("UPSTREAM_AUTH_FAILED", "{call}: WeCom rejected the access token", {
  tokenRejected: true,
});
const secret = rule(
  "UPSTREAM_AUTH_FAILED",
  "{call}: WeCom rejected the connection's corpSecret (errcode {code})",
);
const corpId = rule(
  "UPSTREAM_AUTH_FAILED",
  "{call}: WeCom does not know the connection's corpId (errcode {code})",
);

const EnvelopeSchema = z.looseObject({ errcode: numish, errmsg: z.string().optional() });

/**
 * Splits WeCom's errmsg into what it says and its hint: `"<text>, hint: [<id>], from ip: <caller>,
 * more info at https://open.work.weixin.qq.com/devtool/query?e=<code>"` (PROTOCOLS §4.4). The hint
 * is WeCom's request id (what its support asks for); the `from ip` is this deployment's own egress
 * address, left out of what is reported (see UNTRUSTED_IP_DETAIL for why it is not needed).
 */
export function splitErrmsg(errmsg: string | undefined): { message?: string; hint?: string } {
  if (errmsg === undefined) return {};
  const hint = /hint:\s*\[([^\]]*)\]/.exec(errmsg)?.[1];
  const cut = errmsg.search(/,?\s*(?:hint:\s*\[|from ip:|more info at\s)/);
  const message = (cut >= 0 ? errmsg.slice(0, cut) : errmsg).trim();
  return { ...(message ? { message } : {}), ...(hint ? { hint } : {}) };
}

function readWeCom(response: UpstreamResponse): Envelope {
  if (response.status >= 500) return { ok: false, code: `HTTP ${response.status}`, pseudo: true };
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.text);
  } catch {
    // A truncated body on 200 is transient; nginx's 404 page means no such API at this base URL.
    const code = response.status === 200 ? "not-json" : `HTTP ${response.status}`;
    return { ok: false, code, pseudo: true };
  }
  const envelope = EnvelopeSchema.safeParse(parsed);
  if (!envelope.success) return { ok: false, code: "unexpected-body", pseudo: true };
  const body = envelope.data;
  if (body.errcode === 0) return { ok: true, body };
  const { message, hint } = splitErrmsg(body.errmsg);
  return { ok: false, code: String(body.errcode), message, requestId: hint };
}

export const WECOM_TRANSPORT: TransportSpec<WeComConnection, WeComEndpoint> = {
  provider: "wecom",
  displayName: "WeCom",
  defaultBaseUrl: "https://qyapi.weixin.qq.com",
  token: {
    // path/91039: corpid and corpsecret in the query; 7200 s; each secret its own token.
    endpoint: {
      method: "GET",
      path: "/cgi-bin/gettoken",
      // At gettoken, 40001 is the secret itself ("invalid credential"), not a token to drop.
      codes: { "40001": secret, "40091": secret, "41004": secret, "40013": corpId, "41002": corpId },
    },
    request: (config) => ({ query: { corpid: config.corpId, corpsecret: config.corpSecret } }),
    read: tokenFields("access_token", "expires_in"),
    secrets: (config) => [config.corpSecret],
    identity: (config) => `${config.corpId}\n${config.corpSecret}`,
  },
  auth: { in: "query", name: "access_token" },
  read: readWeCom,
  codes: {
    // WxJava ACCESS_TOKEN_ERROR_CODES (40001, 40014, 42001): drop the token, fetch one again, once.
    // An expired token may come back as 40014 rather than 42001 (PROTOCOLS §4.4).
    "40014": token,
    "42001": token,
    "41001": token,
    "40001": token,
    "40013": corpId,
    "40091": secret,
    // 90454: every ban (minute, hour, day) answers 45009; a minute ban lasts 60 s. The lookup APIs'
    // daily error budget answers it too: lookup-budget.ts tells the two apart.
    "45009": rule(
      "UPSTREAM_RATE_LIMITED",
      "{call}: WeCom's per-corp limit for this API was reached (45009)",
      {
        retryable: true,
        retryAfterMs: 60_000,
      },
    ),
    "45033": rule("UPSTREAM_RATE_LIMITED", "{call}: too many concurrent calls to this WeCom API (45033)", {
      retryable: true,
      retryAfterMs: 1_000,
    }),
    // 系统繁忙: WxJava retries it (1 s · 2^n); so does the shared request function.
    "-1": rule("UPSTREAM_UNAVAILABLE", "{call}: WeCom is busy (-1)", { retryable: true }),
    "60011": outOfScope,
    "50002": outOfScope,
    "60020": rule("PROVIDER_PERMISSION_DENIED", `{call}: ${UNTRUSTED_IP_DETAIL}`),
    "48002": rule(
      "PROVIDER_PERMISSION_DENIED",
      "{call}: the WeCom app may not call this API (48002: api forbidden for this secret)",
    ),
    "50003": rule("PROVIDER_PERMISSION_DENIED", "{call}: the WeCom app is disabled (50003)"),
    "60111": noUser,
    "46004": noUser,
    "40003": noUser,
    "60123": noDepartment,
    "60003": noDepartment,
    "40058": invalid,
    "not-json": rule("UPSTREAM_UNAVAILABLE", "{call}: WeCom answered a body that is not JSON", {
      retryable: true,
    }),
    "unexpected-body": rule("UPSTREAM_ERROR", "{call}: WeCom answered a body without errcode"),
  },
  statuses: {
    "429": rule("UPSTREAM_RATE_LIMITED", "{call}: WeCom answered HTTP 429", { retryable: true }),
    "404": rule("UPSTREAM_ERROR", "{call}: no such WeCom API at the connection's base URL (HTTP 404)"),
    "5xx": rule("UPSTREAM_UNAVAILABLE", "{call}: WeCom answered {code}", { retryable: true }),
  },
  unrecognised: rule("UPSTREAM_ERROR", "{call}: WeCom answered errcode {code}"),
  endpoints: ENDPOINTS,
};
