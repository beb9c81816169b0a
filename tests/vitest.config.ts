import path from "node:path";
import { defineConfig } from "vitest/config";

const root = path.resolve(import.meta.dirname, "..");
const shared = {
  root,
  resolve: {
    alias: {
      "@": root,
      // Tests run outside React's server environment; the marker has nothing to guard there.
      "server-only": path.join(root, "tests/support/server-only.ts"),
    },
  },
};

export default defineConfig({
  test: {
    projects: [
      { ...shared, test: { name: "unit", include: ["tests/unit/**/*.test.ts"], environment: "node" } },
      {
        ...shared,
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          // TEST_STORAGE=s3 runs them on the S3 backend against a local S3-speaking server (CI runs both).
          globalSetup: ["tests/support/global-postgres.ts", "tests/support/global-storage.ts"],
          setupFiles: ["tests/support/storage-prefix.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        ...shared,
        test: {
          name: "e2e",
          include: ["tests/e2e/**/*.test.ts"],
          globalSetup: ["tests/support/global-postgres.ts", "tests/e2e/support/global-build.ts"],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
