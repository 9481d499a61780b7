import type middy from "@middy/core";
import httpSecurityHeaders from "@middy/http-security-headers";
import type { Context } from "aws-lambda";
import { isHttpEvent } from "../event.ts";

/**
 * Serialises the operation's result as the HTTP answer (JSON, 200). A direct invocation gets the
 * same JSON value as is.
 */
export function jsonResponseMiddleware(): middy.MiddlewareObj<unknown, unknown, Error, Context> {
  const jsonResponseMiddlewareAfter = async (request: middy.Request<unknown, unknown, Error, Context>) => {
    if (!isHttpEvent(request.event)) return;
    const response = request.response as { statusCode?: number } | undefined;
    if (response && typeof response === "object" && typeof response.statusCode === "number") return;
    request.response = {
      statusCode: 200,
      headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
      body: JSON.stringify(request.response),
    };
  };
  return { after: jsonResponseMiddlewareAfter };
}

/** `@middy/http-security-headers`, for HTTP answers only (it would wrap a direct invocation's result). */
export function securityHeadersMiddleware(): middy.MiddlewareObj<unknown, unknown, Error, Context> {
  const inner = httpSecurityHeaders() as middy.MiddlewareObj<unknown, unknown, Error, Context>;
  const onlyHttp =
    (phase: middy.MiddlewareFn<unknown, unknown, Error, Context> | undefined) =>
    async (request: middy.Request<unknown, unknown, Error, Context>) => {
      if (phase && isHttpEvent(request.event) && request.response) await phase(request);
    };
  return { after: onlyHttp(inner.after), onError: onlyHttp(inner.onError) };
}
