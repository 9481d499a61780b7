import { retryAfterMs, type UpstreamResponse } from "@dirgate/core";
import * as z from "zod";
import { type Envelope, rule, type TransportSpec, tokenFields } from "../transport.ts";
import type { EiamConnection } from "./connection.ts";

/**
 * EIAM (Bamboocloud IDaaS / Huawei OneAccess) as data (PROTOCOLS §3): OAuth errors
 * `{error, error_description}` (an invalid token is HTTP 400 `invalid_token`), business errors
 * `{error_code: "USER.0001", error_msg}`.
 *
 * Sources (Bamboocloud, open.bccastle.com/en/development/eiam/api/…; Huawei OneAccess,
 * support.huaweicloud.com/api-oneaccess/…, the same paths and fields):
 * - `user-by-mobile`: …/user/phonenumber.html (seed 002); `user-by-email`: …/user/user-email.html
 *   (body `{email}`, the same answer as by mobile).
 * - `organization.get`: …/org/org-id.html, OneAccess ShowOrganizationById; unknown → 400 `ORG.0001`.
 * - `organizations`: …/org/obtain-org.html, OneAccess ListOrganizations: `org_id`, `all_child`,
 *   `offset` = page number from 0, `limit` 10–100 → `{total, organizations}`.
 * - `users`: OneAccess ListUsers (`GET /api/v2/tenant/users?org_id&offset&limit` → `{total, users}`).
 */
const ENDPOINTS = {
  "user-by-mobile": { method: "POST", path: "/api/v2/tenant/users/user-by-mobile" },
  "user-by-email": { method: "POST", path: "/api/v2/tenant/users/user-by-email" },
  "user.get": { method: "GET", path: "/api/v2/tenant/users/{user_id}" },
  users: { method: "GET", path: "/api/v2/tenant/users" },
  "organization.get": { method: "GET", path: "/api/v2/tenant/organizations/{org_id}" },
  organizations: { method: "GET", path: "/api/v2/tenant/organizations" },
} as const;
export type EiamEndpoint = keyof typeof ENDPOINTS;

const token = rule("UPSTREAM_AUTH_FAILED", "{call}: EIAM rejected the access token", { tokenRejected: true });
const notFound = rule("USER_NOT_FOUND", "no such user");

const ErrorSchema = z.looseObject({
  error: z.string().optional(),
  error_description: z.string().optional(),
  error_code: z.string().optional(),
  error_msg: z.string().optional(),
});

function readEiam(response: UpstreamResponse): Envelope {
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.text);
  } catch {
    parsed = undefined;
  }
  if (response.status >= 200 && response.status < 300) {
    if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) {
      return { ok: true, body: parsed as Record<string, unknown> };
    }
    return { ok: false, code: "not-json", pseudo: true };
  }
  const body = ErrorSchema.safeParse(parsed).data ?? {};
  return {
    ok: false,
    code: body.error_code ?? body.error ?? `HTTP ${response.status}`,
    message: body.error_msg ?? body.error_description,
    retryAfterMs: retryAfterMs(response.headers.get("retry-after")),
  };
}

export const EIAM_TRANSPORT: TransportSpec<EiamConnection, EiamEndpoint> = {
  provider: "eiam",
  displayName: "EIAM",
  token: {
    endpoint: {
      method: "POST",
      path: "/api/v2/tenant/token",
      body: "form",
      // Any client error of the token endpoint: the client credentials were refused.
      fallback: rule("UPSTREAM_AUTH_FAILED", "{call}: EIAM rejected the client credentials"),
    },
    request(config) {
      if (config.clientAuth === "form") {
        return {
          body: {
            grant_type: "client_credentials",
            client_id: config.clientId,
            client_secret: config.clientSecret,
          },
        };
      }
      // RFC 6749 §2.3.1: client_secret_basic form-encodes id and secret before base64.
      const basic = Buffer.from(
        `${encodeURIComponent(config.clientId)}:${encodeURIComponent(config.clientSecret)}`,
      ).toString("base64");
      return { body: { grant_type: "client_credentials" }, headers: { authorization: `Basic ${basic}` } };
    },
    read: tokenFields("access_token", "expires_in"),
    secrets: (config) => [config.clientSecret],
    identity: (config) => `${config.clientId}\n${config.clientSecret}\n${config.clientAuth}`,
  },
  auth: { in: "bearer" },
  read: readEiam,
  codes: {
    invalid_token: token,
    "USER.0001": notFound,
    "USER.0038": rule("INVALID_REQUEST", "EIAM does not accept this mobile number"),
    // "Organization does not exist" (org-id.html's error example).
    "ORG.0001": rule("DEPARTMENT_NOT_FOUND", "no such department"),
    "not-json": rule("UPSTREAM_UNAVAILABLE", "{call}: EIAM answered a body that is not JSON", {
      retryable: true,
    }),
  },
  patterns: [[/\.USER\.0001$/, notFound]],
  statuses: {
    "429": rule("UPSTREAM_RATE_LIMITED", "{call}: EIAM rate limit reached", { retryable: true }),
    "5xx": rule("UPSTREAM_UNAVAILABLE", "{call}: EIAM answered {code}", { retryable: true }),
    "401": token,
    "403": rule("PROVIDER_PERMISSION_DENIED", "{call}: the EIAM application lacks the API permission"),
  },
  unrecognised: rule("UPSTREAM_ERROR", "{call}: EIAM answered {code}"),
  endpoints: ENDPOINTS,
};
