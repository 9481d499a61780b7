import { RateLimiter } from "@dirgate/core";
import { describe, expect, it } from "vitest";

describe("RateLimiter", () => {
  it("never lets more than perSecond calls start in any rolling second, even with late timers", async () => {
    let now = 0;
    // A sleep that always oversleeps by 7 ms, like a busy event loop.
    const limiter = new RateLimiter(
      50,
      () => now,
      async (ms) => {
        now += ms + 7;
      },
    );
    const starts: number[] = [];
    await Promise.all(Array.from({ length: 200 }, () => limiter.acquire().then(() => starts.push(now))));
    starts.sort((a, b) => a - b);
    for (let i = 0; i < starts.length; i += 1) {
      const inWindow = starts.filter((t) => t >= starts[i]! && t < starts[i]! + 1000).length;
      expect(inWindow).toBeLessThanOrEqual(50);
    }
    for (let i = 1; i < starts.length; i += 1)
      expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(limiter.intervalMs - 1e-9);
  });

  it("does not wait when calls are already spaced out", async () => {
    let now = 0;
    let slept = 0;
    const limiter = new RateLimiter(
      10,
      () => now,
      async (ms) => {
        slept += ms;
        now += ms;
      },
    );
    await limiter.acquire();
    now += 500;
    await limiter.acquire();
    expect(slept).toBe(0);
  });

  it("rejects a non-positive rate", () => {
    expect(() => new RateLimiter(0)).toThrow(RangeError);
  });
});
