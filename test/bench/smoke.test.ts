import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);

/** `npm run bench` on tiny sizes: every figure is produced and written. Speed goals are not asserted here. */
describe("bench smoke", () => {
  it("writes every figure to the results file", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "dirgate-bench-")), "results.json");
    await run(process.execPath, ["--import", "tsx", "bench/run.ts", "--quick", "--out", out], {
      maxBuffer: 8 << 20,
      timeout: 120_000,
    });
    const report = JSON.parse(readFileSync(out, "utf8")) as {
      machine: { cores: number; node: string };
      figures: { name: string; value: number | null; unit: string; peer?: { value: number } }[];
    };
    const names = report.figures.map((f) => f.name);
    const expectAll = (prefix: string, count: number) =>
      expect(
        names.filter((n) => n.startsWith(prefix)),
        prefix,
      ).toHaveLength(count);
    expectAll("warm p50 overhead over raw:", 3);
    expectAll("warm p50 ratio to raw:", 3);
    expectAll("warm p50 vs official SDK:", 2);
    expectAll("cold: bundle size,", 4);
    expectAll("cold: import,", 4);
    expectAll("cold: first answer beyond upstream round trips,", 4);
    expectAll("cold: peak RSS,", 4);
    expectAll("economy:", 4);
    expectAll("memory:", 3);
    expectAll("batch:", 5);
    expectAll("load:", 5);
    for (const f of report.figures.filter((f) => !f.name.startsWith("warm official SDK"))) {
      expect(typeof f.value, f.name).toBe("number");
      expect(f.unit, f.name).toBeTruthy();
    }
    // Counts, not timings: a cold container made one token call and one secret fetch per connection.
    const economy = Object.fromEntries(
      report.figures
        .filter((f) => f.name.startsWith("economy:"))
        .map((f) => [f.name.split(" (")[0], f.value]),
    );
    expect(economy).toMatchObject({
      "economy: token calls per connection": 1,
      "economy: secret fetches per connection": 1,
      "economy: redundant upstream calls": 0,
    });
    expect(report.figures.find((f) => f.name === "batch: rate-limit errors")?.value).toBe(0);
    expect(report.figures.find((f) => f.name === "memory: answered 404 CONNECTION_NOT_FOUND")?.value).toBe(
      500,
    );
    expect(report.figures.find((f) => f.name === "load: non-2xx answers")?.value).toBe(0);
  }, 150_000);
});
