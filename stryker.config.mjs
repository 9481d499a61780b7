// Mutation testing, `npm run test:mutation`: does the suite fail when the code is wrong?
//
// Two runs, both incremental (a rerun tests only mutants whose code or covering tests changed;
// state in reports/, git-ignored; add `--force` to a run to retest everything):
// 1. this file: the core, every provider and the Lambda layer, each mutant against only the tests
//    that cover it (vitest.mutation.config.ts);
// 2. stryker.tables.config.mjs: redaction, the error family, problem+json, the request function
//    and the provider transports with their code tables — mostly data read at import ("static"
//    mutants, which need the whole suite rerun each), so scored against their own quick suites.
// scripts/mutation-score.mjs prints the score per package from both reports.

/** Scored by the second run (stryker.tables.config.mjs), left out of this one. */
export const TABLES = [
  "packages/core/src/redact.ts",
  "packages/core/src/errors.ts",
  "packages/core/src/problem.ts",
  "packages/core/src/http.ts",
  "packages/providers/src/transport.ts",
  "packages/providers/src/*/transport.ts",
];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  plugins: ["@stryker-mutator/vitest-runner"],
  // `related: false`: the tests to run are chosen by per-test coverage, not by the import graph.
  vitest: { configFile: "vitest.mutation.config.ts", related: false },
  mutate: [
    "packages/core/src/**/*.ts",
    "packages/providers/src/**/*.ts",
    "packages/lambda/src/**/*.ts",
    // Barrels and pure type files: nothing to mutate.
    "!packages/{core,providers,lambda}/src/index.ts",
    "!packages/providers/src/callbacks/index.ts",
    "!packages/core/src/logger.ts",
    "!packages/providers/src/types.ts",
    ...TABLES.map((file) => `!${file}`),
  ],
  coverageAnalysis: "perTest",
  // Mutants in code run at import (schemas, constants) would each need the whole suite rerun;
  // the ones that matter most (the tables, the redaction patterns) are scored by the second run.
  ignoreStatic: true,
  incremental: true,
  incrementalFile: "reports/stryker-incremental.json",
  concurrency: 2,
  // A mutant that loops or hangs: timeout = the covering tests' normal time × 2 + 10 s.
  timeoutMS: 10_000,
  timeoutFactor: 2,
  tempDirName: ".stryker-tmp",
  ignorePatterns: [".sst", "dist", "coverage", "reports", "bench/.out", "*.log"],
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/mutation.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  thresholds: { high: 90, low: 80, break: null },
};
