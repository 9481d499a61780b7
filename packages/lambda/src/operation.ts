import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import type { OperationName, OperationOutput } from "@dirgate/core";
import type middy from "@middy/core";
import { connectionMiddleware } from "./middleware/connection.ts";
import { eventAdapterMiddleware } from "./middleware/event-adapter.ts";
import { validationMiddleware } from "./middleware/validation.ts";
import type { Runtime } from "./runtime.ts";
import type { OperationContext } from "./state.ts";

/**
 * The middleware chain of an operation's Lambda, in order: Powertools logging with the request id,
 * the event adapter (HTTP answer or direct result, problem+json), input validation, the connection.
 */
export function operationMiddlewares<N extends OperationName>(
  name: N,
  runtime: Runtime,
): middy.MiddlewareObj<unknown, unknown, Error, OperationContext<N>>[] {
  return [
    injectLambdaContext(runtime.logger, { resetKeys: true }) as middy.MiddlewareObj<
      unknown,
      unknown,
      Error,
      OperationContext<N>
    >,
    eventAdapterMiddleware(runtime) as middy.MiddlewareObj<unknown, unknown, Error, OperationContext<N>>,
    validationMiddleware(name, runtime),
    connectionMiddleware<N>(runtime),
  ];
}

/** The handler body of an operation's Lambda: one call on the connection's provider client. */
export function runOperation<N extends OperationName>(name: N) {
  return (_event: unknown, context: OperationContext<N>): Promise<OperationOutput<N>> => {
    const state = context.dirgate;
    const options = { deadline: state.deadline, requestId: context.awsRequestId };
    return state.withClient((client) => client.run(name, state.input, options));
  };
}
