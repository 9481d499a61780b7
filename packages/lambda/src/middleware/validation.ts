import { maskMobile, OPERATIONS, type OperationName } from "@dirgate/core";
import type middy from "@middy/core";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { callerIdentities } from "../access.ts";
import { readDirectRequest, readHttpRequest, validateRequest } from "../event.ts";
import type { Runtime } from "../runtime.ts";
import type { OperationContext } from "../state.ts";

/**
 * Validates every path, query and body field (or direct-invocation field) with the operation's zod
 * schema before anything goes upstream, and hands the operation its input on `context.dirgate`.
 */
export function validationMiddleware<N extends OperationName>(
  name: N,
  runtime: Runtime,
): middy.MiddlewareObj<unknown, unknown, Error, OperationContext<N>> {
  const op = OPERATIONS[name];
  const validationMiddlewareBefore = (
    request: middy.Request<unknown, unknown, Error, OperationContext<N>>,
  ) => {
    const { event, context } = request;
    const http = context.dirgate.via === "http";
    const parts = http ? readHttpRequest(op, event as APIGatewayProxyEventV2) : readDirectRequest(op, event);
    const { connection, input } = validateRequest(name, parts);
    const remaining =
      typeof context.getRemainingTimeInMillis === "function" ? context.getRemainingTimeInMillis() : undefined;
    Object.assign(context.dirgate, {
      connectionId: connection,
      input,
      identities: http ? callerIdentities(event) : [],
      deadline:
        remaining === undefined ? undefined : Date.now() + remaining - runtime.settings.deadlineMarginMs,
    });
    runtime.logger.appendKeys({ operation: name, connection });
    const mobile = (input as { mobile?: unknown }).mobile;
    runtime.logger.info("lookup", typeof mobile === "string" ? { mobile: maskMobile(mobile) } : {});
  };
  return { before: validationMiddlewareBefore };
}
