import { randomBytes } from "node:crypto";

/** How a provider answers a token request while the app already holds a valid token. */
export type TokenReuse =
  /** DingTalk gettoken: the same token while valid, and its lifetime is renewed. */
  | "same-and-renew"
  /** Feishu: the same token, unless less than a quarter of its life (30 of 120 min) is left; then a new one. */
  | "same-until-last-quarter"
  /** EIAM (OAuth2 client credentials): a new token every time; old ones stay valid. */
  | "always-new";

export interface IssuedToken {
  token: string;
  app: string;
  expiresAt: number;
}

export type TokenCheck = { ok: true; app: string } | { ok: false; reason: "unknown" | "expired" | "revoked" };

/** Tokens an emulator has issued, with their apps and expiry. */
export class TokenStore {
  private readonly byToken = new Map<string, IssuedToken>();
  private readonly latest = new Map<string, IssuedToken>();
  private readonly revoked = new Set<string>();

  constructor(
    private readonly reuse: TokenReuse,
    private readonly makeToken: () => string = () => randomBytes(16).toString("hex"),
  ) {}

  /** Issues (or re-issues) a token for the app; returns it with the seconds it has left. */
  issue(app: string, ttlSeconds: number, now = Date.now()): { token: string; expiresIn: number } {
    const current = this.latest.get(app);
    const ttlMs = ttlSeconds * 1000;
    if (current && current.expiresAt > now && !this.revoked.has(current.token)) {
      if (this.reuse === "same-and-renew") {
        current.expiresAt = now + ttlMs;
        return { token: current.token, expiresIn: ttlSeconds };
      }
      if (this.reuse === "same-until-last-quarter" && current.expiresAt - now >= ttlMs / 4) {
        return { token: current.token, expiresIn: Math.floor((current.expiresAt - now) / 1000) };
      }
    }
    const fresh: IssuedToken = { token: this.makeToken(), app, expiresAt: now + ttlMs };
    this.byToken.set(fresh.token, fresh);
    this.latest.set(app, fresh);
    return { token: fresh.token, expiresIn: ttlSeconds };
  }

  /** Whether a presented token is valid, and for which app. */
  check(token: string | undefined | null, now = Date.now()): TokenCheck {
    if (!token) return { ok: false, reason: "unknown" };
    const found = this.byToken.get(token);
    if (!found) return { ok: false, reason: "unknown" };
    if (this.revoked.has(token)) return { ok: false, reason: "revoked" };
    if (found.expiresAt <= now) return { ok: false, reason: "expired" };
    return { ok: true, app: found.app };
  }

  /** Every token issued since the last reset (leak tests search for them). */
  all(): string[] {
    return [...this.byToken.keys()];
  }

  /** Invalidates every token issued so far. */
  revokeAll(): void {
    for (const token of this.byToken.keys()) this.revoked.add(token);
  }

  clear(): void {
    this.byToken.clear();
    this.latest.clear();
    this.revoked.clear();
  }
}
