/**
 * The audit trail's hash chain: every row is chained to the one committed
 * before it, also under concurrent inserts; a verification recomputes it and
 * finds a row changed, removed from the middle or cut off the end behind the
 * triggers' back (as the owner can), and is itself audited.
 */
import { sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordAudit, verifyAuditTrail } from "@/lib/audit";
import { verifyAuditChain } from "@/lib/audit/chain";
import { db } from "@/lib/db/client";
import { closeDb, ownerUrlOf, useFreshDatabase } from "../support/db";
import { createTestUser } from "../support/users";

let appUrl: string;

beforeAll(async () => {
  appUrl = await useFreshDatabase();
});
afterAll(async () => {
  await closeDb();
});

/** Runs statements as the owner of the table, with the append-only trigger switched off, as a rogue DBA would. */
async function asOwnerBehindTheTriggers(statements: string[]) {
  const client = new pg.Client({ connectionString: ownerUrlOf(appUrl) });
  await client.connect();
  try {
    await client.query("BEGIN");
    await client.query("ALTER TABLE audit_log DISABLE TRIGGER USER");
    for (const s of statements) await client.query(s);
    await client.query("ALTER TABLE audit_log ENABLE TRIGGER USER");
    await client.query("COMMIT");
  } finally {
    await client.end();
  }
}

async function rowAt(seq: number) {
  const { rows } = await db.execute<{ id: string; action: string; details: unknown; at: string }>(
    sql`select id, action, details, at::text as at from audit_log where chain_seq = ${seq}`,
  );
  return rows[0]!;
}

