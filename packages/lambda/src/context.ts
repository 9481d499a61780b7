import type { ProviderClient } from "@dirgate/providers";
import type { Context } from "aws-lambda";
import type { RouteDefinition } from "./routes.ts";

/** What the middlewares hand the operation: on `request.context.dirgate`. */
export interface LookupState {
  route: RouteDefinition;
  connectionId: string;
  input: Record<string, unknown>;
  /** Runs a call on the connection's client (re-reading the secret once if upstream rejects it). */
  withClient?: <T>(call: (client: ProviderClient) => Promise<T>) => Promise<T>;
  /** Epoch ms the operation must finish by. */
  deadline?: number;
}

export type LookupContext = Context & { dirgate: LookupState };
