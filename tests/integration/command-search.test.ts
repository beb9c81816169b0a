import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyzeSession } from "@/lib/analysis/analyze";
import { db } from "@/lib/db/client";
import { searchSessionCommands } from "@/lib/analysis/queries/commands";
import { commandsNeedBackfill } from "@/lib/analysis/queries/findings";
import { sessionCommands } from "@/lib/db/schema";
import { insertSession, typeLines } from "../support/analysis-fixtures";
import { closeDb, useFreshDatabase } from "../support/db";
import { createTestUser } from "../support/users";

beforeAll(async () => {
  await useFreshDatabase();
});
afterAll(async () => {
  await closeDb();
});

const auditor = { id: "00000000-0000-4000-8000-000000000001", role: "auditor" as const };
const hashes = (rows: { hash: string }[]) => rows.map((r) => r.hash);

async function sshSession(lines: (string | { masked: number })[], opts: { userId?: string; startedAt?: Date } = {}) {
  const { events, enters } = typeLines(lines, 5_000);
  const session = await insertSession({ protocol: "ssh", events, ...opts });
  await analyzeSession({ sessionId: session.id });
  return { session, enters };
}

describe("command search across recordings", () => {
  it("finds typed commands in any case with the moment they ran, and stores no masked keystroke", async () => {
    const { session, enters } = await sshSession(["ls -la", "sudo cat /etc/SHADOW", "passwd", { masked: 9 }, "exit"]);
    const { rows } = await searchSessionCommands({ viewer: auditor, q: "etc/shadow" });
    const row = rows.find((r) => r.hash === session.hash);
    expect(row?.hits).toEqual([expect.objectContaining({ text: "sudo cat /etc/SHADOW", tMs: enters[1], source: "keys" })]);
    expect(row?.matches).toBe(1);
    // Every line is stored once per analysis, and a second analysis replaces them.
    await analyzeSession({ sessionId: session.id });
    const stored = await db.select().from(sessionCommands).where(eq(sessionCommands.sessionId, session.id));
    expect(stored.map((c) => c.text)).toEqual(["ls -la", "sudo cat /etc/SHADOW", "passwd", "", "exit"].filter(Boolean));
    expect(stored.some((c) => c.text.includes("•"))).toBe(false);
  });

  it("shows a user only their own sessions; auditors see all", async () => {
    const user = await createTestUser("user");
    const mine = await sshSession(["systemctl stop auditd-mine"], { userId: user.id });
    const theirs = await sshSession(["systemctl stop auditd-theirs"]);
    const asUser = await searchSessionCommands({ viewer: { id: user.id, role: "user" }, q: "systemctl stop auditd" });
    expect(hashes(asUser.rows)).toEqual([mine.session.hash]);
    const asAuditor = await searchSessionCommands({ viewer: auditor, q: "systemctl stop auditd" });
    expect(hashes(asAuditor.rows).sort()).toEqual([mine.session.hash, theirs.session.hash].sort());
  });

  it("takes LIKE wildcards literally and filters by session type", async () => {
    const percent = await sshSession(["echo 100%_done"]);
    await sshSession(["echo 100xxdone"]);
    expect(hashes((await searchSessionCommands({ viewer: auditor, q: "100%_" })).rows)).toEqual([percent.session.hash]);
    const db1 = await insertSession({
      protocol: "postgresql",
      events: [{ tMs: 3_000, type: "query", data: { statement: "DROP TABLE payroll_2026", outcome: "error", error: "permission denied" } }],
    });
    await analyzeSession({ sessionId: db1.id });
    expect(hashes((await searchSessionCommands({ viewer: auditor, q: "payroll_2026" })).rows)).toEqual([db1.hash]);
    expect((await searchSessionCommands({ viewer: auditor, q: "payroll_2026", kind: "terminal" })).rows).toEqual([]);
    expect(hashes((await searchSessionCommands({ viewer: auditor, q: "drop table payroll", kind: "database" })).rows)).toEqual([db1.hash]);
  });

  it("knows when sessions were analyzed before commands were stored (a database migrated to 0004)", async () => {
    await sshSession(["uptime"]);
    expect(await commandsNeedBackfill()).toBe(false);
    // eslint-disable-next-line drizzle/enforce-delete-with-where -- every row, on purpose: a database from before 0004
    await db.delete(sessionCommands);
    expect(await commandsNeedBackfill()).toBe(true);
  });

  it("pages by session, newest first, and caps the lines shown per session", async () => {
    const base = Date.UTC(2026, 9, 1);
    const made = [];
    for (let i = 0; i < 5; i++) {
      made.push(
        await sshSession(
          Array.from({ length: 7 }, (_, k) => `tar czf backup-pager-${k}.tgz`),
          { startedAt: new Date(base + i * 3600_000) },
        ),
      );
    }
    const newestFirst = made.map((m) => m.session.hash).reverse();
    const one = await searchSessionCommands({ viewer: auditor, q: "backup-pager", limit: 2 });
    const two = await searchSessionCommands({ viewer: auditor, q: "backup-pager", limit: 2, cursor: one.next });
    const three = await searchSessionCommands({ viewer: auditor, q: "backup-pager", limit: 2, cursor: two.next });
    expect([...hashes(one.rows), ...hashes(two.rows), ...hashes(three.rows)]).toEqual(newestFirst);
    expect(three.next).toBeNull();
    expect(one.rows[0]!.matches).toBe(7);
    expect(one.rows[0]!.hits.map((h) => h.text)).toEqual([0, 1, 2, 3, 4].map((k) => `tar czf backup-pager-${k}.tgz`));
  });
});
