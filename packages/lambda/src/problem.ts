import { DirgateError, ERROR_CODES } from "@dirgate/core";

/** An RFC 9457 problem document, with dirgate's stable `code`. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  requestId: string;
  upstream?: { code?: string; message?: string; requestId?: string };
  errors?: { path: string; message: string }[];
}

const TITLES: Record<string, string> = {
  INVALID_REQUEST: "The request is not valid",
  UNAUTHENTICATED: "Authentication required",
  FORBIDDEN: "This caller may not use this connection",
  CONNECTION_NOT_FOUND: "No such connection",
  USER_NOT_FOUND: "No such user",
  DEPARTMENT_NOT_FOUND: "No such department",
  ROUTE_NOT_FOUND: "No such route",
  METHOD_NOT_ALLOWED: "Method not allowed",
  PROVIDER_PERMISSION_DENIED: "The provider app lacks a permission",
  UNSUPPORTED_OPERATION: "The provider does not support this operation",
  UPSTREAM_RATE_LIMITED: "The provider's rate limit was reached",
  UPSTREAM_AUTH_FAILED: "The provider rejected the connection's credentials",
  UPSTREAM_ERROR: "The provider answered with an error",
  UPSTREAM_UNAVAILABLE: "The provider is unavailable",
  UPSTREAM_TIMEOUT: "The provider did not answer in time",
  CONFIG_INVALID: "The connection is misconfigured",
  INTERNAL: "Internal error",
};

/** Codes whose detail could reveal internals: the caller gets the title only. */
const OPAQUE = new Set(["INTERNAL"]);

/** Turns anything thrown into a problem document; internals never reach the caller. */
export function toProblem(error: unknown, requestId: string): Problem {
  const known = error instanceof DirgateError ? error : undefined;
  const code = known?.code ?? "INTERNAL";
  const status = known?.status ?? ERROR_CODES.INTERNAL;
  const title = TITLES[code] ?? "Error";
  return {
    type: `urn:dirgate:problem:${code.toLowerCase().replace(/_/g, "-")}`,
    title,
    status,
    detail: known && !OPAQUE.has(code) ? known.message : title,
    code,
    requestId,
    ...(known?.upstream ? { upstream: known.upstream } : {}),
    ...(known?.details ? { errors: known.details } : {}),
  };
}

/** The HTTP answer for a problem: status, `application/problem+json`, `Retry-After` on 429 and 503. */
export function problemResponse(error: unknown, requestId: string) {
  const problem = toProblem(error, requestId);
  const retryMs = error instanceof DirgateError ? error.retryAfterMs : undefined;
  const headers: Record<string, string> = { "content-type": "application/problem+json" };
  if (problem.status === 429 || (problem.status === 503 && retryMs !== undefined)) {
    headers["retry-after"] = String(Math.max(1, Math.ceil((retryMs ?? 1_000) / 1000)));
  }
  return { statusCode: problem.status, headers, body: JSON.stringify(problem) };
}
