import { DirgateError, redact } from "@dirgate/core";
import type middy from "@middy/core";
import httpSecurityHeaders from "@middy/http-security-headers";
import { eventKind } from "../event.ts";
import { problemResponse, toProblem } from "../problem.ts";
import type { Runtime } from "../runtime.ts";
import type { AdaptedContext } from "../state.ts";

type Request = middy.Request<unknown, unknown, Error, AdaptedContext>;

/**
 * The head of every HTTP-or-direct chain, and the only middleware that cares how a request
 * arrived. HTTP: the result becomes a JSON answer with security headers (`@middy/http-security-
 * headers`), a failure an RFC 9457 problem+json. Direct invocation: the result is returned as is,
 * a failure is thrown as a typed error named by its code (Step Functions can Catch by code). Only
 * a DirgateError's message reaches the caller; anything else is a generic 500.
 */
export function eventAdapterMiddleware(
  runtime: Runtime,
): middy.MiddlewareObj<unknown, unknown, Error, AdaptedContext> {
  const security = httpSecurityHeaders() as middy.MiddlewareObj<unknown, unknown, Error, AdaptedContext>;
  const isHttp = (request: Request) => request.context.dirgate?.via === "http";

  const eventAdapterMiddlewareBefore = (request: Request) => {
    const kind = eventKind(request.event);
    request.context.dirgate = { ...request.context.dirgate, via: kind === "http" ? "http" : "direct" };
  };

  const eventAdapterMiddlewareAfter = async (request: Request) => {
    if (!isHttp(request)) return;
    const response = request.response as { statusCode?: number } | undefined;
    if (!(response && typeof response === "object" && typeof response.statusCode === "number")) {
      request.response = {
        statusCode: 200,
        headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
        body: JSON.stringify(request.response),
      };
    }
    await security.after?.(request);
  };

  const eventAdapterMiddlewareOnError = async (request: Request) => {
    const error = request.error;
    const requestId = request.context.awsRequestId ?? "local";
    const problem = toProblem(error, requestId);
    const log = { code: problem.code, status: problem.status, upstream: problem.upstream };
    if (!(error instanceof DirgateError)) {
      runtime.logger.error("unexpected error", { ...log, error: redact(String(error?.stack ?? error)) });
    } else if (problem.status >= 500) runtime.logger.warn("request failed", log);
    else runtime.logger.info("request rejected", log);
    if (request.context.dirgate === undefined) eventAdapterMiddlewareBefore(request);
    if (!isHttp(request)) throw new LookupFailedError(problem);
    request.response = problemResponse(error, requestId);
    await security.onError?.(request);
  };

  return {
    before: eventAdapterMiddlewareBefore,
    after: eventAdapterMiddlewareAfter,
    onError: eventAdapterMiddlewareOnError,
  };
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
