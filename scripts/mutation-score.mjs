#!/usr/bin/env node
// The mutation score per package and for the files held to 90 %, from the two Stryker runs of
// `npm run test:mutation` (stryker.config.mjs, stryker.tables.config.mjs). Score as Stryker counts
// it: (killed + timed out) / (killed + timed out + survived + no coverage); ignored mutants and
// ones that do not compile are left out.
//
//   node scripts/mutation-score.mjs [report.json …]   (default: both runs' reports)
//   --survivors   also list each surviving or uncovered mutant (file:line mutator "replacement")
import { existsSync, readFileSync } from "node:fs";

const args = process.argv.slice(2);
const listSurvivors = args.includes("--survivors");
const given = args.filter((a) => !a.startsWith("--"));
const reports = given.length
  ? given
  : ["reports/mutation/mutation.json", "reports/mutation-tables/mutation.json"].filter((f) => existsSync(f));
if (reports.length === 0) {
  console.error("no mutation report: run `npm run test:mutation` first");
  process.exit(1);
}

/** Held to 90 % (issue #17): redaction, the error and code tables, the transport. */
const TARGETS = [
  /^packages\/core\/src\/redact\.ts$/,
  /^packages\/core\/src\/errors\.ts$/,
  /^packages\/core\/src\/problem\.ts$/,
  /^packages\/core\/src\/http\.ts$/,
  /^packages\/providers\/src\/transport\.ts$/,
  /^packages\/providers\/src\/[^/]+\/transport\.ts$/,
];

const files = new Map();
for (const report of reports) {
  const json = JSON.parse(readFileSync(report, "utf8"));
  for (const [path, file] of Object.entries(json.files)) files.set(path.replace(/^\.\//, ""), file);
}

const DETECTED = new Set(["Killed", "Timeout"]);
const UNDETECTED = new Set(["Survived", "NoCoverage"]);
const tally = () => ({ detected: 0, undetected: 0, ignored: 0 });
const add = (t, mutant) => {
  if (DETECTED.has(mutant.status)) t.detected += 1;
  else if (UNDETECTED.has(mutant.status)) t.undetected += 1;
  else if (mutant.status === "Ignored") t.ignored += 1;
};
const score = (t) =>
  t.detected + t.undetected === 0 ? 100 : (100 * t.detected) / (t.detected + t.undetected);
const row = (name, t) =>
  `${name.padEnd(52)} ${score(t).toFixed(1).padStart(6)} %  ${String(t.detected).padStart(5)} detected  ${String(t.undetected).padStart(4)} undetected${t.ignored ? `  (${t.ignored} static, ignored)` : ""}`;

const packages = new Map();
const targets = new Map();
const all = tally();
const survivors = [];
for (const [path, file] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
  const pkg = /^packages\/([^/]+)\//.exec(path)?.[1] ?? path;
  if (!packages.has(pkg)) packages.set(pkg, tally());
  const isTarget = TARGETS.some((re) => re.test(path));
  if (isTarget) targets.set(path, tally());
  for (const mutant of file.mutants) {
    add(all, mutant);
    add(packages.get(pkg), mutant);
    if (isTarget) add(targets.get(path), mutant);
    if (UNDETECTED.has(mutant.status)) {
      const line = mutant.location.start.line;
      survivors.push(
        `${path}:${line} ${mutant.status} ${mutant.mutatorName} ${JSON.stringify(mutant.replacement ?? "")}`,
      );
    }
  }
}

console.log("Mutation score per package");
for (const [pkg, t] of packages) console.log(row(`  @dirgate/${pkg}`, t));
console.log(row("  all", all));
console.log("\nFiles held to 90 %");
const targetsTotal = tally();
for (const [path, t] of targets) {
  console.log(row(`  ${path}`, t));
  targetsTotal.detected += t.detected;
  targetsTotal.undetected += t.undetected;
  targetsTotal.ignored += t.ignored;
}
console.log(row("  together", targetsTotal));
if (listSurvivors) {
  console.log(`\nUndetected mutants (${survivors.length})`);
  for (const s of survivors) console.log(`  ${s}`);
}
