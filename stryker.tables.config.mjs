// The second mutation run (see stryker.config.mjs): the files that are mostly data read at import.
// Every mutant here, static ones included, is tested against vitest.mutation-tables.config.ts.
import base, { TABLES } from "./stryker.config.mjs";

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  ...base,
  vitest: { configFile: "vitest.mutation-tables.config.ts", related: false },
  mutate: TABLES,
  ignoreStatic: false,
  incrementalFile: "reports/stryker-incremental-tables.json",
  htmlReporter: { fileName: "reports/mutation-tables/mutation.html" },
  jsonReporter: { fileName: "reports/mutation-tables/mutation.json" },
};
