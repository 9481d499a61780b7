import { defineConfig } from "vitest/config";
import { MUTATION_ALIASES } from "./vitest.mutation.config.ts";

/**
 * The fast unit suites of redaction, the error family, problem+json, the request function and the
 * provider transports with their code tables (stryker.tables.config.mjs). Those files are mostly
 * data read at import (the code tables, the credential key list, the patterns): Stryker calls their
 * mutants "static" and reruns the whole suite for each, so this suite has to stay small and quick.
 */
export default defineConfig({
  resolve: { alias: MUTATION_ALIASES },
  test: {
    include: [
      "test/core/redact*.test.ts",
      "test/core/http*.test.ts",
      "test/core/errors*.test.ts",
      "test/providers/transport*.test.ts",
      "test/providers/code-tables*.test.ts",
    ],
    environment: "node",
    // One module graph per run for all the files (Stryker starts a fresh worker for each run, so a
    // static mutant is still read at import): the run per static mutant is most of this suite's cost.
    isolate: false,
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
