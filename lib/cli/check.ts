/**
 * `npm run check`: typecheck, lint, format check and import boundaries, each in
 * turn under its own name (all of them run, so one red step does not hide the
 * next), then one line per step; exits 1 when any failed.
 */
import { spawnSync } from "node:child_process";

const steps = ["typecheck", "lint", "format:check", "boundaries"];
const results: Array<{ step: string; ok: boolean; seconds: number }> = [];

for (const step of steps) {
  console.log(`\n[check] ${step}: npm run ${step}`);
  const started = performance.now();
  const result = spawnSync("npm", ["run", "--silent", step], { stdio: "inherit" });
  const ok = result.status === 0;
  const seconds = (performance.now() - started) / 1000;
  results.push({ step, ok, seconds });
  console.log(`[check] ${step}: ${ok ? "ok" : `FAILED (exit ${result.status ?? result.signal})`} in ${seconds.toFixed(1)} s`);
}

console.log("");
for (const { step, ok, seconds } of results) console.log(`[check] ${ok ? "ok    " : "FAILED"} ${step} (${seconds.toFixed(1)} s)`);
const failed = results.filter((r) => !r.ok).map((r) => r.step);
console.log(failed.length ? `[check] failed: ${failed.join(", ")}` : "[check] all passed");
process.exit(failed.length ? 1 : 0);
