import type { ConnectionConfig } from "./connection.ts";
import { createClient, type ProviderClient } from "./provider.ts";
import { PROVIDER_TABLE } from "./registry.ts";
import type { ClientDeps } from "./types.ts";

/** A ready client for a validated connection, whatever its provider. */
export function createProviderClient(
  connection: string,
  config: ConnectionConfig,
  deps: ClientDeps,
): ProviderClient {
  const provider = PROVIDER_TABLE[config.provider];
  // The config was validated by this provider's own schema (the union's branch for its `provider`).
  return createClient(provider as never, connection, config as never, deps);
}

/** Upstream calls per second a connection may make in batch mode when its secret sets no `rateLimit`. */
export function defaultRatePerSecond(config: ConnectionConfig): number {
  return PROVIDER_TABLE[config.provider].defaultRatePerSecond;
}
