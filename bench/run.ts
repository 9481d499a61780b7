import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { Figure } from "./lib.ts";

/**
 * `npm run bench`: dirgate against the raw upstream call and the official SDKs, on the sandbox
 * over loopback. Prints a markdown table and writes the figures to bench/.out/results.json
 * (untracked); `--save` writes the committed bench/results.json instead, `--out` anywhere.
 * `--quick` runs tiny sizes (the suite's smoke test).
 */
const USAGE = `usage: npm run bench [-- --quick] [--save | --out FILE]

Runs every benchmark against the sandbox on loopback (about a minute), prints the table and writes
the figures as JSON.

  --quick       tiny sizes, seconds instead of a minute (figures not comparable)
  --save        write bench/results.json, the committed figures the README quotes
  --out FILE    write FILE (default bench/.out/results.json, untracked)
  -h, --help    this text`;

let values: { quick?: boolean; save?: boolean; out?: string; help?: boolean };
try {
  ({ values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      save: { type: "boolean", default: false },
      out: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  }));
} catch (error) {
  process.stderr.write(
    `npm run bench: ${(error as Error).message.split("\n")[0]} (npm run bench -- --help)\n`,
  );
  process.exit(2);
}
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (values.save && values.quick) {
  process.stderr.write("npm run bench: --quick figures are not comparable; --save takes a full run\n");
  process.exit(2);
}
if (values.save && values.out) {
  process.stderr.write("npm run bench: --save writes bench/results.json; give --save or --out, not both\n");
  process.exit(2);
}
const quick = values.quick === true;
const out =
  values.out ??
  fileURLToPath(new URL(values.save ? "./results.json" : "./.out/results.json", import.meta.url));
const started = Date.now();
// The benchmarks and the sandbox load only now: --help and a bad flag answer at once.
const [
  { startSandbox },
  { batchThroughput },
  { changeFigures },
  { coldStart },
  { directoryFigures },
  { upstreamEconomy },
  { machine },
  { localApiLoad },
  { unknownConnections },
  { warmOverhead },
] = await Promise.all([
  import("@dirgate/sandbox"),
  import("./batch.ts"),
  import("./changes.ts"),
  import("./cold.ts"),
  import("./directory.ts"),
  import("./economy.ts"),
  import("./lib.ts"),
  import("./load.ts"),
  import("./unknown-connections.ts"),
  import("./warm.ts"),
]);

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
  await stage("directory", () => directoryFigures(sbx, quick));
  await stage("change events", () => changeFigures(sbx, quick));
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
mkdirSync(dirname(out), { recursive: true });
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
console.log(
  `\nwritten to ${out}${values.save ? "" : " (npm run bench -- --save updates bench/results.json)"}`,
);
process.exit(0);
