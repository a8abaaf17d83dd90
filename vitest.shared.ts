import { defineConfig } from "vitest/config";

/**
 * Test settings every package shares: JSON results per package (read by
 * scripts/test-all.sh for the run's summary line) and snapshots that CI never writes.
 */
export function sharedTestConfig(packageDir: string, overrides: { testTimeout?: number } = {}) {
  return defineConfig({
    test: {
      root: packageDir,
      include: ["test/**/*.test.ts"],
      reporters: ["default", "json"],
      outputFile: { json: "test-results/vitest.json" },
      testTimeout: overrides.testTimeout ?? 30_000,
      update: false,
      typecheck: { enabled: false },
    },
  });
}
