import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import pg from "pg";
import path from "node:path";
import { useDatabaseUrl } from "@/lib/db/client";
import { auditTrailRisk, DB_ROLES, provisionRoles, roleOf, urlAs } from "@/lib/db/roles";
import { embeddedRolePasswords, startEmbeddedPostgres, type EmbeddedDatabase } from "@/lib/setup/embedded-postgres";
import { applyMigrations } from "@/lib/db/migrate";
import { env } from "@/lib/env";

/**
 * Brings up what every command needs: the data folder, the database (DATABASE_URL
 * or an embedded PostgreSQL under ./data/postgres) with migrations applied as
 * the owner role, and this process connected as the application's role, which
 * cannot change the audit trail (lib/db/roles.ts). `databaseUrl` is that
 * role's URL, for the processes this one starts.
 */
export async function prepareRuntime({
  migrate = true,
  requireMigrations = false,
}: {
  migrate?: boolean;
  /** `npm run db:migrate`: fail when the migrations cannot run (no owner role given). */
  requireMigrations?: boolean;
} = {}): Promise<{
  databaseUrl: string;
  embedded: EmbeddedDatabase | null;
}> {
  await mkdir(env.DATA_DIR, { recursive: true });
  let embedded: EmbeddedDatabase | null = null;
  let appUrl: string;
  let ownerUrl: string | null;
  if (env.DATABASE_URL) {
    appUrl = env.DATABASE_URL;
    ownerUrl = env.DATABASE_OWNER_URL ?? null;
  } else {
    // Another command (npm start) may already run the embedded server on this data folder.
    let superuserUrl = await runningEmbeddedUrl();
    if (!superuserUrl) {
      embedded = await startEmbeddedPostgres(embeddedDir());
      superuserUrl = embedded.url;
      await writeFile(runtimeFile(), JSON.stringify({ url: embedded.url, pid: process.pid }), { mode: 0o600 });
      const stop = embedded.stop;
      embedded = {
        ...embedded,
        stop: async () => {
          await rm(runtimeFile(), { force: true });
          await stop();
        },
      };
      console.log(`[db] embedded PostgreSQL running from ${embeddedDir()}`);
    }
    const passwords = await embeddedRolePasswords(embeddedDir());
    await provisionRoles(superuserUrl, passwords);
    ownerUrl = urlAs(superuserUrl, { name: DB_ROLES.owner, password: passwords.owner });
    appUrl = urlAs(superuserUrl, { name: DB_ROLES.app, password: passwords.app });
  }
  if (migrate && ownerUrl) {
    await applyMigrations(ownerUrl, { appRole: roleOf(appUrl) });
  } else if (requireMigrations) {
    throw new Error("DATABASE_OWNER_URL is not set: migrations run as the role that owns the schema (README › PostgreSQL roles).");
  }
  // With DATABASE_URL alone, the schema is the administrator's to migrate (npm run db:migrate with DATABASE_OWNER_URL).
  const risk = await auditTrailRisk(appUrl);
  if (risk) {
    throw new Error(
      `DATABASE_URL must not be able to change the audit trail, but ${risk}. Connect the application as a role with only ` +
        "its own privileges and run the migrations as the owner with DATABASE_OWNER_URL (README › PostgreSQL roles).",
    );
  }
  useDatabaseUrl(appUrl);
  return { databaseUrl: appUrl, embedded };
}

function embeddedDir() {
  return path.join(env.DATA_DIR, "postgres");
}

function runtimeFile() {
  return path.join(env.DATA_DIR, "postgres.runtime.json");
}

async function runningEmbeddedUrl(): Promise<string | null> {
  if (!existsSync(runtimeFile())) return null;
  const { url } = JSON.parse(await readFile(runtimeFile(), "utf8")) as { url: string };
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1500 });
  try {
    await client.connect();
    return url;
  } catch {
    return null;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** NEXTAUTH_SECRET when set; otherwise one generated on first start and kept under ./data. */
export async function authSecret(): Promise<string> {
  if (env.NEXTAUTH_SECRET) return env.NEXTAUTH_SECRET;
  const file = path.join(env.DATA_DIR, "auth-secret");
  if (existsSync(file)) return (await readFile(file, "utf8")).trim();
  const secret = randomBytes(32).toString("base64url");
  await writeFile(file, secret, { mode: 0o600 });
  return secret;
}
