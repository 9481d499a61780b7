import { defineConfig } from "vitest/config";

/**
 * Suites that keep both CPUs busy on their own (a child process serving 20 000 requests, esbuild and
 * Node 22 cold starts, Chromium, ~1 000 signed callbacks against platform deadlines): they run after
 * the rest and one at a time, so that no timing-bounded test (long polls, token expiry, deadlines,
 * the platforms' 1.5–5 s answer windows) shares the machine with them.
 */
const HEAVY = [
  "test/reliability/load.test.ts",
  "test/bench/smoke.test.ts",
  "test/dev/docs-page.test.ts",
  "test/reliability/changes.test.ts",
];

export default defineConfig({
  test: {
    environment: "node",
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: "forks",
    // Two files at a time: most suites wait on loopback round trips to the sandbox, not on a CPU, and
    // vitest's default on a 2-core machine (cores - 1) runs them one by one (5½ min instead of 3).
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: "suite", include: ["test/**/*.test.ts"], exclude: HEAVY } },
      {
        extends: true,
        test: { name: "heavy", include: HEAVY, fileParallelism: false, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
