import {
  DirgateError,
  ERROR_CODES,
  type ErrorCode,
  isDirgateError,
  isRetryable,
  ProblemSchema,
  toProblem,
} from "@dirgate/core";
import { describe, expect, it } from "vitest";

/**
 * The error family and its problem+json form (packages/core/src/errors.ts, problem.ts): the code →
 * status table is a public contract (README "Errors", docs/providers.md), codes are added, never
 * renamed, and internals never reach a caller.
 */
const STATUS: Record<ErrorCode, number> = {
  INVALID_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  CONNECTION_NOT_FOUND: 404,
  USER_NOT_FOUND: 404,
  DEPARTMENT_NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  REQUEST_TOO_LARGE: 413,
  PROVIDER_PERMISSION_DENIED: 403,
  UNSUPPORTED_OPERATION: 501,
  UPSTREAM_RATE_LIMITED: 429,
  UPSTREAM_AUTH_FAILED: 502,
  UPSTREAM_ERROR: 502,
  UPSTREAM_UNAVAILABLE: 503,
  UPSTREAM_TIMEOUT: 504,
  CONFIG_INVALID: 500,
  INTERNAL: 500,
};
const CODES = Object.keys(STATUS) as ErrorCode[];

describe("the error codes", () => {
  it("are exactly the documented ones, each with its HTTP status", () => {
    expect(ERROR_CODES).toEqual(STATUS);
  });

  it.each(CODES)("%s: a DirgateError carries the code's status", (code) => {
    const error = new DirgateError(code, "m");
    expect(error.code).toBe(code);
    expect(error.status).toBe(STATUS[code]);
  });
});

describe("DirgateError", () => {
  it("is an Error named DirgateError, final and keeping its token by default", () => {
    const error = new DirgateError("USER_NOT_FOUND", "no such user");
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("DirgateError");
    expect(error.message).toBe("no such user");
    expect(error.retryable).toBe(false);
    expect(error.tokenRejected).toBe(false);
    expect(error.retryAfterMs).toBeUndefined();
    expect(error.upstream).toBeUndefined();
    expect(error.details).toBeUndefined();
    expect("cause" in error).toBe(false);
    expect(String(error)).toBe("DirgateError: no such user");
  });

  it("keeps every option it is given", () => {
    const cause = new Error("inner");
    const error = new DirgateError("UPSTREAM_RATE_LIMITED", "slow down", {
      upstream: { code: "90002", message: "busy", requestId: "r-1" },
      retryable: true,
      retryAfterMs: 1_500,
      tokenRejected: true,
      details: [{ path: "mobile", message: "bad" }],
      cause,
    });
    expect(error).toMatchObject({
      upstream: { code: "90002", message: "busy", requestId: "r-1" },
      retryable: true,
      retryAfterMs: 1_500,
      tokenRejected: true,
      details: [{ path: "mobile", message: "bad" }],
    });
    expect(error.cause).toBe(cause);
  });

  it("withMessage: another message (and upstream), everything else kept", () => {
    const cause = new Error("inner");
    const original = new DirgateError("UPSTREAM_RATE_LIMITED", "secret in here", {
      upstream: { code: "1", message: "raw" },
      retryable: true,
      retryAfterMs: 2_000,
      tokenRejected: true,
      details: [{ path: "p", message: "m" }],
      cause,
    });
    const same = original.withMessage("scrubbed");
    expect(same).toBeInstanceOf(DirgateError);
    expect(same).not.toBe(original);
    expect(same).toMatchObject({
      code: "UPSTREAM_RATE_LIMITED",
      status: 429,
      message: "scrubbed",
      upstream: { code: "1", message: "raw" },
      retryable: true,
      retryAfterMs: 2_000,
      tokenRejected: true,
      details: [{ path: "p", message: "m" }],
    });
    expect(same.cause).toBe(cause);
    expect(original.withMessage("x", { code: "1", message: "clean" }).upstream).toEqual({
      code: "1",
      message: "clean",
    });
    const plain = new DirgateError("INTERNAL", "m").withMessage("n");
    expect(plain).toMatchObject({ retryable: false, tokenRejected: false });
    expect("cause" in plain).toBe(false);
  });

  it("toJSON: the caller-facing fields only, Retry-After in whole seconds rounded up", () => {
    const full = new DirgateError("UPSTREAM_RATE_LIMITED", "slow down", {
      upstream: { code: "429" },
      details: [{ path: "p", message: "m" }],
      retryAfterMs: 1_001,
      retryable: true,
      tokenRejected: true,
      cause: new Error("never shown"),
    });
    expect(JSON.parse(JSON.stringify(full))).toEqual({
      code: "UPSTREAM_RATE_LIMITED",
      status: 429,
      message: "slow down",
      upstream: { code: "429" },
      details: [{ path: "p", message: "m" }],
      retryAfterSeconds: 2,
    });
    expect(new DirgateError("INTERNAL", "m", { retryAfterMs: 0 }).toJSON()).toEqual({
      code: "INTERNAL",
      status: 500,
      message: "m",
      retryAfterSeconds: 0,
    });
    expect(new DirgateError("USER_NOT_FOUND", "m").toJSON()).toEqual({
      code: "USER_NOT_FOUND",
      status: 404,
      message: "m",
    });
  });

  it("isDirgateError tells DirgateErrors from anything else", () => {
    expect(isDirgateError(new DirgateError("INTERNAL", "m"))).toBe(true);
    expect(isDirgateError(new Error("m"))).toBe(false);
    expect(isDirgateError({ code: "INTERNAL", status: 500 })).toBe(false);
    expect(isDirgateError(undefined)).toBe(false);
  });

  it("isRetryable: what the error says; anything unclassified is retried", () => {
    expect(isRetryable(new DirgateError("UPSTREAM_UNAVAILABLE", "m", { retryable: true }))).toBe(true);
    expect(isRetryable(new DirgateError("USER_NOT_FOUND", "m"))).toBe(false);
    expect(isRetryable(new TypeError("crash"))).toBe(true);
    expect(isRetryable("thrown string")).toBe(true);
  });
});

