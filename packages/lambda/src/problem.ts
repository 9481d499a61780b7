import { DirgateError, toProblem } from "@dirgate/core";

export { type Problem, toProblem } from "@dirgate/core";

export interface ProblemResponseOptions {
  /**
   * The HTTP status, when the code has more than one (`REQUEST_TOO_LARGE`: 413 body, 414 URL, 431
   * headers). The problem document's `status` says the same.
   */
  status?: number;
}

/** The HTTP answer for a problem: status, `application/problem+json`, `Retry-After` on 429 and 503. */
export function problemResponse(error: unknown, requestId: string, options: ProblemResponseOptions = {}) {
  const problem = toProblem(error, requestId);
  if (options.status !== undefined) problem.status = options.status;
  const retryMs = error instanceof DirgateError ? error.retryAfterMs : undefined;
  const headers: Record<string, string> = { "content-type": "application/problem+json" };
  if (problem.status === 429 || (problem.status === 503 && retryMs !== undefined)) {
    headers["retry-after"] = String(Math.max(1, Math.ceil((retryMs ?? 1_000) / 1000)));
  }
  return { statusCode: problem.status, headers, body: JSON.stringify(problem) };
}
