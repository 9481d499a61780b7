import { DirgateError } from "@dirgate/core";
import {
  type ConnectionConfig,
  ConnectionConfigSchema,
  createProviderClient,
  type ProviderClient,
} from "@dirgate/providers";
import type middy from "@middy/core";
import secretsManager from "@middy/secrets-manager";
import { clearCache, getInternal } from "@middy/util";
import type { LookupContext } from "../context.ts";
import type { Runtime } from "../runtime.ts";
import { callerIdentities } from "./caller.ts";

/**
 * Resolves the request's connection to a ready provider client: its secret
 * `{prefix}/connections/{id}` is loaded through `@middy/secrets-manager` (one instance per
 * connection, created on first use: cached with an expiry, a failed fetch never cached), validated
 * with zod, checked against the connection's `allow` list, and turned into a client that is reused
 * until the secret changes. A new connection is a new secret: no redeploy.
 */
export function connectionMiddleware(
  runtime: Runtime,
): middy.MiddlewareObj<unknown, unknown, Error, LookupContext> {
  const loaders = new Map<string, middy.MiddlewareObj>();
  const clients = new Map<string, Loaded>();
  const { settings } = runtime;
  const cacheKey = (id: string) => `dirgate-connection:${id}`;

  const loaderFor = (id: string) => {
    let loader = loaders.get(id);
    if (!loader) {
      loader = secretsManager({
        fetchData: { [cacheKey(id)]: `${settings.secretPrefix}/connections/${id}` },
        cacheKey: cacheKey(id),
        cacheExpiry: settings.secretCacheMs,
        disablePrefetch: true,
        awsClientOptions: {
          region: settings.region,
          ...(settings.secretsManagerEndpoint ? { endpoint: settings.secretsManagerEndpoint } : {}),
          maxAttempts: 2,
        },
      }) as middy.MiddlewareObj;
      loaders.set(id, loader);
    }
    return loader;
  };

  const load = async (
    id: string,
    request: middy.Request<unknown, unknown, Error, LookupContext>,
  ): Promise<Loaded> => {
    const key = cacheKey(id);
    let value: unknown;
    try {
      await loaderFor(id).before?.(request as unknown as middy.Request);
      value = (
        (await getInternal({ secret: key }, request as unknown as middy.Request)) as { secret: unknown }
      ).secret;
    } catch (error) {
      throw secretError(error, id);
    }
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
    const cached = clients.get(id);
    if (cached?.secret === secret) return cached;
    const loaded = {
      secret,
      config: parsed.data,
      client: createProviderClient(id, parsed.data, runtime.deps),
    };
    clients.set(id, loaded);
    return loaded;
  };

  const connectionMiddlewareBefore = async (
    request: middy.Request<unknown, unknown, Error, LookupContext>,
  ) => {
    const state = request.context.dirgate;
    const id = state.connectionId;
    const loaded = await load(id, request);
    authorise(loaded.config.allow, request);
    state.client = loaded.client;
    state.reload = async () => {
      clearCache([cacheKey(id)]);
      const fresh = await load(id, request);
      return fresh.secret === loaded.secret ? undefined : fresh.client;
    };
  };

  return { before: connectionMiddlewareBefore };
}

interface Loaded {
  secret: string;
  config: ConnectionConfig;
  client: ProviderClient;
}

function authorise(
  allow: string[] | undefined,
  request: middy.Request<unknown, unknown, Error, LookupContext>,
): void {
  if (!allow) return;
  const identities = callerIdentities(request.event);
  if (!identities.some((identity) => allow.includes(identity))) {
    throw new DirgateError(
      "FORBIDDEN",
      `this caller may not use connection ${request.context.dirgate.connectionId}`,
    );
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
