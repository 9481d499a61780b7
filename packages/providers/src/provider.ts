import {
  type CallOptions,
  DirgateError,
  type Logger,
  type OperationInput,
  type OperationName,
  type OperationOutput,
  type Provider,
} from "@dirgate/core";
import { LRUCache } from "lru-cache";
import type * as z from "zod";
import { createTransport, type Transport, type TransportSpec } from "./transport.ts";
import type { ClientDeps } from "./types.ts";

/** What an operation's implementation gets: the connection, its transport, and the other operations. */
export interface ProviderContext<C, E extends string = string> {
  connection: string;
  config: C;
  api: Transport<E>;
  /** Runs another operation of the same connection (e.g. by-mobile, then the profile by id). */
  run: ProviderClient["run"];
  /**
   * A value computed once and kept for `ttlMs` per connection (single-flight, bounded, failures not
   * kept): e.g. a department subtree a recursive listing reads on every page.
   */
  memo<T>(key: string, ttlMs: number, compute: () => Promise<T>): Promise<T>;
  /** The container's logger (absent in tests that give none). */
  log?: Logger;
  /** The clock of the client's HTTP deps (epoch ms): injectable, like everything else. */
  now: () => number;
}

/** One provider's implementation of one operation. */
export interface Implementation<N extends OperationName, C, E extends string = string> {
  /** The upstream call(s) it makes, for the support matrix (README, OpenAPI). */
  upstream: string;
  run(
    ctx: ProviderContext<C, E>,
    input: OperationInput<N>,
    options?: CallOptions,
  ): Promise<OperationOutput<N>>;
}

export type ImplementationMap<C, E extends string> = {
  readonly [N in OperationName]?: Implementation<N, C, E>;
};

/** A provider: its connection schema, its transport as data, and the operations it implements. */
export interface ProviderDefinition<P extends Provider, S extends z.ZodObject, E extends string> {
  name: P;
  displayName: string;
  connection: S;
  transport: TransportSpec<z.output<S>, E>;
  operations: ImplementationMap<z.output<S>, E>;
  /** Upstream calls per second a connection may make in batch mode when its secret sets no `rateLimit`. */
  defaultRatePerSecond: number;
  /**
   * What the department id `root` (DESIGN §3) stands for: the provider's root department id, or how
   * to find it when a tenant's root is a record like any other (EIAM).
   */
  rootDepartment: string | ((ctx: ProviderContext<z.output<S>, E>, options?: CallOptions) => Promise<string>);
}

/** The department id that names the provider's root department on every provider (DESIGN §3). */
export const ROOT_DEPARTMENT = "root";

export function defineProvider<P extends Provider, S extends z.ZodObject, E extends string>(
  definition: ProviderDefinition<P, S, E>,
): ProviderDefinition<P, S, E> {
  return definition;
}

/** The operations of one connection: each runs the provider's implementation, or answers 501. */
export interface ProviderClient {
  readonly provider: Provider;
  readonly connection: string;
  supports(name: OperationName): boolean;
  run<N extends OperationName>(
    name: N,
    input: OperationInput<N>,
    options?: CallOptions,
  ): Promise<OperationOutput<N>>;
}

/** A ready client for one connection of a provider. An operation it does not implement is a 501. */
export function createClient<P extends Provider, S extends z.ZodObject, E extends string>(
  provider: ProviderDefinition<P, S, E>,
  connection: string,
  config: z.output<S>,
  deps: ClientDeps,
): ProviderClient {
  const api = createTransport(provider.transport, config as z.output<S> & { baseUrl?: string }, deps);
  const client: ProviderClient = {
    provider: provider.name,
    connection,
    supports: (name) => provider.operations[name] !== undefined,
    run(name, input, options) {
      const implementation = provider.operations[name] as
        | Implementation<typeof name, z.output<S>, E>
        | undefined;
      if (!implementation) {
        return Promise.reject(
          new DirgateError(
            "UNSUPPORTED_OPERATION",
            `${provider.displayName} connections do not support ${name}`,
          ),
        );
      }
      const departmentId = (input as { departmentId?: unknown }).departmentId;
      if (departmentId !== ROOT_DEPARTMENT) return implementation.run(ctx, input, options);
      return rootDepartmentId(options).then((id) =>
        implementation.run(ctx, { ...input, departmentId: id } as typeof input, options),
      );
    },
  };
  const rootDepartmentId = (options?: CallOptions): Promise<string> =>
    typeof provider.rootDepartment === "string"
      ? Promise.resolve(provider.rootDepartment)
      : provider.rootDepartment(ctx, options);
  const memos = new LRUCache<string, { value: Promise<unknown> }>({ max: 32 });
  const memo = <T>(key: string, ttlMs: number, compute: () => Promise<T>): Promise<T> => {
    const held = memos.get(key);
    if (held) return held.value as Promise<T>;
    const value = compute();
    memos.set(key, { value }, { ttl: ttlMs });
    value.catch(() => memos.delete(key));
    return value;
  };
  const ctx: ProviderContext<z.output<S>, E> = {
    connection,
    config,
    api,
    run: client.run,
    memo,
    log: deps.log,
    now: deps.http.now,
  };
  return client;
}
