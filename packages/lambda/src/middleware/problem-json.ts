import { DirgateError, redact } from "@dirgate/core";
import type middy from "@middy/core";
import type { Context } from "aws-lambda";
import { isHttpEvent } from "../event.ts";
import { problemResponse, toProblem } from "../problem.ts";
import type { Runtime } from "../runtime.ts";

/**
 * Every failure becomes an RFC 9457 `application/problem+json` answer with a stable `code`; only a
 * DirgateError's message reaches the caller, anything else is a generic 500. A direct invocation
 * gets the same problem as a typed Lambda error (`errorType` = the code), so Step Functions can
 * catch it by code.
 */
export function problemJsonMiddleware(
  runtime: Runtime,
): middy.MiddlewareObj<unknown, unknown, Error, Context> {
  const problemJsonMiddlewareOnError = async (request: middy.Request<unknown, unknown, Error, Context>) => {
    const error = request.error;
    const requestId = request.context.awsRequestId ?? "local";
    const problem = toProblem(error, requestId);
    const known = error instanceof DirgateError;
    const log = { code: problem.code, status: problem.status, upstream: problem.upstream };
    if (!known)
      runtime.logger.error("unexpected error", {
        ...log,
        error: redact(String((error as Error)?.stack ?? error)),
      });
    else if (problem.status >= 500) runtime.logger.warn("request failed", log);
    else runtime.logger.info("request rejected", log);

    if (isHttpEvent(request.event)) {
      request.response = problemResponse(error, requestId);
      return;
    }
    throw new LookupFailedError(problem);
  };
  return { onError: problemJsonMiddlewareOnError };
}

/** The error a direct invocation fails with: `name` is the stable code, the fields are the problem's. */
export class LookupFailedError extends Error {
  readonly code: string;
  readonly status: number;
  readonly problem: ReturnType<typeof toProblem>;

  constructor(problem: ReturnType<typeof toProblem>) {
    super(problem.detail);
    this.name = problem.code;
    this.code = problem.code;
    this.status = problem.status;
    this.problem = problem;
    // No stack: a direct caller sees the problem, never our internals.
    this.stack = `${problem.code}: ${problem.detail}`;
  }
}
