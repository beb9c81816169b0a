import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import pg from "pg";
import path from "node:path";
import { useDatabaseUrl } from "@/lib/db/client";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "@/lib/setup/embedded-postgres";
import { applyMigrations } from "@/lib/db/migrate";
import { env } from "@/lib/env";

/**
 * Brings up what every command needs: the data folder, the database (DATABASE_URL
 * or an embedded PostgreSQL under ./data/postgres) with migrations applied.
 */
export async function prepareRuntime({ migrate = true } = {}): Promise<{
  databaseUrl: string;
  embedded: EmbeddedDatabase | null;
}> {
  await mkdir(env.DATA_DIR, { recursive: true });
  let embedded: EmbeddedDatabase | null = null;
  let databaseUrl = env.DATABASE_URL;
  if (!databaseUrl) {
    // Another command (npm start) may already run the embedded server on this data folder.
    databaseUrl = (await runningEmbeddedUrl()) ?? undefined;
  }
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres(path.join(env.DATA_DIR, "postgres"));
    databaseUrl = embedded.url;
    await writeFile(runtimeFile(), JSON.stringify({ url: embedded.url, pid: process.pid }), { mode: 0o600 });
    const stop = embedded.stop;
    embedded = { url: embedded.url, stop: async () => { await rm(runtimeFile(), { force: true }); await stop(); } };
    console.log(`[db] embedded PostgreSQL running from ${path.join(env.DATA_DIR, "postgres")}`);
  }
  useDatabaseUrl(databaseUrl);
  if (migrate) await applyMigrations(databaseUrl);
  return { databaseUrl, embedded };
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
