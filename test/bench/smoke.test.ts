import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
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
    expectAll("warm p50 overhead over raw:", 4);
    expectAll("warm p50 ratio to raw:", 4);
    expectAll("warm p50 vs official SDK:", 2);
    // Every function in functions/, built as SST builds it, started on Node 22 (or the note's Node).
    const functions = readdirSync("functions").filter((f) => f.endsWith(".ts")).length;
    expectAll("bundle size raw (SST bundle, minified):", functions);
    expectAll("bundle size gzip (SST bundle):", functions);
    expectAll("cold import (Node ", functions);
    expectAll("cold first answer (Node ", functions);
    expectAll("cold first answer beyond upstream round trips (Node ", functions);
    expectAll("cold peak RSS (Node ", functions);
    expectAll("bundle top module #", 10);
    const peer = report.figures.find(
      (f) => f.name.startsWith("cold import (Node ") && f.name.endsWith(": department-users"),
    );
    expect(peer?.peer?.value, "the Feishu SDK peer's cold import").toEqual(expect.any(Number));
    expectAll("economy:", 4);
    expectAll("memory:", 3);
    expectAll("batch:", 5);
    expectAll("load:", 5);
    expectAll("directory:", 16);
    expectAll("rate:", 4);
    expectAll("lookup:", 5);
    expectAll("changes:", 6);
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
    // The walks list each department and page once; pacing keeps a walk under the limit; a lookup
    // of 100 Feishu mobiles resolves and reads them in batches of 50; no push fails.
    const value = (name: string) => report.figures.find((f) => f.name === name)?.value;
    for (const provider of ["DingTalk", "Feishu", "WeCom", "EIAM"])
      expect(value(`directory: repeated upstream calls, recursive walk (${provider})`), provider).toBe(0);
    expect(value("rate: rate-limit errors, paced recursive walk (Feishu)")).toBe(0);
    expect(value("lookup: batch_get_id calls, usersLookup of 100 Feishu mobiles")).toBe(2);
    expect(value("lookup: users/batch calls, usersLookup of 100 Feishu mobiles")).toBe(2);
    expect(value("changes: failed pushes")).toBe(0);
  }, 150_000);
});
