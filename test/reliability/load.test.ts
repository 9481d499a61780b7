import { spawn } from "node:child_process";
import { once } from "node:events";
import { closeSync, mkdtempSync, openSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildDemoOrg, type Sandbox } from "@dirgate/sandbox";
import { describe, expect, it } from "vitest";
import { assertNoLeaks } from "./harness.ts";

/** Only the demo org is needed here (the run's own sandbox lives in the child): the needles. */
const sandbox = { org: buildDemoOrg() } as Sandbox;

describe("load: 10 000 requests at concurrency 64 with 1 % injected faults", () => {
  it("answers every request with a documented code and holds its memory (a process of its own)", async () => {
    // stdout and stderr (Powertools writes warnings there) to a file: synchronous writes, as a
    // drained Lambda log stream. (A pipe the parent reads late would queue the child's log lines in
    // its memory and spoil the RSS figure.)
    const outFile = join(mkdtempSync(join(tmpdir(), "dirgate-load-")), "stdout.log");
    const out = openSync(outFile, "w");
    const child = spawn(
      process.execPath,
      ["--import", "tsx", new URL("./load-child.ts", import.meta.url).pathname, "10000"],
      {
        stdio: ["ignore", out, out],
      },
    );
    const [exitCode] = (await once(child, "exit")) as [number];
    closeSync(out);
    expect(exitCode).toBe(0);
    const lines = readFileSync(outFile, "utf8").split("\n");
    const report = JSON.parse(lines.find((l) => l.startsWith("REPORT "))!.slice(7)) as {
      statuses: Record<string, number>;
      codes: string[];
      before: { rss: number; heap: number; native: number; peakRss: number };
      after: { rss: number; heap: number; native: number };
      tokens: string[];
    };
    const answered = Object.values(report.statuses).reduce((a, b) => a + b, 0);
    expect(answered).toBe(10_000);
    expect(Object.keys(report.statuses).sort()).toEqual(expect.arrayContaining(["200"]));
    for (const status of Object.keys(report.statuses)) expect(["200", "503"]).toContain(status);
    for (const code of report.codes) expect(code).toBe("UPSTREAM_UNAVAILABLE");
    expect(report.statuses["200"]).toBeGreaterThan(9_900);
    // What a leak grows — retained JS heap and native buffers after a full GC — stays within 20 %.
    // RSS is only a sanity bound here: on a shared 2-core CI box it varied 0.95–1.68× run to run with
    // a flat heap (V8 and malloc keep freed pages). `npm run bench` reports RSS growth of a quiet run.
    expect(report.after.heap / report.before.heap).toBeLessThan(1.2);
    expect(report.after.native / report.before.native).toBeLessThan(1.2);
    expect(report.after.rss / report.before.rss).toBeLessThan(2);
    // Its log lines (DEBUG) hold no secret, token or unmasked mobile.
    const logs = lines.filter((l) => l.startsWith("{"));
    expect(logs.length).toBeGreaterThan(10_000);
    assertNoLeaks(sandbox, { logLines: logs, bodies: [], tokens: new Set(report.tokens) });
    console.log(
      `load: ${answered} answered (${JSON.stringify(report.statuses)}); RSS settled after warm-up ${(report.before.rss / 1e6).toFixed(0)} MB, after the run ${(report.after.rss / 1e6).toFixed(0)} MB; heap ${(report.before.heap / 1e6).toFixed(1)} → ${(report.after.heap / 1e6).toFixed(1)} MB; native ${(report.before.native / 1e6).toFixed(1)} → ${(report.after.native / 1e6).toFixed(1)} MB`,
    );
  }, 180_000);
});
