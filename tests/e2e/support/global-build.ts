/** Builds the app once for the end-to-end tests (skipped with E2E_SKIP_BUILD=1 when the build is current;
 * NEXT_DIST_DIR picks the build folder). */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

export async function setup() {
  if (process.env.E2E_SKIP_BUILD === "1" && existsSync(path.resolve(process.env.NEXT_DIST_DIR || ".next", "BUILD_ID"))) return;
  const result = spawnSync(process.execPath, [path.resolve("node_modules/next/dist/bin/next"), "build"], {
    stdio: "inherit",
    env: { NEXT_TELEMETRY_DISABLED: "1", ...process.env, NODE_ENV: "production" },
  });
  if (result.status !== 0) throw new Error(`next build failed (exit ${result.status})`);
}
