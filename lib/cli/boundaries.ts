/**
 * `npm run boundaries`: the import rules of .dependency-cruiser.cjs over lib/ and app/,
 * listed rule by rule with a count. depcruise itself exits with its number of errors,
 * which the system keeps modulo 256 (256 violations would exit 0), so it reports JSON
 * here and the count decides.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import type { ICruiseResult, IViolation } from "dependency-cruiser";

const cli = path.resolve("node_modules/dependency-cruiser/bin/dependency-cruise.mjs");
const run = spawnSync(process.execPath, [cli, "lib", "app", "--config", ".dependency-cruiser.cjs", "--output-type", "json"], {
  encoding: "utf8",
  maxBuffer: 512 * 1024 * 1024,
  stdio: ["ignore", "pipe", "inherit"],
});
if (run.error || !run.stdout.trim()) {
  console.error(`[boundaries] depcruise gave no result (exit ${run.status ?? run.signal})`, run.error ?? "");
  process.exit(1);
}
const { summary } = JSON.parse(run.stdout) as ICruiseResult;

const byRule = new Map<string, IViolation[]>();
for (const violation of summary.violations) byRule.set(violation.rule.name, [...(byRule.get(violation.rule.name) ?? []), violation]);
for (const rule of summary.ruleSetUsed?.forbidden ?? []) {
  const violations = byRule.get(rule.name ?? "") ?? [];
  console.log(`[boundaries] ${violations.length ? `${rule.name}: ${violations.length}` : `${rule.name}: ok`}`);
  if (!violations.length) continue;
  if (rule.comment) console.log(`    ${rule.comment}`);
  for (const v of violations) console.log(`    ${[v.from, ...(v.cycle ? v.cycle.map((step) => step.name) : [v.to])].join(" → ")}`);
}
const where = `${summary.totalCruised} modules, ${summary.totalDependenciesCruised} dependencies cruised`;
console.log(summary.error ? `[boundaries] ${summary.error} violations (${where})` : `[boundaries] no violations (${where})`);
process.exit(summary.error > 0 ? 1 : 0);
