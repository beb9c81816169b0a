/**
 * The database roles of an installation (lib/db/roles.ts): a database that an
 * earlier version migrated as the superuser is handed over to the owner role,
 * after which the application's role runs it and cannot change the audit trail;
 * a connection that could is refused at start.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { applyMigrations } from "@/lib/db/migrate";
import { auditTrailRisk, DB_ROLES, provisionRoles, urlAs } from "@/lib/db/roles";
import { withDatabase } from "../support/global-postgres";

const passwords = JSON.parse(process.env.TEST_ROLE_PASSWORDS!) as { owner: string; app: string };
const adminUrl = process.env.TEST_ADMIN_DATABASE_URL!;

async function query(url: string, text: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

describe("database roles", () => {
  it("hands a database migrated as the superuser over to the owner role, and the app role cannot change its audit trail", async () => {
    const name = `sv_roles_${randomBytes(4).toString("hex")}`;
    await query(adminUrl, `CREATE DATABASE ${name}`);
    const superuserUrl = withDatabase(adminUrl, name);
    // As an earlier version did: every migration as the superuser, one audit entry written.
    await applyMigrations(superuserUrl);
    await query(superuserUrl, "insert into audit_log (action) values ('auth.sign_in_failed')");
    expect(await auditTrailRisk(superuserUrl)).toMatch(/superuser/);

    await provisionRoles(superuserUrl, passwords);
    const ownerUrl = urlAs(superuserUrl, { name: DB_ROLES.owner, password: passwords.owner });
    const appUrl = urlAs(superuserUrl, { name: DB_ROLES.app, password: passwords.app });
    expect(await auditTrailRisk(ownerUrl)).toMatch(/owns the audit trail/);
    await applyMigrations(ownerUrl, { appRole: DB_ROLES.app });

    const owners = await query(
      superuserUrl,
      `select distinct pg_get_userbyid(c.relowner) as owner from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname in ('public', 'drizzle') and c.relkind in ('r', 'p', 'v', 'S')`,
    );
    expect(owners).toEqual([{ owner: DB_ROLES.owner }]);
    expect(await auditTrailRisk(appUrl)).toBeNull();
    await query(appUrl, "insert into audit_log (action) values ('auth.sign_in')");
    await expect(query(appUrl, "update audit_log set action = 'forged'")).rejects.toThrow(/permission denied/);
    const rows = await query(appUrl, "select action, chain_seq from audit_log order by chain_seq");
    expect(rows).toEqual([
      { action: "auth.sign_in_failed", chain_seq: "1" },
      { action: "auth.sign_in", chain_seq: "2" },
    ]);
  });
});
