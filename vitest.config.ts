import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Processes, not threads: each test file's Systems (and their 256 MiB RAM each) stay in its own
    // process, so that tests spawning the CLI are not refused memory by what others left behind.
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 60_000,
  },
});
