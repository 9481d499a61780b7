import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/**
 * The suites Stryker runs against each mutant (`npm run test:mutation`, stryker.config.mjs): the
 * unit, contract and function tests of the core, the providers and the Lambda layer.
 *
 * Left out, and why (`npm test` still runs all of them):
 * - suites that spawn processes or measure (load, bench, sst-config, the dev server and docs
 *   browser tests) and the sandbox's own tests: they test no logic of the mutated packages;
 * - suites whose tests take seconds each because they wait on real time or sweep everything (the
 *   reliability suites, Lambda deadlines, token expiry, the status and no-secrets sweeps over every
 *   provider, the SQS batch function): every mutant they cover would wait as long, and what they
 *   check at scale is stated by the unit suites;
 * - fast-check fuzzing, which draws new inputs on every run (a mutant killed one run and not the next).
 */
const root = fileURLToPath(new URL(".", import.meta.url));

export const MUTATION_ALIASES = [
  // Stryker runs in a copy of the project (.stryker-tmp/sandbox-…) whose node_modules is a symlink
  // to the original one: there `@dirgate/*` would resolve to the original, unmutated sources.
  // Point the workspace packages at this copy's sources instead.
  { find: /^@dirgate\/(core|providers|lambda|sandbox|dev)$/, replacement: `${root}packages/$1/src/index.ts` },
];

/**
 * Suites that need a module graph of their own (they import the Lambda functions fresh, whose
 * settings are read at import, or keep state in a module). A suite that fails only in the shared
 * project belongs here: Stryker's initial run says so by failing.
 */
const ISOLATED = [
  "test/functions/**/*.test.ts",
  "test/providers/wecom/functions.test.ts",
  "test/providers/wecom/lookup-budget.test.ts",
];

const SLOW = [
  "test/providers/status-vocabulary.test.ts",
  "test/providers/no-secrets-in-errors.test.ts",
  "test/providers/tokens.test.ts",
  "test/lambda/secret-deadline.test.ts",
  "test/functions/lookup-batch.test.ts",
];

export default defineConfig({
  resolve: { alias: MUTATION_ALIASES },
  test: {
    environment: "node",
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: "shared",
          include: [
            "test/core/**/*.test.ts",
            "test/providers/**/*.test.ts",
            "test/lambda/**/*.test.ts",
            "test/reliability/access.test.ts",
          ],
          exclude: [...SLOW, ...ISOLATED],
          // One module graph for all the files a mutant's tests are in, instead of one per file:
          // Stryker reruns the covering tests for every mutant, and importing the packages (and the
          // sandbox, and the AWS SDK) per file was most of that time.
          isolate: false,
        },
      },
      { extends: true, test: { name: "isolated", include: ISOLATED, exclude: SLOW, isolate: true } },
    ],
  },
});