describe("the audit trail's hash chain", () => {
  it("chains rows written at the same time from many connections, in commit order", async () => {
    const admin = await createTestUser("admin", { name: "Zoë Ünïcode" });
    await recordAudit({ actor: null, action: "auth.sign_in_failed" });
    await recordAudit({
      actor: admin,
      action: "parameter.changed",
      target: { type: "parameter", id: "x" },
      ip: "10.0.0.1",
      details: { note: "ünïcode ✓ 𝄞", n: 1.5, nested: { b: [1, null], a: "x\ny" } },
    });
    // 60 inserts from separate connections at once: each takes its turn on the chain's head.
    const clients = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const c = new pg.Client({ connectionString: appUrl });
        await c.connect();
        return c;
      }),
    );
    try {
      await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          clients[i % clients.length]!.query("insert into audit_log (action, details) values ($1, $2)", ["commands.searched", { i }]),
        ),
      );
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
    const report = await verifyAuditChain();
    expect(report).toMatchObject({ ok: true, rows: 62, headSeq: 62 });
    const { rows } = await db.execute<{ n: string; max: string }>(sql`select count(distinct chain_seq) as n, max(chain_seq) as max from audit_log`);
    expect(rows[0]).toEqual({ n: "62", max: "62" });
  });

  it("sets the chain's fields and the time itself, whatever an insert says", async () => {
    const client = new pg.Client({ connectionString: appUrl });
    await client.connect();
    try {
      await client.query("insert into audit_log (action, at, chain_seq, prev_hash, hash) values ('forged.backdated', '2001-01-01', 1, 'x', 'y')");
    } finally {
      await client.end();
    }
    const { rows } = await db.execute<{ at: string; chain_seq: string }>(
      sql`select at::text as at, chain_seq from audit_log where action = 'forged.backdated'`,
    );
    expect(rows[0]!.chain_seq).toBe("63");
    expect(new Date(rows[0]!.at).getFullYear()).toBeGreaterThan(2020);
    expect((await verifyAuditChain()).ok).toBe(true);
  });

  it("finds a row changed behind the triggers' back, and holds again once it is put back", async () => {
    const before = await rowAt(2);
    await asOwnerBehindTheTriggers([`update audit_log set action = 'user.enabled' where chain_seq = 2`]);
    expect(await verifyAuditChain()).toMatchObject({ ok: false, brokenAt: { seq: 2, id: Number(before.id), problem: "its contents do not match its hash" } });
    await asOwnerBehindTheTriggers([`update audit_log set action = '${before.action}' where chain_seq = 2`]);
    expect((await verifyAuditChain()).ok).toBe(true);

    await asOwnerBehindTheTriggers([`update audit_log set details = '{"i": 999}' where chain_seq = 10`]);
    expect(await verifyAuditChain()).toMatchObject({ ok: false, brokenAt: { seq: 10 } });
  });

  it("finds a row removed from the middle and rows cut off the end", async () => {
    const client = new pg.Client({ connectionString: ownerUrlOf(appUrl) });
    await client.connect();
    try {
      // Start again from a clean chain: the previous test left a broken row.
      await client.query("BEGIN");
      await client.query("ALTER TABLE audit_log DISABLE TRIGGER USER");
      await client.query("delete from audit_log");
      await client.query(`update audit_chain set seq = 0, hash = repeat('0', 64)`);
      await client.query("ALTER TABLE audit_log ENABLE TRIGGER USER");
      await client.query("COMMIT");
    } finally {
      await client.end();
    }
    for (let i = 0; i < 5; i++) await recordAudit({ actor: null, action: "auth.sign_in_failed", details: { i } });
    expect(await verifyAuditChain()).toMatchObject({ ok: true, rows: 5 });

    await asOwnerBehindTheTriggers([`delete from audit_log where chain_seq = 3`]);
    expect(await verifyAuditChain()).toMatchObject({ ok: false, brokenAt: { seq: 3, id: null, problem: "the row at position 3 is missing" } });

    // Cut the rest off the end: what is left is a chain that holds, but the head still says 5.
    await asOwnerBehindTheTriggers([`delete from audit_log where chain_seq >= 3`]);
    expect(await verifyAuditChain()).toMatchObject({ ok: false, brokenAt: { seq: 3, problem: "the chain ends at position 2, its head says 5" } });
  });

  it("finds a replaced hash function: rows chained by it do not match", async () => {
    const client = new pg.Client({ connectionString: ownerUrlOf(appUrl) });
    await client.connect();
    try {
      await client.query("BEGIN");
      await client.query("ALTER TABLE audit_log DISABLE TRIGGER USER");
      await client.query("delete from audit_log");
      await client.query(`update audit_chain set seq = 0, hash = repeat('0', 64)`);
      await client.query("ALTER TABLE audit_log ENABLE TRIGGER USER");
      await client.query("COMMIT");
      await recordAudit({ actor: null, action: "auth.sign_in_failed" });
      await client.query(`CREATE OR REPLACE FUNCTION audit_log_entry_hash(prev_hash text, chain_seq bigint, at timestamptz, actor_id uuid, actor_email text, action text,
        target_type text, target_id text, ip text, details jsonb) RETURNS text LANGUAGE sql STABLE AS $$ SELECT repeat('f', 64) $$`);
      await recordAudit({ actor: null, action: "auth.sign_in_failed" });
    } finally {
      await client.end();
    }
    expect(await verifyAuditChain()).toMatchObject({ ok: false, brokenAt: { seq: 2, problem: "its contents do not match its hash" } });
  });

  it("writes each verification, with its outcome and the head's hash, to the trail", async () => {
    const admin = await createTestUser("admin");
    const report = await verifyAuditTrail({ actor: admin, ip: "10.9.9.9", via: "cli" });
    expect(report.ok).toBe(false);
    const { rows } = await db.execute<{ actor_id: string; details: Record<string, unknown> }>(
      sql`select actor_id, details from audit_log where action = 'audit.verified'`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.actor_id).toBe(admin.id);
    expect(rows[0]!.details).toMatchObject({ via: "cli", ok: false, rows: 1, headSeq: 2, headHash: report.headHash, brokenAt: { seq: 2 } });
  });
});
