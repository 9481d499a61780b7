import { LRUCache } from "lru-cache";

/** A token as a provider grants it. */
export interface TokenGrant {
  token: string;
  expiresInSeconds: number;
}

interface Entry {
  token: string;
  refreshAt: number;
}

export interface TokenCacheOptions {
  now?: () => number;
  /** Tokens kept at most (one per provider app and credentials): the least recently used goes first. */
  max?: number;
}

/**
 * Access tokens per provider app, shared by every request of a container: cached, refreshed ahead
 * of expiry, one refresh in flight at a time however many callers wait (single-flight), dropped
 * when upstream rejects one, a failure never cached, and bounded (an LRU whose entries also expire
 * with their token). Keys are chosen by the caller: dirgate keys by a hash of the credentials, so a
 * token is never served to a caller holding other (or rotated-away) credentials.
 */
export class TokenCache {
  private readonly entries: LRUCache<string, Entry>;
  private readonly inFlight = new Map<string, Promise<Entry>>();
  private readonly now: () => number;

  constructor(options: TokenCacheOptions = {}) {
    this.now = options.now ?? Date.now;
    // lru-cache's own clock drives the TTL; it reads performance.now(), so the expiry is checked here
    // against `now` (refreshAt) and the TTL only evicts tokens nobody can use any more.
    this.entries = new LRUCache({ max: options.max ?? 1000 });
  }

  /** A valid token for `key`, fetching one with `grant` when none is cached or it is due for refresh. */
  async get(key: string, grant: () => Promise<TokenGrant>): Promise<string> {
    const cached = this.entries.get(key);
    if (cached && this.now() < cached.refreshAt) return cached.token;
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.fetch(key, grant).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return (await pending).token;
  }

  /** Drops `token` for `key` after upstream rejected it (a newer token is left alone). */
  invalidate(key: string, token: string): void {
    if (this.entries.get(key)?.token === token) this.entries.delete(key);
  }

  /** How many tokens are kept. */
  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }

  private async fetch(key: string, grant: () => Promise<TokenGrant>): Promise<Entry> {
    const issuedAt = this.now();
    const { token, expiresInSeconds } = await grant();
    const ttlMs = Math.max(0, expiresInSeconds * 1000);
    // Refresh ahead: 10 % of the lifetime before expiry, at most 5 minutes early.
    const margin = Math.min(300_000, ttlMs * 0.1);
    const entry = { token, refreshAt: issuedAt + ttlMs - margin };
    this.entries.set(key, entry, { ttl: Math.max(1, Math.ceil(ttlMs)) });
    return entry;
  }
}
