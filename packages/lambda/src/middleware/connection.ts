import type { OperationName } from "@dirgate/core";
import type middy from "@middy/core";
import { assertAllowed } from "../access.ts";
import type { Runtime } from "../runtime.ts";
import type { OperationContext } from "../state.ts";

/**
 * Resolves the request's connection through the container's connection store (secret read with the
 * request's deadline, cached, bounded), checks the caller against the connection's `allow` list, and
 * lets the operation re-read the secret once when upstream rejects the credentials.
 */
export function connectionMiddleware<N extends OperationName>(
  runtime: Runtime,
): middy.MiddlewareObj<unknown, unknown, Error, OperationContext<N>> {
  const connectionMiddlewareBefore = async (
    request: middy.Request<unknown, unknown, Error, OperationContext<N>>,
  ) => {
    const state = request.context.dirgate;
    const options = { deadline: state.deadline };
    const loaded = await runtime.connections.get(state.connectionId, options);
    assertAllowed(loaded.id, loaded.config, state.identities);
    state.withClient = (call) => runtime.connections.withClient(loaded, call, options);
  };
  return { before: connectionMiddlewareBefore };
}
