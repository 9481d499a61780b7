import { DirgateError, retryAfterMs, type UpstreamResponse } from "@dirgate/core";
import * as z from "zod";

/**
 * EIAM (Bamboocloud IDaaS / Huawei OneAccess): OAuth errors `{error, error_description}` (an
 * invalid token is HTTP 400 `invalid_token`), business errors `{error_code:"USER.0001", error_msg}`.
 */
const ErrorSchema = z.looseObject({
  error: z.string().optional(),
  error_description: z.string().optional(),
  error_code: z.string().optional(),
  error_msg: z.string().optional(),
});

export function interpretEiam(
  response: UpstreamResponse,
  name: string,
  stage: "token" | "api" = "api",
): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.text);
  } catch {
    parsed = undefined;
  }
  if (response.status >= 200 && response.status < 300) {
    if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
    throw new DirgateError("UPSTREAM_UNAVAILABLE", `${name}: EIAM answered a body that is not JSON`, {
      retryable: true,
    });
  }
  const body = ErrorSchema.safeParse(parsed).data ?? {};
  const upstream = {
    code: body.error_code ?? body.error ?? `HTTP ${response.status}`,
    message: body.error_msg ?? body.error_description,
  };
  if (response.status === 429) {
    throw new DirgateError("UPSTREAM_RATE_LIMITED", `${name}: EIAM rate limit reached`, {
      upstream,
      retryable: true,
      retryAfterMs: retryAfterMs(response.headers.get("retry-after")),
    });
  }
  if (response.status >= 500) {
    throw new DirgateError("UPSTREAM_UNAVAILABLE", `${name}: EIAM answered HTTP ${response.status}`, {
      upstream,
      retryable: true,
    });
  }
  if (stage === "token") {
    throw new DirgateError("UPSTREAM_AUTH_FAILED", `${name}: EIAM rejected the client credentials`, {
      upstream,
    });
  }
  if (body.error === "invalid_token" || response.status === 401) {
    throw new DirgateError("UPSTREAM_AUTH_FAILED", `${name}: EIAM rejected the access token`, {
      upstream,
      tokenRejected: true,
    });
  }
  if (response.status === 403) {
    throw new DirgateError(
      "PROVIDER_PERMISSION_DENIED",
      `${name}: the EIAM application lacks the API permission`,
      { upstream },
    );
  }
  if (body.error_code === "USER.0001" || body.error_code?.endsWith(".USER.0001")) {
    throw new DirgateError("USER_NOT_FOUND", "no such user", { upstream });
  }
  if (body.error_code === "USER.0038") {
    throw new DirgateError("INVALID_REQUEST", "EIAM does not accept this mobile number", { upstream });
  }
  throw new DirgateError("UPSTREAM_ERROR", `${name}: EIAM answered ${upstream.code}`, { upstream });
}
