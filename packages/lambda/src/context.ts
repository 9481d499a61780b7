import type { ProviderClient } from "@dirgate/providers";
import type { Context } from "aws-lambda";
import type { RouteDefinition } from "./routes.ts";

/** What the middlewares hand the operation: on `request.context.dirgate`. */
export interface LookupState {
  route: RouteDefinition;
  /** `http` for API Gateway events, `direct` for a direct invocation. */
  source: "http" | "direct";
  connectionId: string;
  input: Record<string, unknown>;
  client?: ProviderClient;
  /** Re-reads the connection's secret (after upstream rejected its credentials); undefined if unchanged. */
  reload?: () => Promise<ProviderClient | undefined>;
  /** Epoch ms the operation must finish by. */
  deadline?: number;
}

export type LookupContext = Context & { dirgate: LookupState };
