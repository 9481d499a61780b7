import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: "forks",
    // Two files at a time: most suites wait on loopback round trips to the sandbox, not on a CPU, and
    // vitest's default on a 2-core machine (cores - 1) runs them one by one (5½ min instead of 3).
    maxWorkers: 2,
  },
});
