#!/usr/bin/env node
// `npm run test:mutation`: the two Stryker runs (stryker.tables.config.mjs, then stryker.config.mjs),
// both incremental, then the score per package (scripts/mutation-score.mjs).
//
//   npm run test:mutation                 # incremental: only what changed is tested again
//   npm run test:mutation -- --force      # everything again
//   npm run test:mutation -- tables       # one run only: `tables` or `main`
//
// Why a script: the tables run's mutants are mostly "static" (code run at import), which Stryker
// cannot map to the tests that cover them, so its incremental mode would keep a static mutant's
// "survived" even after a test that kills it was added. The tables run is therefore forced whenever
// a file of its suite (vitest.mutation-tables.config.ts) changed since its last run.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";

const args = process.argv.slice(2);
const only = args.find((a) => a === "tables" || a === "main");
const passThrough = args.filter((a) => a !== only);

/** The tables suite's test files, as vitest.mutation-tables.config.ts includes them. */
function tablesSuiteHash() {
  const config = readFileSync("vitest.mutation-tables.config.ts", "utf8");
  const patterns = [...config.matchAll(/"(test\/[^"]+)"/g)].map(
    (m) => new RegExp(`^${m[1].replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*")}$`),
  );
  const files = readdirSync("test", { recursive: true })
    .map((f) => `test/${String(f).split("\\").join("/")}`)
    .filter((f) => patterns.some((re) => re.test(f)))
    .sort();
  const hash = createHash("sha256");
  for (const file of ["vitest.mutation-tables.config.ts", ...files])
    hash.update(`${file}\n`).update(readFileSync(file));
  return hash.digest("hex");
}

function stryker(config, extra) {
  console.log(`\n== stryker run ${config} ${extra.join(" ")}`.trimEnd());
  const result = spawnSync("npx", ["stryker", "run", config, ...extra], { stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

mkdirSync("reports", { recursive: true });
if (!only || only === "tables") {
  const stamp = "reports/stryker-tables-suite.sha256";
  const hash = tablesSuiteHash();
  const changed = !existsSync(stamp) || readFileSync(stamp, "utf8") !== hash;
  const force =
    changed && existsSync("reports/stryker-incremental-tables.json") && !passThrough.includes("--force");
  if (force) console.log("The tables suite changed since its last run: retesting all its mutants.");
  stryker("stryker.tables.config.mjs", force ? [...passThrough, "--force"] : passThrough);
  writeFileSync(stamp, hash);
}
if (!only || only === "main") stryker("stryker.config.mjs", passThrough);

spawnSync("node", ["scripts/mutation-score.mjs"], { stdio: "inherit" });
