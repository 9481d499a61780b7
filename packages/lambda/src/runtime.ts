import { Logger } from "@aws-lambda-powertools/logger";
import { DEFAULT_HTTP_DEPS, type HttpDeps, RateLimiter, TokenCache } from "@dirgate/core";
import {
  type ClientDeps,
  type ConnectionConfig,
  createProviderClient,
  defaultRatePerSecond,
} from "@dirgate/providers";
import { ConnectionStore } from "./connection-store.ts";
import { createSecretReader, type SecretReader } from "./secrets.ts";
import type { Settings } from "./settings.ts";

/**
 * What a function container keeps between invocations: settings, the logger, the token cache (one
 * token per provider app and credentials, shared by every request) and the connection store.
 */
export interface Runtime {
  settings: Settings;
  logger: Logger;
  deps: ClientDeps;
  connections: ConnectionStore;
}

export interface RuntimeOverrides {
  http?: Partial<HttpDeps>;
  logger?: Logger;
  secrets?: SecretReader;
  /**
   * Batch mode: every connection's upstream calls are paced (its `rateLimit`, or the provider's
   * default), the rate divided among the consumer's containers.
   */
  paceEveryConnection?: boolean;
}

export function createRuntime(settings: Settings, overrides: RuntimeOverrides = {}): Runtime {
  const logger = overrides.logger ?? new Logger({ serviceName: "dirgate", logLevel: settings.logLevel });
  const deps: ClientDeps = {
    http: { ...DEFAULT_HTTP_DEPS, timeoutMs: settings.upstreamTimeoutMs, log: logger, ...overrides.http },
    tokens: new TokenCache(),
    log: logger,
  };
  const reader =
    overrides.secrets ??
    createSecretReader({
      region: settings.region,
      endpoint: settings.secretsManagerEndpoint,
      credentials: settings.credentials,
      http: { timeoutMs: settings.secretTimeoutMs, log: logger },
    });
  const containers = overrides.paceEveryConnection ? settings.batchContainers : 1;
  const depsFor = (config: ConnectionConfig): ClientDeps => {
    const perSecond =
      config.rateLimit?.perSecond ??
      (overrides.paceEveryConnection ? defaultRatePerSecond(config) : undefined);
    if (perSecond === undefined) return deps;
    const limiter = new RateLimiter(perSecond / containers);
    return { ...deps, http: { ...deps.http, acquire: () => limiter.acquire() } };
  };
  const connections = new ConnectionStore({
    reader,
    prefix: settings.secretPrefix,
    ttlMs: settings.secretCacheMs,
    max: settings.connectionCacheSize,
    unknownTtlMs: settings.unknownConnectionMs,
    allowLoopbackBaseUrl: settings.allowLoopbackBaseUrl,
    createClient: (id, config) => createProviderClient(id, config, depsFor(config)),
  });
  return { settings, logger, deps, connections };
}
