import { DirgateError, type TokenCache, type TokenGrant } from "@dirgate/core";

/**
 * Runs `call` with a cached token. When upstream rejects the token itself, it is dropped and
 * fetched again once; a second rejection means the app's credentials no longer work.
 */
export async function withToken<T>(
  tokens: TokenCache,
  key: string,
  grant: () => Promise<TokenGrant>,
  call: (token: string) => Promise<T>,
): Promise<T> {
  const token = await tokens.get(key, grant);
  try {
    return await call(token);
  } catch (error) {
    if (!(error instanceof DirgateError) || !error.tokenRejected) throw error;
    tokens.invalidate(key, token);
  }
  const fresh = await tokens.get(key, grant);
  try {
    return await call(fresh);
  } catch (error) {
    if (!(error instanceof DirgateError) || !error.tokenRejected) throw error;
    tokens.invalidate(key, fresh);
    throw new DirgateError("UPSTREAM_AUTH_FAILED", "upstream rejected a freshly issued access token", {
      upstream: error.upstream,
    });
  }
}

/** An operation a provider cannot do: 501, never a wrong answer. */
export function unsupported(provider: string, operation: string): never {
  throw new DirgateError("UNSUPPORTED_OPERATION", `${provider} connections do not support ${operation}`);
}
