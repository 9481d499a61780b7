import { baseUrlProblem, type CallOptions, DirgateError } from "@dirgate/core";
import { type ConnectionConfig, ConnectionConfigSchema, type ProviderClient } from "@dirgate/providers";
import { LRUCache } from "lru-cache";
import type { SecretReader } from "./secrets.ts";

/** A connection ready to use: its validated secret and a provider client built from it. */
export interface LoadedConnection {
  id: string;
  /** The secret as stored (compared to tell a rotation from a re-read of the same value). */
  secret: string;
  config: ConnectionConfig;
  client: ProviderClient;
}

export interface ConnectionStoreOptions {
  reader: SecretReader;
  /** Secret names are `{prefix}/connections/{id}`. */
  prefix: string;
  /** How long a loaded connection is used before its secret is read again. */
  ttlMs: number;
  /** Loaded connections kept at most (least recently used go first). */
  max: number;
  /** How long an unknown id is remembered (0 = not at all), and how many such ids at most. */
  unknownTtlMs: number;
  unknownMax?: number;
  /**
   * Whether a connection's `baseUrl` may be a loopback address (`http://127.0.0.1:…`: the sandbox).
   * Off by default: in AWS a secret's base URL is https to a public host, or refused.
   */
  allowLoopbackBaseUrl?: boolean;
  /** Builds the provider client of a validated connection. */
  createClient(id: string, config: ConnectionConfig): ProviderClient;
}

/**
 * The connections of one container (DESIGN §4). Secrets are read once and cached with an expiry;
 * one read in flight per id however many requests wait (single-flight); a failed read is never
 * cached; an unknown id is remembered briefly; everything is bounded (an LRU of loaded connections
 * and one of unknown ids), so no caller can grow a container's memory by naming ids. Nothing runs
 * in the background: a secret is read when a request needs it, so a deleted secret or an
 * unreachable store is an answer to that request, never an unobserved failure.
 */
export class ConnectionStore {
  private readonly loaded: LRUCache<string, LoadedConnection>;
  private readonly unknown: LRUCache<string, true>;
  /** Reads under way, one per id: as many as requests waiting, never more. */
  private readonly inFlight = new Map<string, Promise<LoadedConnection>>();

  constructor(private readonly options: ConnectionStoreOptions) {
    // Only loaded connections enter this LRU (a read in flight does not), so unknown ids cannot
    // push real connections out.
    this.loaded = new LRUCache<string, LoadedConnection>({
      max: options.max,
      ttl: options.ttlMs,
      // An expired entry stays (within the bound) until re-read: an unchanged secret keeps its client.
      noDeleteOnStaleGet: true,
    });
    this.unknown = new LRUCache<string, true>({
      max: options.unknownMax ?? 1000,
      ttl: Math.max(1, options.unknownTtlMs),
    });
  }

  /** The connection `id`, loading (or re-reading) its secret when needed. */
  async get(id: string, options: CallOptions = {}): Promise<LoadedConnection> {
    if (this.options.unknownTtlMs > 0 && this.unknown.get(id)) throw unknownConnection(id);
    return this.loaded.get(id) ?? this.load(id, options);
  }

  /**
   * Runs `call` with the connection's client. When upstream rejects the connection's credentials,
   * the secret is read again once and, if it changed, `call` runs again: a rotated secret heals by
   * itself. (A rejected *token* is handled below this, by the transport's token cache.)
   */
  async withClient<T>(
    loaded: LoadedConnection,
    call: (client: ProviderClient) => Promise<T>,
    options: CallOptions = {},
  ): Promise<T> {
    try {
      return await call(loaded.client);
    } catch (error) {
      if (!(error instanceof DirgateError && error.code === "UPSTREAM_AUTH_FAILED")) throw error;
      const fresh = await this.load(loaded.id, options);
      if (fresh.secret === loaded.secret) throw error;
      return call(fresh.client);
    }
  }

  /** Connections loaded and unknown ids remembered, for the memory bound's tests and figures. */
  get sizes(): { loaded: number; unknown: number } {
    return { loaded: this.loaded.size, unknown: this.unknown.size };
  }

  /** Reads the secret (once for every request waiting on it) and keeps the connection if it is valid. */
  private load(id: string, options: CallOptions): Promise<LoadedConnection> {
    let pending = this.inFlight.get(id);
    if (!pending) {
      pending = this.read(id, options).finally(() => this.inFlight.delete(id));
      this.inFlight.set(id, pending);
    }
    return pending;
  }

  private async read(id: string, options: CallOptions): Promise<LoadedConnection> {
    let secret: string;
    try {
      secret = await this.options.reader.read(`${this.options.prefix}/connections/${id}`, options);
    } catch (error) {
      this.loaded.delete(id);
      throw this.explain(id, error);
    }
    // Unchanged secret: the same connection (its client, its token, its rate limiter) lives on.
    const previous = this.loaded.get(id, { allowStale: true });
    const connection = previous && previous.secret === secret ? previous : this.build(id, secret);
    this.loaded.set(id, connection);
    return connection;
  }

  private build(id: string, secret: string): LoadedConnection {
    let value: unknown;
    try {
      value = JSON.parse(secret);
    } catch {
      throw new DirgateError("CONFIG_INVALID", `the secret of connection ${id} is not JSON`);
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
    // The schema admits the allowed forms of a base URL; whether loopback is one is this function's setting.
    const baseUrl = parsed.data.baseUrl;
    const problem =
      baseUrl === undefined
        ? undefined
        : baseUrlProblem(baseUrl, { allowLoopback: this.options.allowLoopbackBaseUrl === true });
    if (problem) {
      throw new DirgateError(
        "CONFIG_INVALID",
        `the secret of connection ${id} is not a valid connection (baseUrl ${problem})`,
      );
    }
    return { id, secret, config: parsed.data, client: this.options.createClient(id, parsed.data) };
  }

  private explain(id: string, error: unknown): DirgateError {
    if (!(error instanceof DirgateError)) {
      return new DirgateError("UPSTREAM_UNAVAILABLE", "the secret store is unavailable", {
        retryable: true,
        cause: error,
      });
    }
    if (error.code === "CONNECTION_NOT_FOUND") {
      if (this.options.unknownTtlMs > 0) this.unknown.set(id, true);
      return unknownConnection(id);
    }
    if (error.code === "UPSTREAM_UNAVAILABLE" || error.code === "UPSTREAM_TIMEOUT") {
      return new DirgateError("UPSTREAM_UNAVAILABLE", "the secret store is unavailable", {
        retryable: error.retryable,
        cause: error,
      });
    }
    return error;
  }
}

function unknownConnection(id: string): DirgateError {
  return new DirgateError("CONNECTION_NOT_FOUND", `no connection ${id}`);
}
