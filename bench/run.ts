import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { startSandbox } from "@dirgate/sandbox";
import { batchThroughput } from "./batch.ts";
import { coldStart } from "./cold.ts";
import { upstreamEconomy } from "./economy.ts";
import { type Figure, machine } from "./lib.ts";
import { localApiLoad } from "./load.ts";
import { unknownConnections } from "./unknown-connections.ts";
import { warmOverhead } from "./warm.ts";

/**
 * `npm run bench`: dirgate against the raw upstream call and the official SDKs, on the sandbox
 * over loopback. Prints a markdown table and writes bench/results.json. `--quick` runs tiny sizes
 * (the suite's smoke test); `--out` writes elsewhere.
 */
const { values } = parseArgs({
  options: { quick: { type: "boolean", default: false }, out: { type: "string" } },
});
const quick = values.quick;
const out = values.out ?? new URL("./results.json", import.meta.url).pathname;
const started = Date.now();

const sbx = await startSandbox({ secretPrefix: "dirgate/local" });
const figures: Figure[] = [];
const stage = async (name: string, run: () => Promise<Figure[]>) => {
  const t = Date.now();
  process.stderr.write(`bench: ${name}…`);
  figures.push(...(await run()));
  process.stderr.write(` ${((Date.now() - t) / 1000).toFixed(1)} s\n`);
};
try {
  await stage("warm overhead", () => warmOverhead(sbx, quick ? 30 : 2000));
  await stage("cold start", () => coldStart(sbx, quick ? 1 : 5));
  await stage("upstream economy", () => upstreamEconomy(sbx, quick ? 100 : 1000));
  await stage("unknown connections", () => unknownConnections(sbx, quick ? 500 : 10_000));
  await stage("batch throughput", () => batchThroughput(sbx, quick ? 60 : 2000, quick ? 100 : 200));
  await stage("local API load", () => localApiLoad(quick ? 1 : 10));
} finally {
  await sbx.stop();
}

const report = {
  machine: machine(),
  quick,
  date: new Date().toISOString(),
  seconds: Math.round((Date.now() - started) / 1000),
  figures,
};
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);

const cell = (v: number | undefined) => (v === undefined ? "" : Number.isNaN(v) ? "n/a" : String(v));
console.log(
  `\n${report.machine.cpu} · ${report.machine.cores} cores · ${report.machine.memoryGiB} GiB · Node ${report.machine.node} · ${report.seconds} s${quick ? " · quick" : ""}\n`,
);
console.log("| figure | dirgate | peer | target | met |\n|---|---|---|---|---|");
for (const f of figures) {
  const peer = f.peer ? `${cell(f.peer.value)} ${f.unit} (${f.peer.name})` : (f.note ?? "");
  console.log(
    `| ${f.name} | ${cell(f.value)} ${f.unit} | ${peer} | ${f.target ?? ""} | ${f.meets === undefined ? "" : f.meets ? "yes" : "**no**"} |`,
  );
}
console.log(`\nwritten to ${out}`);
process.exit(0);
