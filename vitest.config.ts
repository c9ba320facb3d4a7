import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Sandbox, server and fuzz suites spawn processes; two cores is what CI has.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
