import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import pg from "pg";
import { env } from "@/lib/env";
import * as schema from "./schema";

export type Db = NodePgDatabase<typeof schema>;

type Cache = { pool?: pg.Pool; db?: Db; url?: string };
// One pool per process, kept across hot reloads in development.
const cache: Cache = ((globalThis as { __sessionVideoDb?: Cache }).__sessionVideoDb ??= {});

/**
 * Points this process at a database. The command-line tools call it after
 * starting the embedded server; the web server gets DATABASE_URL from `npm start`.
 */
export function useDatabaseUrl(url: string) {
  if (cache.url && cache.url !== url) throw new Error("The database connection is already open on another URL");
  cache.url = url;
}

export function databaseUrl(): string {
  const url = cache.url ?? env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set and no embedded database was started");
  return url;
}

export function getPool(): pg.Pool {
  // Two connections stay open when idle: a player that resumes or seeks after a pause would
  // otherwise wait for a new connection (a backend process and a SCRAM exchange) and prepare
  // its statements again. Idle connections do not keep a command-line tool from exiting.
  if (!cache.pool) {
    const pool = new pg.Pool({ connectionString: databaseUrl(), max: 10, min: 2, allowExitOnIdle: true });
    // An idle connection the server closed (a restart of PostgreSQL, an administrator's command)
    // is dropped by the pool and replaced on next use; without a listener it would end the process.
    pool.on("error", (error) => console.error(`[db] idle connection lost (pid ${process.pid}): ${error.message}`));
    cache.pool = pool;
  }
  return cache.pool;
}

export function getDb(): Db {
  cache.db ??= drizzle(getPool(), { schema, casing: "snake_case" });
  return cache.db;
}

/** The shared drizzle client; connects on first use. */
export const db: Db = new Proxy({} as Db, {
  get(_target, prop) {
    const real = getDb() as unknown as Record<PropertyKey, unknown>;
    const value = real[prop];
    return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(real) : value;
  },
});

export async function closeDb() {
  const pool = cache.pool;
  cache.pool = undefined;
  cache.db = undefined;
  await pool?.end();
}
