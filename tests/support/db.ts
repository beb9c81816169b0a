import { randomBytes } from "node:crypto";
import pg from "pg";
import { closeDb, useDatabaseUrl } from "@/lib/db/client";
import { TEMPLATE_DB, withDatabase } from "./global-postgres";

/** A fresh, migrated database cloned from the template; one per test file. */
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
        await admin.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DB}`);
        break;
      } catch (error) {
        if (attempt >= 20) throw error;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  } finally {
    await admin.end();
  }
  return withDatabase(adminUrl, name);
}

/** Points this test file's db client at a fresh database. */
export async function useFreshDatabase(): Promise<string> {
  const url = await createTestDatabase();
  useDatabaseUrl(url);
  return url;
}

export { closeDb };
