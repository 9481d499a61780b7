import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import type middy from "@middy/core";
import type { Context } from "aws-lambda";
import type { Runtime } from "../runtime.ts";
import { jsonResponseMiddleware, securityHeadersMiddleware } from "./http-response.ts";
import { problemJsonMiddleware } from "./problem-json.ts";

/**
 * The head every chain shares, in order: Powertools logging with the request id, security headers,
 * problem+json errors, the JSON answer.
 */
export function baseMiddlewares<C extends Context>(
  runtime: Runtime,
): middy.MiddlewareObj<unknown, unknown, Error, C>[] {
  return [
    injectLambdaContext(runtime.logger, { resetKeys: true }) as middy.MiddlewareObj<
      unknown,
      unknown,
      Error,
      C
    >,
    securityHeadersMiddleware() as middy.MiddlewareObj<unknown, unknown, Error, C>,
    problemJsonMiddleware(runtime) as middy.MiddlewareObj<unknown, unknown, Error, C>,
    jsonResponseMiddleware() as middy.MiddlewareObj<unknown, unknown, Error, C>,
  ];
}
