import { DirgateError, RateLimiter } from "@dirgate/core";
import {
  type ConnectionConfig,
  ConnectionConfigSchema,
  createProviderClient,
  type ProviderClient,
} from "@dirgate/providers";
import type middy from "@middy/core";
import secretsManager from "@middy/secrets-manager";
import { clearCache, getInternal } from "@middy/util";
import type { Runtime } from "./runtime.ts";

/** Upstream calls per second a connection may make when its secret sets no `rateLimit` (batch mode). */
export const PROVIDER_DEFAULT_RATE: Record<ConnectionConfig["provider"], number> = {
  dingtalk: 20, // internal app, standard edition (PROTOCOLS §1.5)
  feishu: 50, // find_by_department / batch_get_id: 50/s (PROTOCOLS §2.2)
  eiam: 20, // undocumented: conservative
  wecom: 20,
};

export interface LoadedConnection {
  id: string;
  /** The secret value as the cache handed it out: the same object means nothing to re-validate. */
  value: unknown;
  /** The validated secret, serialised: a change means the secret was rotated. */
  secret: string;
  config: ConnectionConfig;
  client: ProviderClient;
}

/**
 * Connections of a container: each one's secret `{prefix}/connections/{id}` is loaded through
 * `@middy/secrets-manager` (one instance per connection, created on first use: cached with an
 * expiry, a failed fetch never cached), validated with zod, and turned into a provider client that
 * is reused until the secret changes. A new connection is a new secret: no redeploy.
 */
export class ConnectionRegistry {
  private readonly loaders = new Map<string, middy.MiddlewareObj>();
  private readonly loaded = new Map<string, LoadedConnection>();

  constructor(
    private readonly runtime: Runtime,
    /** Batch mode: rate-limit every connection (its `rateLimit`, or the provider default), divided among containers. */
    private readonly batch?: { containers: number },
  ) {}

  async get(id: string): Promise<LoadedConnection> {
    const key = this.cacheKey(id);
    // @middy/secrets-manager works on a Middy request; a connection may be needed outside one (batches).
    const request = {
      event: {},
      context: {},
      response: undefined,
      error: undefined,
      internal: {},
    } as unknown as middy.Request;
    let value: unknown;
    try {
      await this.loaderFor(id).before?.(request);
      value = ((await getInternal({ secret: key }, request)) as { secret: unknown }).secret;
    } catch (error) {
      throw secretError(error, id);
    }
    const current = this.loaded.get(id);
    if (current && current.value === value) return current;
    const parsed = ConnectionConfigSchema.safeParse(value);
    if (!parsed.success) {
      // Field paths only: a secret's values never reach a message.
      const fields = [...new Set(parsed.error.issues.map((i) => i.path.join(".") || "(root)"))].join(", ");
      throw new DirgateError(
        "CONFIG_INVALID",
        `the secret of connection ${id} is not a valid connection (${fields})`,
      );
    }
    const secret = JSON.stringify(parsed.data);
    if (current?.secret === secret) {
      current.value = value;
      return current;
    }
    const fresh = {
      id,
      value,
      secret,
      config: parsed.data,
      client: createProviderClient(id, parsed.data, this.depsFor(parsed.data)),
    };
    this.loaded.set(id, fresh);
    return fresh;
  }

  /**
   * Runs `call` with the connection's client. When upstream rejects the connection's credentials,
   * the secret is read again once and, if it changed, `call` runs again: a rotated secret heals by
   * itself. (A rejected *token* is handled below this, by the client's token cache.)
   */
  async withClient<T>(loaded: LoadedConnection, call: (client: ProviderClient) => Promise<T>): Promise<T> {
    try {
      return await call(loaded.client);
    } catch (error) {
      if (!(error instanceof DirgateError && error.code === "UPSTREAM_AUTH_FAILED")) throw error;
      const fresh = await this.reload(loaded);
      if (!fresh) throw error;
      return call(fresh.client);
    }
  }

  /** Reads the secret again (upstream rejected its credentials); undefined when it has not changed. */
  async reload(previous: LoadedConnection): Promise<LoadedConnection | undefined> {
    clearCache([this.cacheKey(previous.id)]);
    const fresh = await this.get(previous.id);
    return fresh.secret === previous.secret ? undefined : fresh;
  }

  private depsFor(config: ConnectionConfig) {
    const perSecond =
      config.rateLimit?.perSecond ?? (this.batch ? PROVIDER_DEFAULT_RATE[config.provider] : undefined);
    if (perSecond === undefined) return this.runtime.deps;
    const limiter = new RateLimiter(perSecond / (this.batch?.containers ?? 1));
    return { ...this.runtime.deps, http: { ...this.runtime.deps.http, acquire: () => limiter.acquire() } };
  }

  private cacheKey(id: string): string {
    return `dirgate-connection:${id}`;
  }

  private loaderFor(id: string): middy.MiddlewareObj {
    let loader = this.loaders.get(id);
    if (!loader) {
      const { settings } = this.runtime;
      loader = secretsManager({
        fetchData: { [this.cacheKey(id)]: `${settings.secretPrefix}/connections/${id}` },
        cacheKey: this.cacheKey(id),
        cacheExpiry: settings.secretCacheMs,
        disablePrefetch: true,
        awsClientOptions: {
          region: settings.region,
          ...(settings.secretsManagerEndpoint ? { endpoint: settings.secretsManagerEndpoint } : {}),
          maxAttempts: 2,
        },
      }) as middy.MiddlewareObj;
      this.loaders.set(id, loader);
    }
    return loader;
  }
}

function secretError(error: unknown, id: string): DirgateError {
  // getInternal wraps fetch failures: { cause: { package: "@middy/util", data: [errors] } }.
  const cause = (error as { cause?: { data?: unknown[] } })?.cause?.data?.[0] ?? error;
  const name = (cause as { name?: string })?.name ?? "";
  if (name === "ResourceNotFoundException" || name === "AccessDeniedException") {
    return new DirgateError("CONNECTION_NOT_FOUND", `no connection ${id}`);
  }
  return new DirgateError("UPSTREAM_UNAVAILABLE", "the secret store is unavailable", { retryable: true });
}
