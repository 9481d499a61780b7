import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { type CallOptions, DirgateError } from "@dirgate/core";
import type { ProviderClient } from "@dirgate/providers";
import type middy from "@middy/core";
import type { LookupContext } from "./context.ts";
import { connectionMiddleware } from "./middleware/connection.ts";
import { jsonResponseMiddleware, securityHeadersMiddleware } from "./middleware/http-response.ts";
import { problemJsonMiddleware } from "./middleware/problem-json.ts";
import { requestMiddleware } from "./middleware/request.ts";
import { type RouteName, routeByName } from "./routes.ts";
import type { Runtime } from "./runtime.ts";

/**
 * The middleware chain of a lookup Lambda, in order: Powertools logging with the request id,
 * security headers, problem+json errors, the JSON answer, input validation, the connection.
 */
export function lookupMiddlewares(
  name: RouteName,
  runtime: Runtime,
): middy.MiddlewareObj<unknown, unknown, Error, LookupContext>[] {
  return [
    injectLambdaContext(runtime.logger, { resetKeys: true }) as middy.MiddlewareObj<
      unknown,
      unknown,
      Error,
      LookupContext
    >,
    securityHeadersMiddleware(),
    problemJsonMiddleware(runtime),
    jsonResponseMiddleware(),
    requestMiddleware(routeByName(name), runtime),
    connectionMiddleware(runtime),
  ] as middy.MiddlewareObj<unknown, unknown, Error, LookupContext>[];
}

/**
 * The handler body of a lookup Lambda: one operation call on the connection's client. When upstream
 * rejects the connection's credentials, the secret is read again once: a rotated secret heals by itself.
 */
export function lookup<T>(
  operation: (client: ProviderClient, input: never, options: CallOptions) => Promise<T>,
) {
  return async (_event: unknown, context: LookupContext): Promise<T> => {
    const state = context.dirgate;
    const options = { deadline: state.deadline };
    try {
      return await operation(state.client!, state.input as never, options);
    } catch (error) {
      const rejected =
        error instanceof DirgateError && error.code === "UPSTREAM_AUTH_FAILED" && !error.tokenRejected;
      const fresh = rejected ? await state.reload?.() : undefined;
      if (!fresh) throw error;
      state.client = fresh;
      return operation(fresh, state.input as never, options);
    }
  };
}
