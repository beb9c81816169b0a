import { randomBytes } from "node:crypto";
import pg from "pg";
import { closeDb, useDatabaseUrl } from "@/lib/db/client";
import { DB_ROLES, urlAs } from "@/lib/db/roles";
import { TEMPLATE_DB, withDatabase } from "./global-postgres";

function rolePasswords(): { owner: string; app: string } {
  const raw = process.env.TEST_ROLE_PASSWORDS;
  if (!raw) throw new Error("TEST_ROLE_PASSWORDS is not set: run through `npm test`");
  return JSON.parse(raw) as { owner: string; app: string };
}

/**
 * A fresh, migrated database cloned from the template; one per test file.
 * Returns the URL of the application's role (what the app connects as).
 */
export async function createTestDatabase(): Promise<string> {
  const adminUrl = process.env.TEST_ADMIN_DATABASE_URL;
  if (!adminUrl) throw new Error("TEST_ADMIN_DATABASE_URL is not set: run through `npm test`");
  const name = `sv_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    // Two files cloning the template at the same instant can collide; try again briefly.
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DB} OWNER ${DB_ROLES.owner}`);
        break;
      } catch (error) {
        if (attempt >= 20) throw error;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
    // Privileges on a database are not copied from its template: the job queue's schema needs this one.
    await admin.query(`GRANT CONNECT, CREATE ON DATABASE ${name} TO ${DB_ROLES.app}`);
  } finally {
    await admin.end();
  }
  return urlAs(withDatabase(adminUrl, name), { name: DB_ROLES.app, password: rolePasswords().app });
}

/** The same database as `appUrl`, as the owner role that migrations run as. */
export function ownerUrlOf(appUrl: string): string {
  return urlAs(appUrl, { name: DB_ROLES.owner, password: rolePasswords().owner });
}

/** The same database as `appUrl`, as the server's superuser. */
export function superuserUrlOf(appUrl: string): string {
  const adminUrl = process.env.TEST_ADMIN_DATABASE_URL!;
  return withDatabase(adminUrl, new URL(appUrl).pathname.slice(1));
}

/** Points this test file's db client at a fresh database. */
export async function useFreshDatabase(): Promise<string> {
  const url = await createTestDatabase();
  useDatabaseUrl(url);
  return url;
}

export { closeDb };
