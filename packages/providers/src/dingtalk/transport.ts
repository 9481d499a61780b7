import * as z from "zod";
import { numish } from "../coerce.ts";
import { type Envelope, type ErrorRule, type TransportSpec, tokenFields } from "../transport.ts";
import type { DingTalkConnection } from "./connection.ts";

/**
 * DingTalk `oapi` as data (PROTOCOLS §1). It answers HTTP 200 on every failure: `errcode` decides.
 * On `topapi/*` gateway failures come as `errcode 88` with a *string* `sub_code`; legacy endpoints
 * send the code itself. An IP ban answers an HTML page or `{"punish":"deny"}`.
 */
const ENDPOINTS = {
  getbymobile: { method: "POST", path: "/topapi/v2/user/getbymobile" },
  "user.get": { method: "POST", path: "/topapi/v2/user/get" },
  "user.list": { method: "POST", path: "/topapi/v2/user/list" },
  "department.get": { method: "POST", path: "/topapi/v2/department/get" },
  "department.listsub": { method: "POST", path: "/topapi/v2/department/listsub" },
  "legacy.user.get": { method: "GET", path: "/user/get" },
} as const;
export type DingTalkEndpoint = keyof typeof ENDPOINTS;

const IP_BAN_MS = 5 * 60_000;
const token: ErrorRule = {
  code: "UPSTREAM_AUTH_FAILED",
  message: "{call}: DingTalk rejected the access token",
  tokenRejected: true,
};
const credentials: ErrorRule = {
  code: "UPSTREAM_AUTH_FAILED",
  message: "{call}: DingTalk rejected the app credentials",
};
const permission: ErrorRule = {
  code: "PROVIDER_PERMISSION_DENIED",
  message: "{call}: the DingTalk app lacks the permission for this call",
};
const noUser: ErrorRule = { code: "USER_NOT_FOUND", message: "no such user" };
// 10 000 calls / 20 s per IP → 5 minutes off. Worth retrying later (a batch), never within a call.
const ipBan: ErrorRule = {
  code: "UPSTREAM_RATE_LIMITED",
  message: "{call}: DingTalk blocked this IP for making too many calls",
  retryable: true,
  retryAfterMs: IP_BAN_MS,
};

const EnvelopeSchema = z.looseObject({
  errcode: numish.optional(),
  errmsg: z.string().optional(),
  sub_code: z.union([z.string(), z.number()]).optional(),
  sub_msg: z.string().optional(),
  request_id: z.string().optional(),
  punish: z.string().optional(),
  wait: numish.optional(),
});

function readDingTalk(response: { status: number; text: string }): Envelope {
  if (response.status >= 500) return { ok: false, code: `HTTP ${response.status}`, pseudo: true };
  // An HTML page with HTTP 200 is the IP-dimension ban.
  if (/^\s*</.test(response.text)) return { ok: false, code: "ip-ban", message: "HTML throttle page" };
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.text);
  } catch {
    return { ok: false, code: "not-json", pseudo: true };
  }
  const envelope = EnvelopeSchema.safeParse(parsed);
  if (!envelope.success) return { ok: false, code: "unexpected-body", pseudo: true };
  const body = envelope.data;
  if (body.punish === "deny") {
    const wait = body.wait !== undefined ? body.wait * 60_000 : undefined;
    return { ok: false, code: "punish:deny", retryAfterMs: wait };
  }
  if (response.status === 429) return { ok: false, code: "HTTP 429", pseudo: true };
  if (body.errcode === undefined || body.errcode === 0) return { ok: true, body };
  const wrapped = body.errcode === 88 && body.sub_code !== undefined;
  const code = wrapped ? String(body.sub_code) : String(body.errcode);
  return {
    ok: false,
    code,
    reported: wrapped ? `88/${code}` : code,
    message: (wrapped ? body.sub_msg : body.errmsg) ?? body.errmsg,
    requestId: body.request_id,
  };
}

export const DINGTALK_TRANSPORT: TransportSpec<DingTalkConnection, DingTalkEndpoint> = {
  provider: "dingtalk",
  displayName: "DingTalk",
  defaultBaseUrl: "https://oapi.dingtalk.com",
  token: {
    // Parameters must be in the query string (PROTOCOLS §1.1).
    endpoint: { method: "GET", path: "/gettoken" },
    request: (config) => ({ query: { appkey: config.appKey, appsecret: config.appSecret } }),
    read: tokenFields("access_token", "expires_in"),
    secrets: (config) => [config.appSecret],
    identity: (config) => `${config.appKey}\n${config.appSecret}`,
  },
  auth: { in: "query", name: "access_token" },
  read: readDingTalk,
  codes: {
    "40014": token,
    "42001": token,
    "40001": token,
    "41001": token,
    "40000": token,
    "40096": credentials,
    "40089": credentials,
    "40035": credentials,
    "40091": credentials,
    "60011": permission,
    "60020": permission,
    "50002": permission,
    "50004": permission,
    "60121": noUser,
    "33012": noUser,
    "40104": noUser,
    "60003": { code: "DEPARTMENT_NOT_FOUND", message: "no such department" },
    "-1": { code: "UPSTREAM_UNAVAILABLE", message: "{call}: DingTalk is busy", retryable: true },
    "90020": {
      code: "UPSTREAM_RATE_LIMITED",
      message: "{call}: the organisation's monthly DingTalk API quota is used up",
    },
    "400002": { code: "INVALID_REQUEST", message: "{call}: DingTalk rejected a parameter" },
    "ip-ban": ipBan,
    "not-json": {
      code: "UPSTREAM_UNAVAILABLE",
      message: "{call}: DingTalk answered a body that is not JSON",
      retryable: true,
    },
    "unexpected-body": { code: "UPSTREAM_ERROR", message: "{call}: DingTalk answered an unexpected body" },
    "punish:deny": ipBan,
  },
  patterns: [
    // 90002 global, 90005/90006/90018/90019 per org/app: short blocks, about a second.
    [
      /^900\d\d$/,
      {
        code: "UPSTREAM_RATE_LIMITED",
        message: "{call}: DingTalk rate limit reached",
        retryable: true,
        retryAfterMs: 1_000,
      },
    ],
  ],
  statuses: {
    "429": { code: "UPSTREAM_RATE_LIMITED", message: "{call}: DingTalk answered HTTP 429", retryable: true },
    "5xx": { code: "UPSTREAM_UNAVAILABLE", message: "{call}: DingTalk answered {code}", retryable: true },
  },
  unrecognised: { code: "UPSTREAM_ERROR", message: "{call}: DingTalk answered errcode {code}" },
  endpoints: ENDPOINTS,
};
