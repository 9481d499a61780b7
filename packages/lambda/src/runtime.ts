import { Logger } from "@aws-lambda-powertools/logger";
import { DEFAULT_HTTP_DEPS, type HttpDeps, TokenCache } from "@dirgate/core";
import type { ClientDeps } from "@dirgate/providers";
import type { Settings } from "./settings.ts";

/**
 * What a function container keeps between invocations: settings, the logger, the token cache
 * (one token per provider app, shared by every request) and the provider clients per connection.
 */
export interface Runtime {
  settings: Settings;
  logger: Logger;
  deps: ClientDeps;
}

export interface RuntimeOverrides {
  http?: Partial<HttpDeps>;
  logger?: Logger;
}

export function createRuntime(settings: Settings, overrides: RuntimeOverrides = {}): Runtime {
  const logger = overrides.logger ?? new Logger({ serviceName: "dirgate", logLevel: settings.logLevel });
  return {
    settings,
    logger,
    deps: {
      http: { ...DEFAULT_HTTP_DEPS, timeoutMs: settings.upstreamTimeoutMs, log: logger, ...overrides.http },
      tokens: new TokenCache(),
      log: logger,
    },
  };
}
