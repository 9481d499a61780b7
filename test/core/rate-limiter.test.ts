import { RateLimiter } from "@dirgate/core";
import { describe, expect, it } from "vitest";

/** A fake clock whose sleeps always oversleep by `late` ms, like a busy event loop. */
function fakeClock(late: number) {
  const clock = { now: 0 };
  const sleep = async (ms: number) => {
    clock.now += ms + late;
  };
  return { clock, sleep };
}

describe("RateLimiter", () => {
  it("never lets more than perSecond calls start in any rolling second, even with late timers", async () => {
    const { clock, sleep } = fakeClock(7);
    const limiter = new RateLimiter(50, () => clock.now, sleep);
    const starts: number[] = [];
    await Promise.all(
      Array.from({ length: 300 }, () => limiter.acquire().then(() => starts.push(clock.now))),
    );
    starts.sort((a, b) => a - b);
    for (const t of starts)
      expect(starts.filter((s) => s >= t && s < t + 1000).length).toBeLessThanOrEqual(50);
  });

  it("keeps the margins: at most 0.98·R starts in 1025 ms", async () => {
    const { clock, sleep } = fakeClock(0);
    const limiter = new RateLimiter(100, () => clock.now, sleep);
    const starts: number[] = [];
    await Promise.all(
      Array.from({ length: 500 }, () => limiter.acquire().then(() => starts.push(clock.now))),
    );
    for (const t of starts)
      expect(starts.filter((s) => s >= t && s < t + 1025).length).toBeLessThanOrEqual(98);
    expect(limiter.capacity).toBe(98);
  });

  it("does not lose throughput to late timers: close to the limit over a long run", async () => {
    const { clock, sleep } = fakeClock(1);
    const limiter = new RateLimiter(200, () => clock.now, sleep);
    for (let i = 0; i < 2000; i += 1) await limiter.acquire();
    const rate = 2000 / (clock.now / 1000);
    expect(rate).toBeGreaterThan(0.9 * 200);
    expect(rate).toBeLessThanOrEqual(200);
  });

  it("lets one call through for a limit under 1/s, and rejects a non-positive rate", async () => {
    expect(new RateLimiter(0.5).capacity).toBe(1);
    expect(() => new RateLimiter(0)).toThrow(RangeError);
  });
});
