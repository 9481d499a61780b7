/** A token as a provider grants it. */
export interface TokenGrant {
  token: string;
  expiresInSeconds: number;
}

interface Entry {
  token: string;
  expiresAt: number;
  refreshAt: number;
}

/**
 * Access tokens per connection (per app), shared by every request of a container: cached,
 * refreshed ahead of expiry, one refresh in flight at a time however many callers wait
 * (single-flight), dropped when upstream rejects one, and a failure never cached.
 */
export class TokenCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<Entry>>();
  private readonly now: () => number;

  constructor(options: { now?: () => number } = {}) {
    this.now = options.now ?? Date.now;
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

  clear(): void {
    this.entries.clear();
  }

  private async fetch(key: string, grant: () => Promise<TokenGrant>): Promise<Entry> {
    const issuedAt = this.now();
    const { token, expiresInSeconds } = await grant();
    const ttlMs = Math.max(0, expiresInSeconds * 1000);
    // Refresh ahead: 10 % of the lifetime before expiry, at most 5 minutes early.
    const margin = Math.min(300_000, ttlMs * 0.1);
    const entry = { token, expiresAt: issuedAt + ttlMs, refreshAt: issuedAt + ttlMs - margin };
    this.entries.set(key, entry);
    return entry;
  }
}