describe("toProblem (RFC 9457)", () => {
  it.each(CODES)("%s: type, title, status and code", (code) => {
    const problem = toProblem(new DirgateError(code, "what happened"), "req-1");
    expect(problem.type).toBe(`urn:dirgate:problem:${code.toLowerCase().split("_").join("-")}`);
    expect(problem.status).toBe(STATUS[code]);
    expect(problem.code).toBe(code);
    expect(problem.requestId).toBe("req-1");
    expect(problem.title.length).toBeGreaterThan(0);
    expect(ProblemSchema.parse(problem)).toEqual(problem);
  });

  it("gives every code a title of its own", () => {
    const titles = CODES.map((code) => toProblem(new DirgateError(code, "m"), "r").title);
    expect(new Set(titles).size).toBe(CODES.length);
  });

  it("states a few titles as documented", () => {
    const title = (code: ErrorCode) => toProblem(new DirgateError(code, "m"), "r").title;
    expect(title("USER_NOT_FOUND")).toBe("No such user");
    expect(title("INTERNAL")).toBe("Internal error");
    expect(title("UPSTREAM_RATE_LIMITED")).toBe("The provider's rate limit was reached");
  });

  it("tells the caller the error's message as detail, with what upstream said and the invalid fields", () => {
    const problem = toProblem(
      new DirgateError("INVALID_REQUEST", "mobile is not a phone number", {
        upstream: { code: "400002", message: "无效的参数", requestId: "u-1" },
        details: [{ path: "mobile", message: "not a phone number" }],
      }),
      "req-2",
    );
    expect(problem).toEqual({
      type: "urn:dirgate:problem:invalid-request",
      title: "The request is not valid",
      status: 400,
      detail: "mobile is not a phone number",
      code: "INVALID_REQUEST",
      requestId: "req-2",
      upstream: { code: "400002", message: "无效的参数", requestId: "u-1" },
      errors: [{ path: "mobile", message: "not a phone number" }],
    });
  });

  it("leaves upstream and errors out when there are none", () => {
    const problem = toProblem(new DirgateError("USER_NOT_FOUND", "no such user"), "r");
    expect(Object.keys(problem).sort()).toEqual(["code", "detail", "requestId", "status", "title", "type"]);
  });

  it("never shows an internal error's message, nor anything thrown that is not a DirgateError", () => {
    const internal = toProblem(new DirgateError("INTERNAL", "db password=hunter2 at /srv/x.ts:12"), "r");
    expect(internal.detail).toBe("Internal error");
    for (const thrown of [
      new Error("stack and secrets"),
      "a string",
      undefined,
      { code: "USER_NOT_FOUND" },
    ]) {
      expect(toProblem(thrown, "r-9")).toEqual({
        type: "urn:dirgate:problem:internal",
        title: "Internal error",
        status: 500,
        detail: "Internal error",
        code: "INTERNAL",
        requestId: "r-9",
      });
    }
  });

  it("the schema refuses documents that are not dirgate problems", () => {
    const good = toProblem(new DirgateError("USER_NOT_FOUND", "m"), "r");
    expect(ProblemSchema.safeParse(good).success).toBe(true);
    expect(ProblemSchema.safeParse({ ...good, code: "NOT_A_CODE" }).success).toBe(false);
    expect(ProblemSchema.safeParse({ ...good, status: 404.5 }).success).toBe(false);
    expect(ProblemSchema.safeParse({ ...good, status: "404" }).success).toBe(false);
    for (const key of ["type", "title", "status", "detail", "code", "requestId"]) {
      const { [key]: _left, ...rest } = good as Record<string, unknown>;
      expect(ProblemSchema.safeParse(rest).success, key).toBe(false);
    }
    expect(ProblemSchema.safeParse({ ...good, upstream: { code: 1 } }).success).toBe(false);
    expect(ProblemSchema.safeParse({ ...good, upstream: {} }).success).toBe(true);
    expect(ProblemSchema.safeParse({ ...good, errors: [{ path: "p" }] }).success).toBe(false);
    expect(ProblemSchema.safeParse({ ...good, errors: [{ path: "p", message: "m" }] }).success).toBe(true);
  });
});
