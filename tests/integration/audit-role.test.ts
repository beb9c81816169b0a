/**
 * The audit trail cannot be rewritten through the application's own database
 * connection: each of the four ways around the append-only trigger that work
 * for the table's owner or a superuser is refused to the role the app runs as,
 * and so are plain UPDATE, DELETE and TRUNCATE.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordAudit } from "@/lib/audit";
import { closeDb, useFreshDatabase } from "../support/db";

let appUrl: string;

beforeAll(async () => {
  // The URL every test and the app under test connect with: the application's role.
  appUrl = await useFreshDatabase();
  await recordAudit({ actor: null, action: "auth.sign_in_failed", details: { email: "evidence@example.test" } });
});
afterAll(async () => {
  await closeDb();
});

/** Runs the statements in one session of the app's role; the error of the first refused one, or null. */
async function asApp(statements: string[]): Promise<string | null> {
  const client = new pg.Client({ connectionString: appUrl });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
    return null;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.end();
  }
}

async function evidence(): Promise<string[]> {
  const client = new pg.Client({ connectionString: appUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ action: string }>("select action from audit_log order by id");
    return rows.map((r) => r.action);
  } finally {
    await client.end();
  }
}

describe("the application's database role and the audit trail", () => {
  it("cannot switch triggers off with session_replication_role = replica", async () => {
    const refused = await asApp(["SET session_replication_role = replica", "UPDATE audit_log SET action = 'forged'", "DELETE FROM audit_log"]);
    expect(refused).toMatch(/permission denied/);
    expect(await evidence()).toEqual(["auth.sign_in_failed"]);
  });

  it("cannot disable the append-only trigger", async () => {
    const refused = await asApp([
      "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only",
      "UPDATE audit_log SET action = 'forged'",
      "ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only",
    ]);
    expect(refused).toMatch(/must be owner|permission denied/);
    expect(await evidence()).toEqual(["auth.sign_in_failed"]);
  });

  it("cannot drop the append-only trigger", async () => {
    const refused = await asApp(["DROP TRIGGER audit_log_append_only ON audit_log", "DELETE FROM audit_log"]);
    expect(refused).toMatch(/must be owner|permission denied/);
    expect(await evidence()).toEqual(["auth.sign_in_failed"]);
  });

  it("cannot replace the trigger's function", async () => {
    const refused = await asApp([
      "CREATE OR REPLACE FUNCTION audit_log_refuse_change() RETURNS trigger AS $$ BEGIN RETURN COALESCE(NEW, OLD); END; $$ LANGUAGE plpgsql",
      "UPDATE audit_log SET action = 'forged'",
    ]);
    expect(refused).toMatch(/must be owner|permission denied/);
    expect(await evidence()).toEqual(["auth.sign_in_failed"]);
  });

  it("may not UPDATE, DELETE or TRUNCATE, and is neither a superuser nor an owner of anything it must not change", async () => {
    expect(await asApp(["UPDATE audit_log SET action = 'forged'"])).toMatch(/permission denied/);
    expect(await asApp(["DELETE FROM audit_log"])).toMatch(/permission denied/);
    expect(await asApp(["TRUNCATE audit_log"])).toMatch(/permission denied/);
    const client = new pg.Client({ connectionString: appUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ superuser: boolean; owned: string[] }>(
        `select (select rolsuper from pg_roles where rolname = current_user) as superuser,
                array(select c.relname::text from pg_class c join pg_namespace n on n.oid = c.relnamespace
                      where n.nspname = 'public' and pg_get_userbyid(c.relowner) = current_user) as owned`,
      );
      expect(rows[0]).toEqual({ superuser: false, owned: [] });
    } finally {
      await client.end();
    }
    expect(await evidence()).toEqual(["auth.sign_in_failed"]);
  });
});
