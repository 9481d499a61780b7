import { TokenCache } from "@dirgate/core";
import { describe, expect, it } from "vitest";

describe("TokenCache", () => {
  it("makes one grant call however many callers wait on a cold cache", async () => {
    const cache = new TokenCache();
    let grants = 0;
    const grant = async () => {
      grants += 1;
      await new Promise((r) => setTimeout(r, 20));
      return { token: `t${grants}`, expiresInSeconds: 7200 };
    };
    const tokens = await Promise.all(Array.from({ length: 50 }, () => cache.get("app", grant)));
    expect(grants).toBe(1);
    expect(new Set(tokens)).toEqual(new Set(["t1"]));
  });

  it("never caches a failure: the next caller tries again", async () => {
    const cache = new TokenCache();
    let grants = 0;
    const grant = async () => {
      grants += 1;
      if (grants === 1) throw new Error("bad gateway");
      return { token: "good", expiresInSeconds: 7200 };
    };
    await expect(cache.get("app", grant)).rejects.toThrow("bad gateway");
    await expect(cache.get("app", grant)).resolves.toBe("good");
    expect(grants).toBe(2);
  });

  it("refreshes ahead of expiry: 10 % of the lifetime, at most 5 minutes early", async () => {
    let now = 0;
    const cache = new TokenCache({ now: () => now });
    let grants = 0;
    const grant = async () => ({ token: `t${++grants}`, expiresInSeconds: 7200 });
    await cache.get("app", grant);
    now = 7200_000 - 300_001;
    expect(await cache.get("app", grant)).toBe("t1");
    now = 7200_000 - 299_999;
    expect(await cache.get("app", grant)).toBe("t2");
  });

  it("invalidates only the token that was rejected", async () => {
    const cache = new TokenCache();
    let grants = 0;
    const grant = async () => ({ token: `t${++grants}`, expiresInSeconds: 7200 });
    await cache.get("app", grant);
    cache.invalidate("app", "t0-stale");
    expect(await cache.get("app", grant)).toBe("t1");
    cache.invalidate("app", "t1");
    expect(await cache.get("app", grant)).toBe("t2");
  });

  it("keeps apps apart", async () => {
    const cache = new TokenCache();
    const a = await cache.get("a", async () => ({ token: "ta", expiresInSeconds: 60 }));
    const b = await cache.get("b", async () => ({ token: "tb", expiresInSeconds: 60 }));
    expect([a, b]).toEqual(["ta", "tb"]);
  });
});
