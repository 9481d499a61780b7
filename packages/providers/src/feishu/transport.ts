import { retryAfterMs, type UpstreamResponse } from "@dirgate/core";
import * as z from "zod";
import { type Envelope, type ErrorRule, rule, type TransportSpec, tokenFields } from "../transport.ts";
import type { FeishuConnection } from "./connection.ts";

/**
 * Feishu/Lark open platform as data (PROTOCOLS §2): `code` in the body *and* non-2xx statuses —
 * both are read; 429 + `x-ogw-ratelimit-reset` seconds.
 */
const userOutOfScope: ErrorRule = {
  code: "USER_NOT_FOUND",
  message: "no such user, or the user is outside the app's contact scope",
};
const departmentOutOfScope: ErrorRule = {
  code: "DEPARTMENT_NOT_FOUND",
  message: "no such department, or it is outside the app's contact scope",
};

/** `departments/:id` and `/children` (PROTOCOLS §2; the department/get and /children error tables). */
const departmentCodes = {
  "40004": departmentOutOfScope,
  "40015": { code: "DEPARTMENT_NOT_FOUND", message: "no such department" },
} as const satisfies Record<string, ErrorRule>;

const ENDPOINTS = {
  batch_get_id: { method: "POST", path: "/open-apis/contact/v3/users/batch_get_id" },
  "department.get": {
    method: "GET",
    path: "/open-apis/contact/v3/departments/{department_id}",
    codes: departmentCodes,
  },
  "department.children": {
    method: "GET",
    path: "/open-apis/contact/v3/departments/{department_id}/children",
    codes: {
      ...departmentCodes,
      // "big dept forbid recursion error": Feishu will not list a very large department's subtree.
      "43010": rule("UPSTREAM_ERROR", "{call}: Feishu refuses to list this department's subtree (43010)"),
    },
  },
  "user.get": {
    method: "GET",
    path: "/open-apis/contact/v3/users/{user_id}",
    codes: { "41050": userOutOfScope },
  },
  /**
   * `?user_ids=a&user_ids=b…` (≤ 50): users Feishu does not show the app are left out of `items`.
   * Its page lists 400 40001 "invalid parameter" and 400 41050 without saying when 41050 comes: as
   * an answer for every id asked, it is the app's scope refused, not one user missing.
   */
  "users.batch": {
    method: "GET",
    path: "/open-apis/contact/v3/users/batch",
    codes: {
      "40001": rule("INVALID_REQUEST", "{call}: Feishu rejected a parameter"),
      "41050": { code: "PROVIDER_PERMISSION_DENIED", message: "{call}: Feishu answered code 41050" },
    },
  },
  find_by_department: {
    method: "GET",
    path: "/open-apis/contact/v3/users/find_by_department",
    codes: {
      "40004": departmentOutOfScope,
      "41050": { code: "PROVIDER_PERMISSION_DENIED", message: "{call}: Feishu answered code 41050" },
    },
  },
} as const;
export type FeishuEndpoint = keyof typeof ENDPOINTS;

const token = rule("UPSTREAM_AUTH_FAILED", "{call}: Feishu rejected the access token", {
  tokenRejected: true,
});
const rate = rule("UPSTREAM_RATE_LIMITED", "{call}: Feishu rate limit reached", {
  retryable: true,
  retryAfterMs: 1_000,
});
const credentials = rule("UPSTREAM_AUTH_FAILED", "{call}: Feishu rejected the app credentials");
const permission = rule("PROVIDER_PERMISSION_DENIED", "{call}: the Feishu app lacks the scope for this call");
const invalid = rule("INVALID_REQUEST", "{call}: Feishu rejected a parameter");

const EnvelopeSchema = z.looseObject({
  code: z.number(),
  msg: z.string().optional(),
  error: z.looseObject({ log_id: z.string().optional() }).optional(),
});

function readFeishu(response: UpstreamResponse): Envelope {
  const reset = retryAfterMs(response.headers.get("x-ogw-ratelimit-reset"));
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.text);
  } catch {
    parsed = undefined;
  }
  const envelope = EnvelopeSchema.safeParse(parsed);
  if (!envelope.success) {
    const code = response.status === 200 ? "not-json" : `HTTP ${response.status}`;
    return { ok: false, code, pseudo: true, retryAfterMs: reset };
  }
  const { code, msg, error } = envelope.data;
  if (code === 0 && response.status < 300) return { ok: true, body: envelope.data };
  return {
    ok: false,
    code: String(code),
    message: msg,
    requestId: error?.log_id ?? response.headers.get("x-tt-logid") ?? undefined,
    retryAfterMs: reset,
  };
}

export const FEISHU_TRANSPORT: TransportSpec<FeishuConnection, FeishuEndpoint> = {
  provider: "feishu",
  displayName: "Feishu",
  defaultBaseUrl: "https://open.feishu.cn",
  token: {
    endpoint: { method: "POST", path: "/open-apis/auth/v3/tenant_access_token/internal" },
    request: (config) => ({ body: { app_id: config.appId, app_secret: config.appSecret } }),
    read: tokenFields("tenant_access_token", "expire"),
    secrets: (config) => [config.appSecret],
    identity: (config) => `${config.appId}\n${config.appSecret}`,
  },
  auth: { in: "bearer" },
  read: readFeishu,
  codes: {
    ...Object.fromEntries(
      ["99991661", "99991663", "99991664", "99991665", "99991668", "99991671", "99991677"].map((c) => [
        c,
        token,
      ]),
    ),
    "99991400": rate,
    "1000004": rate,
    "1000005": rate,
    "99991403": rule("UPSTREAM_RATE_LIMITED", "{call}: the tenant's monthly Feishu API quota is used up"),
    ...Object.fromEntries(
      ["10003", "10014", "99991543", "99991662", "99991673"].map((c) => [c, credentials]),
    ),
    ...Object.fromEntries(["99991672", "99991676", "99991679", "99991401"].map((c) => [c, permission])),
    "40009": invalid,
    "40011": invalid,
    "99992402": invalid,
    // A cursor inside our token that Feishu refuses: the same answer as a token we did not issue.
    "40012": rule("INVALID_REQUEST", "pageToken is not one this query returned"),
    "2200": rule("UPSTREAM_UNAVAILABLE", "{call}: Feishu internal error", { retryable: true }),
    "not-json": rule("UPSTREAM_UNAVAILABLE", "{call}: Feishu answered HTTP 200 without a JSON body", {
      retryable: true,
    }),
  },
  statuses: {
    "429": rate,
    "5xx": rule("UPSTREAM_UNAVAILABLE", "{call}: Feishu answered {code}", { retryable: true }),
  },
  unrecognised: rule("UPSTREAM_ERROR", "{call}: Feishu answered code {code}"),
  endpoints: ENDPOINTS,
};
