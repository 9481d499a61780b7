import { DirgateError, type ErrorCode, retryAfterMs, type UpstreamResponse } from "@dirgate/core";
import * as z from "zod";

/**
 * Feishu puts `code` in the body *and* uses non-2xx statuses (PROTOCOLS §2.3–2.4): both are read.
 * `notFound` says what 40004/41050 mean for the calling operation.
 */
const TOKEN_CODES = new Set([99991661, 99991663, 99991664, 99991665, 99991668, 99991671, 99991677]);
const RATE_CODES = new Set([99991400, 1000004, 1000005]);
const CREDENTIAL_CODES = new Set([10003, 10014, 99991543, 99991662, 99991673]);
const PERMISSION_CODES = new Set([99991672, 99991676, 99991679, 99991401]);
const INVALID_CODES = new Set([40009, 40011, 40012, 99992402]);

const EnvelopeSchema = z.looseObject({
  code: z.number(),
  msg: z.string().optional(),
  error: z.looseObject({ log_id: z.string().optional() }).optional(),
});

export interface FeishuContext {
  /** What a code means for this operation, e.g. 40004 → DEPARTMENT_NOT_FOUND. */
  codes?: Record<number, ErrorCode>;
}

export function interpretFeishu(
  response: UpstreamResponse,
  name: string,
  context: FeishuContext = {},
): Record<string, unknown> {
  const resetMs = retryAfterMs(response.headers.get("x-ogw-ratelimit-reset"));
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.text);
  } catch {
    parsed = undefined;
  }
  const envelope = EnvelopeSchema.safeParse(parsed);
  if (!envelope.success) {
    if (response.status === 429) {
      throw new DirgateError("UPSTREAM_RATE_LIMITED", `${name}: Feishu answered HTTP 429`, {
        retryable: true,
        retryAfterMs: resetMs,
      });
    }
    throw new DirgateError(
      "UPSTREAM_UNAVAILABLE",
      `${name}: Feishu answered HTTP ${response.status} without a JSON body`,
      {
        retryable: response.status >= 500 || response.status === 200,
      },
    );
  }
  const { code, msg, error } = envelope.data;
  if (code === 0 && response.status < 300) return envelope.data;
  const upstream = {
    code: String(code),
    message: msg,
    requestId: error?.log_id ?? response.headers.get("x-tt-logid") ?? undefined,
  };
  const contextual = context.codes?.[code];
  if (contextual) {
    const message =
      contextual === "DEPARTMENT_NOT_FOUND"
        ? "no such department, or it is outside the app's contact scope"
        : contextual === "USER_NOT_FOUND"
          ? "no such user, or the user is outside the app's contact scope"
          : `${name}: Feishu answered code ${code}`;
    throw new DirgateError(contextual, message, { upstream });
  }
  if (TOKEN_CODES.has(code)) {
    throw new DirgateError("UPSTREAM_AUTH_FAILED", `${name}: Feishu rejected the access token`, {
      upstream,
      tokenRejected: true,
    });
  }
  if (RATE_CODES.has(code) || response.status === 429) {
    throw new DirgateError("UPSTREAM_RATE_LIMITED", `${name}: Feishu rate limit reached`, {
      upstream,
      retryable: true,
      retryAfterMs: resetMs ?? 1_000,
    });
  }
  if (code === 99991403) {
    throw new DirgateError(
      "UPSTREAM_RATE_LIMITED",
      `${name}: the tenant's monthly Feishu API quota is used up`,
      { upstream },
    );
  }
  if (CREDENTIAL_CODES.has(code)) {
    throw new DirgateError("UPSTREAM_AUTH_FAILED", `${name}: Feishu rejected the app credentials`, {
      upstream,
    });
  }
  if (PERMISSION_CODES.has(code)) {
    throw new DirgateError(
      "PROVIDER_PERMISSION_DENIED",
      `${name}: the Feishu app lacks the scope for this call`,
      { upstream },
    );
  }
  if (INVALID_CODES.has(code)) {
    throw new DirgateError(
      "INVALID_REQUEST",
      code === 40012 ? "pageToken is not valid" : `${name}: Feishu rejected a parameter`,
      {
        upstream,
      },
    );
  }
  if (code === 2200 || response.status >= 500) {
    throw new DirgateError("UPSTREAM_UNAVAILABLE", `${name}: Feishu internal error`, {
      upstream,
      retryable: true,
    });
  }
  throw new DirgateError("UPSTREAM_ERROR", `${name}: Feishu answered code ${code}`, { upstream });
}
