import type { HttpDeps, Logger, TokenCache } from "@dirgate/core";

/** What a provider client needs from its container: injectable so tests need no global mocks. */
export interface ClientDeps {
  http: HttpDeps;
  tokens: TokenCache;
  log?: Logger;
}
