import path from "node:path";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import { grantAppRole } from "./roles";

/**
 * Applies the committed SQL migrations in drizzle/ to the database at `url`,
 * which connects as the owner of the schema (see roles.ts); then, when the
 * application runs as another role, grants it what it needs on the tables
 * as they are now.
 */
export async function applyMigrations(url: string, { appRole }: { appRole?: string } = {}) {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    await migrate(drizzle(pool), { migrationsFolder: path.resolve(process.cwd(), "drizzle") });
  } finally {
    await pool.end();
  }
  if (appRole) await grantAppRole(url, appRole);
}
