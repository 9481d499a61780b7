import { DirgateError } from "@dirgate/core";
import { problemResponse } from "@dirgate/lambda";
import { describe, expect, it } from "vitest";

/**
 * The HTTP answer for a failure (packages/lambda/src/problem.ts): an RFC 9457 document as
 * `application/problem+json` with the code's status, and `Retry-After` (whole seconds, at least 1)
 * on every 429 and on a 503 that knows how long to wait.
 */
const answer = (error: unknown, options?: { status?: number }) => {
  const response = problemResponse(error, "req-1", options);
  return { ...response, problem: JSON.parse(response.body) as Record<string, unknown> };
};

describe("problemResponse", () => {
  it("answers the problem document with its status and media type", () => {
    const r = answer(new DirgateError("USER_NOT_FOUND", "no such user", { upstream: { code: "60121" } }));
    expect(r.statusCode).toBe(404);
    expect(r.headers).toEqual({ "content-type": "application/problem+json" });
    expect(r.problem).toEqual({
      type: "urn:dirgate:problem:user-not-found",
      title: "No such user",
      status: 404,
      detail: "no such user",
      code: "USER_NOT_FOUND",
      requestId: "req-1",
      upstream: { code: "60121" },
    });
  });

  it("hides anything that is not a DirgateError behind a 500", () => {
    const r = answer(new Error("db at 10.0.0.1 refused password=x"));
    expect(r.statusCode).toBe(500);
    expect(r.problem.detail).toBe("Internal error");
    expect(r.body).not.toContain("10.0.0.1");
  });

  it("sets Retry-After on a 429: what upstream asked, rounded up to whole seconds", () => {
    const limited = (retryAfterMs?: number) =>
      answer(new DirgateError("UPSTREAM_RATE_LIMITED", "slow down", { retryable: true, retryAfterMs }));
    expect(limited(1_500).headers["retry-after"]).toBe("2");
    expect(limited(60_000).headers["retry-after"]).toBe("60");
    expect(limited(2_000).headers["retry-after"]).toBe("2");
    // At least a second, and a second when upstream said nothing.
    expect(limited(0).headers["retry-after"]).toBe("1");
    expect(limited(10).headers["retry-after"]).toBe("1");
    expect(limited(undefined).headers["retry-after"]).toBe("1");
    expect(limited(1_500).statusCode).toBe(429);
  });

  it("sets Retry-After on a 503 only when the wait is known", () => {
    const unavailable = (retryAfterMs?: number) =>
      answer(new DirgateError("UPSTREAM_UNAVAILABLE", "down", { retryable: true, retryAfterMs }));
    expect(unavailable(3_000).headers["retry-after"]).toBe("3");
    expect(unavailable(undefined).headers).not.toHaveProperty("retry-after");
  });

  it("sets no Retry-After on other statuses, whatever the error carries", () => {
    for (const code of ["UPSTREAM_TIMEOUT", "UPSTREAM_ERROR", "INVALID_REQUEST"] as const) {
      const r = answer(new DirgateError(code, "m", { retryAfterMs: 5_000 }));
      expect(r.headers, code).not.toHaveProperty("retry-after");
    }
  });

  it("answers the status the caller names when the code has several (413, 414, 431)", () => {
    const tooLarge = new DirgateError("REQUEST_TOO_LARGE", "the URL is too long");
    const r = answer(tooLarge, { status: 414 });
    expect(r.statusCode).toBe(414);
    expect(r.problem.status).toBe(414);
    expect(answer(tooLarge).statusCode).toBe(413);
    // A 429 named by the caller still says when to come back.
    expect(answer(new DirgateError("INTERNAL", "m"), { status: 429 }).headers["retry-after"]).toBe("1");
  });
});
