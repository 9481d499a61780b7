import type { CallOptions } from "@dirgate/core";
import type { ProviderClient } from "@dirgate/providers";
import type middy from "@middy/core";
import type { LookupContext } from "./context.ts";
import { baseMiddlewares } from "./middleware/base.ts";
import { connectionMiddleware } from "./middleware/connection.ts";
import { requestMiddleware } from "./middleware/request.ts";
import { type RouteName, routeByName } from "./routes.ts";
import type { Runtime } from "./runtime.ts";

/** The middleware chain of a lookup Lambda: the shared head, then input validation and the connection. */
export function lookupMiddlewares(
  name: RouteName,
  runtime: Runtime,
): middy.MiddlewareObj<unknown, unknown, Error, LookupContext>[] {
  return [
    ...baseMiddlewares<LookupContext>(runtime),
    requestMiddleware(routeByName(name), runtime),
    connectionMiddleware(runtime),
  ] as middy.MiddlewareObj<unknown, unknown, Error, LookupContext>[];
}

/**
 * The handler body of a lookup Lambda: one operation call on the connection's client (which
 * re-reads the secret once when upstream rejects the credentials: a rotated secret heals by itself).
 */
export function lookup<T>(
  operation: (client: ProviderClient, input: never, options: CallOptions) => Promise<T>,
) {
  return async (_event: unknown, context: LookupContext): Promise<T> => {
    const state = context.dirgate;
    const options = { deadline: state.deadline };
    return state.withClient!((client) => operation(client, state.input as never, options));
  };
}
