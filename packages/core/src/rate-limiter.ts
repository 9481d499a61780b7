/**
 * Spaces upstream calls so that no rolling second holds more than `perSecond` of them: each call
 * starts at least 1/perSecond after the previous one *actually* started (a late timer never lets
 * calls bunch up). A small safety margin keeps network jitter from tipping a provider over.
 */
export class RateLimiter {
  private last = Number.NEGATIVE_INFINITY;
  private chain: Promise<void> = Promise.resolve();
  readonly intervalMs: number;

  constructor(
    readonly perSecond: number,
    private readonly now: () => number = () => performance.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
    safety = 0.97,
  ) {
    if (!(perSecond > 0)) throw new RangeError("perSecond must be positive");
    this.intervalMs = 1000 / (perSecond * safety);
  }

  /** Resolves when the caller may start its call. */
  acquire(): Promise<void> {
    const turn = this.chain.then(async () => {
      for (
        let wait = this.last + this.intervalMs - this.now();
        wait > 0;
        wait = this.last + this.intervalMs - this.now()
      ) {
        await this.sleep(wait);
      }
      this.last = this.now();
    });
    this.chain = turn;
    return turn;
  }
}
