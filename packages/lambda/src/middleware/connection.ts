import { DirgateError } from "@dirgate/core";
import type middy from "@middy/core";
import { ConnectionRegistry } from "../connections.ts";
import type { LookupContext } from "../context.ts";
import type { Runtime } from "../runtime.ts";
import { callerIdentities } from "./caller.ts";

/**
 * Resolves the request's connection to a ready provider client (see ConnectionRegistry), checks
 * the caller against the connection's `allow` list, and lets the operation re-read the secret once
 * when upstream rejects the credentials.
 */
export function connectionMiddleware(
  runtime: Runtime,
): middy.MiddlewareObj<unknown, unknown, Error, LookupContext> {
  const registry = new ConnectionRegistry(runtime);

  const connectionMiddlewareBefore = async (
    request: middy.Request<unknown, unknown, Error, LookupContext>,
  ) => {
    const state = request.context.dirgate;
    const loaded = await registry.get(state.connectionId);
    const allow = loaded.config.allow;
    if (allow && !callerIdentities(request.event).some((identity) => allow.includes(identity))) {
      throw new DirgateError("FORBIDDEN", `this caller may not use connection ${state.connectionId}`);
    }
    state.withClient = (call) => registry.withClient(loaded, call);
  };

  return { before: connectionMiddlewareBefore };
}
