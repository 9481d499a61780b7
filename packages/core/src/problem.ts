import * as z from "zod";
import { DirgateError, ERROR_CODES, type ErrorCode } from "./errors.ts";

/** An RFC 9457 problem document, with dirgate's stable `code`. */
export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]),
    requestId: z.string(),
    upstream: z
      .object({
        code: z.string().optional(),
        message: z.string().optional(),
        requestId: z.string().optional(),
      })
      .optional()
      .describe("What the provider said, when it spoke (never a token)"),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .describe("The invalid fields, for INVALID_REQUEST"),
  })
  .describe("An RFC 9457 problem document");
export type Problem = z.infer<typeof ProblemSchema>;

const TITLES: Record<ErrorCode, string> = {
  INVALID_REQUEST: "The request is not valid",
  UNAUTHENTICATED: "Authentication required",
  FORBIDDEN: "This caller may not use this connection",
  CONNECTION_NOT_FOUND: "No such connection",
  USER_NOT_FOUND: "No such user",
  DEPARTMENT_NOT_FOUND: "No such department",
  ROUTE_NOT_FOUND: "No such route",
  METHOD_NOT_ALLOWED: "Method not allowed",
  REQUEST_TOO_LARGE: "The request is too large",
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
const OPAQUE = new Set<ErrorCode>(["INTERNAL"]);

/** Turns anything thrown into a problem document; internals never reach the caller. */
export function toProblem(error: unknown, requestId: string): Problem {
  const known = error instanceof DirgateError ? error : undefined;
  const code = known?.code ?? "INTERNAL";
  const status = known?.status ?? ERROR_CODES.INTERNAL;
  const title = TITLES[code];
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
