import type { OperationInput, OperationName } from "@dirgate/core";
import type { ProviderClient } from "@dirgate/providers";
import type { Context } from "aws-lambda";

/** What the middlewares hand the operation, on `context.dirgate`. */
export interface OperationState<N extends OperationName = OperationName> {
  /** How the request arrived (decided once, by the event adapter). */
  via: "http" | "direct";
  connectionId: string;
  input: OperationInput<N>;
  /** Who is calling, as API Gateway's authorizer says (empty for direct invocations). */
  identities: string[];
  /** Epoch ms the operation must finish by. */
  deadline?: number;
  /** Runs a call on the connection's client (re-reading the secret once if upstream rejects it). */
  withClient<T>(call: (client: ProviderClient) => Promise<T>): Promise<T>;
}

export type OperationContext<N extends OperationName = OperationName> = Context & {
  dirgate: OperationState<N>;
};

/** A Lambda context with what the event adapter decided. */
export type AdaptedContext = Context & { dirgate?: { via: "http" | "direct" } };
