/**
 * Keeps a connection's upstream calls under `perSecond`: at most ⌊0.98 · perSecond⌋ calls start in
 * any rolling window of 1 s + 25 ms — the providers' own rule (a rolling second), with margins for
 * network jitter between our start and their arrival. A sliding window, unlike fixed spacing, does
 * not lose throughput to late timers.
 */
export class RateLimiter {
  private readonly starts: number[] = [];
  private chain: Promise<void> = Promise.resolve();
  /** Calls allowed to start in one window. */
  readonly capacity: number;
  readonly windowMs: number;

  constructor(
    readonly perSecond: number,
    private readonly now: () => number = () => performance.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
    options: { safety?: number; marginMs?: number } = {},
  ) {
    if (!(perSecond > 0)) throw new RangeError("perSecond must be positive");
    this.capacity = Math.max(1, Math.floor(perSecond * (options.safety ?? 0.98)));
    this.windowMs = 1000 + (options.marginMs ?? 25);
  }

  /** Resolves when the caller may start its call. */
  acquire(): Promise<void> {
    const turn = this.chain.then(async () => {
      for (;;) {
        const now = this.now();
        while (this.starts.length > 0 && this.starts[0]! <= now - this.windowMs) this.starts.shift();
        if (this.starts.length < this.capacity) {
          this.starts.push(now);
          return;
        }
        await this.sleep(this.starts[0]! + this.windowMs - now);
      }
    });
    this.chain = turn;
    return turn;
  }
}
