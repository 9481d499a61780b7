import { TokenCache, type TokenGrant } from "@dirgate/core";
import { describe, expect, it } from "vitest";

/**
 * The token cache's rules beyond the basics (packages/core/src/tokens.ts): when a token is due for
 * refresh, which clock reading its lifetime starts from, the bound on how many are kept, and that
 * each key refreshes on its own.
 */
function clocked() {
  const clock = { now: 0 };
  const cache = new TokenCache({ now: () => clock.now });
  let grants = 0;
  const grant =
    (expiresInSeconds: number, takesMs = 0) =>
    async (): Promise<TokenGrant> => {
      grants += 1;
      clock.now += takesMs;
      return { token: `t${grants}`, expiresInSeconds };
    };
  return { clock, cache, grant, grants: () => grants };
}

describe("TokenCache: refresh", () => {
  it("refreshes a short-lived token 10 % of its lifetime early", async () => {
    const { clock, cache, grant } = clocked();
    expect(await cache.get("k", grant(60))).toBe("t1");
    clock.now = 53_999;
    expect(await cache.get("k", grant(60))).toBe("t1");
    clock.now = 54_000;
    expect(await cache.get("k", grant(60))).toBe("t2");
  });

  it("refreshes a long-lived token at most 5 minutes early", async () => {
    const { clock, cache, grant } = clocked();
    await cache.get("k", grant(86_400));
    clock.now = 86_400_000 - 300_001;
    expect(await cache.get("k", grant(86_400))).toBe("t1");
    clock.now = 86_400_000 - 300_000;
    expect(await cache.get("k", grant(86_400))).toBe("t2");
  });

  it("counts a token's lifetime from when it was asked for, not from when the answer came", async () => {
    const { clock, cache, grant } = clocked();
    // The grant takes 5 s; a 100 s token asked for at 0 is due at 90 s, not at 95 s.
    await cache.get("k", grant(100, 5_000));
    clock.now = 89_999;
    expect(await cache.get("k", grant(100))).toBe("t1");
    clock.now = 90_000;
    expect(await cache.get("k", grant(100))).toBe("t2");
  });

  it("never serves a token granted with no lifetime (or a negative one) twice", async () => {
    const { cache, grant, grants } = clocked();
    expect(await cache.get("k", grant(0))).toBe("t1");
    expect(await cache.get("k", grant(-5))).toBe("t2");
    expect(await cache.get("k", grant(60))).toBe("t3");
    expect(grants()).toBe(3);
  });

  it("fetches again after a refresh completed (nothing stays in flight)", async () => {
    const { clock, cache, grant, grants } = clocked();
    await cache.get("k", grant(10));
    clock.now = 20_000;
    await cache.get("k", grant(10));
    clock.now = 40_000;
    await cache.get("k", grant(10));
    expect(grants()).toBe(3);
  });

  it("refreshes each key on its own, concurrently", async () => {
    const cache = new TokenCache();
    const release: (() => void)[] = [];
    const slow = (token: string) => () =>
      new Promise<TokenGrant>((resolve) => release.push(() => resolve({ token, expiresInSeconds: 60 })));
    const a = cache.get("a", slow("ta"));
    const b = cache.get("b", slow("tb"));
    await Promise.resolve();
    await Promise.resolve();
    // Both grants started before either finished.
    expect(release).toHaveLength(2);
    for (const r of release) r();
    expect(await Promise.all([a, b])).toEqual(["ta", "tb"]);
  });
});

describe("TokenCache: bounds", () => {
  it("keeps at most `max` tokens, dropping the least recently used", async () => {
    const cache = new TokenCache({ max: 2 });
    let grants = 0;
    const grant = async () => ({ token: `t${++grants}`, expiresInSeconds: 600 });
    await cache.get("a", grant);
    await cache.get("b", grant);
    await cache.get("a", grant); // a used last
    await cache.get("c", grant); // b goes
    expect(cache.size).toBe(2);
    expect(await cache.get("a", grant)).toBe("t1");
    expect(await cache.get("c", grant)).toBe("t3");
    expect(await cache.get("b", grant)).toBe("t4");
  });

  it("keeps 1000 tokens by default", async () => {
    const cache = new TokenCache();
    for (let i = 0; i < 1001; i += 1)
      await cache.get(`k${i}`, async () => ({ token: `t${i}`, expiresInSeconds: 600 }));
    expect(cache.size).toBe(1000);
  });

  it("clear drops every token; invalidating an unknown key does nothing", async () => {
    const cache = new TokenCache();
    await cache.get("a", async () => ({ token: "t", expiresInSeconds: 600 }));
    cache.invalidate("nobody", "t");
    expect(cache.size).toBe(1);
    cache.clear();
    expect(cache.size).toBe(0);
  });
});
