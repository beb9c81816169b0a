import pg from "pg";

/**
 * The two PostgreSQL roles of the product. The audit trail is evidence, so
 * the role the application runs as must not be able to change it by any
 * means: it owns nothing (an owner may disable or drop a trigger, or replace
 * its function), it is not a superuser (who may also
 * `SET session_replication_role = replica`), and it may only INSERT and
 * SELECT on audit_log.
 *
 * - the **owner** owns the database and every table; migrations run as it;
 * - the **app** role is what the web server, the workers and the command-line
 *   tools connect as: SELECT/INSERT/UPDATE/DELETE on the product's tables,
 *   SELECT/INSERT only on audit_log, nothing on the chain head, and its own
 *   schema for the job queue (pg-boss creates and changes its tables itself).
 *
 * The embedded server sets both up (provisionRoles, as its superuser); with
 * an external DATABASE_URL an administrator creates them (README › PostgreSQL
 * roles) and `npm run db:migrate` grants the app role what it needs.
 */
export const DB_ROLES = { owner: "session_video_owner", app: "session_video_app" } as const;

/** The job queue's schema: pg-boss's own, owned by the app role. */
const QUEUE_SCHEMA = "pgboss";

const ident = (name: string) => pg.escapeIdentifier(name);
const literal = (value: string) => pg.escapeLiteral(value);

/** The same server and database as `url`, signed in as another role. */
export function urlAs(url: string, role: { name: string; password: string }): string {
  const u = new URL(url);
  u.username = encodeURIComponent(role.name);
  u.password = encodeURIComponent(role.password);
  return u.toString();
}

/** The role a connection URL signs in as. */
export function roleOf(url: string): string {
  return decodeURIComponent(new URL(url).username);
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * As a superuser, on the database of `superuserUrl`: creates (or updates the
 * password of) the owner and app roles, makes the owner the owner of the
 * database, its public schema and of everything an earlier version created
 * there as the superuser, and gives the job queue's schema to the app role.
 * Safe to run on every start.
 */
export async function provisionRoles(superuserUrl: string, passwords: { owner: string; app: string }): Promise<void> {
  const { owner, app } = DB_ROLES;
  await withClient(superuserUrl, async (client) => {
    const database = (await client.query<{ db: string }>("select current_database() as db")).rows[0]!.db;
    for (const [name, password] of [
      [owner, passwords.owner],
      [app, passwords.app],
    ] as const) {
      const exists = await client.query("select 1 from pg_roles where rolname = $1", [name]);
      const verb = exists.rowCount ? "ALTER" : "CREATE";
      await client.query(`${verb} ROLE ${ident(name)} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${literal(password)}`);
    }
    await client.query(`ALTER DATABASE ${ident(database)} OWNER TO ${ident(owner)}`);
    await client.query(`ALTER SCHEMA public OWNER TO ${ident(owner)}`);
    await client.query("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
    // pg-boss creates its schema and tables at its first start.
    await client.query(`GRANT CONNECT, CREATE ON DATABASE ${ident(database)} TO ${ident(app)}`);
    await handOver(client, ["public", "drizzle"], owner);
    await handOver(client, [QUEUE_SCHEMA], app);
  });
}

/**
 * Gives the schemas and what is in them to `role`: a database migrated by an
 * earlier version, as the superuser, is handed over to the owner role (and
 * its job queue to the app role). Objects of extensions stay as they are.
 */
async function handOver(client: pg.Client, schemas: string[], role: string) {
  await client.query(
    `DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT nspname FROM pg_namespace WHERE nspname = ANY (${literal(`{${schemas.join(",")}}`)}::text[])
      AND pg_get_userbyid(nspowner) <> ${literal(role)} LOOP
    EXECUTE format('ALTER SCHEMA %I OWNER TO %I', r.nspname, ${literal(role)});
  END LOOP;
  -- Tables (each partition too), views, and sequences not owned by a column (those follow their table).
  FOR r IN SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ANY (${literal(`{${schemas.join(",")}}`)}::text[])
        AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
        AND pg_get_userbyid(c.relowner) <> ${literal(role)}
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                        AND (d.deptype = 'e' OR (c.relkind = 'S' AND d.deptype IN ('a', 'i'))))
  LOOP
    EXECUTE format('ALTER TABLE %I.%I OWNER TO %I', r.nspname, r.relname, ${literal(role)});
  END LOOP;
  FOR r IN SELECT p.oid::regprocedure AS sig FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname = ANY (${literal(`{${schemas.join(",")}}`)}::text[])
        AND pg_get_userbyid(p.proowner) <> ${literal(role)}
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
  LOOP
    EXECUTE format('ALTER FUNCTION %s OWNER TO %I', r.sig, ${literal(role)});
  END LOOP;
  FOR r IN SELECT n.nspname, t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = ANY (${literal(`{${schemas.join(",")}}`)}::text[])
        AND t.typtype IN ('e', 'd')
        AND pg_get_userbyid(t.typowner) <> ${literal(role)}
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
  LOOP
    EXECUTE format('ALTER TYPE %I.%I OWNER TO %I', r.nspname, r.typname, ${literal(role)});
  END LOOP;
END $$`,
  );
}

/**
 * As the owner, after the migrations: what the app role may do. Everything on
 * the product's tables except audit_log (INSERT and SELECT only) and the
 * head of its hash chain (SELECT only: the chain's trigger, which runs as
 * the owner, moves it); the reviews of sessions and the versions of notes,
 * evidence like the trail, are INSERT and SELECT only too (their triggers
 * refuse changes as well). Run after every migration: new tables get their grants.
 */
export async function grantAppRole(ownerUrl: string, appRole: string): Promise<void> {
  const app = ident(appRole);
  await withClient(ownerUrl, async (client) => {
    await client.query("BEGIN");
    await client.query(`GRANT USAGE ON SCHEMA public TO ${app}`);
    await client.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${app}`);
    await client.query(`REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM ${app}`);
    await client.query(`REVOKE UPDATE, DELETE ON audit_log FROM ${app}`);
    await client.query(`REVOKE INSERT, UPDATE, DELETE ON audit_chain FROM ${app}`);
    await client.query(`REVOKE UPDATE, DELETE ON session_reviews, session_note_versions FROM ${app}`);
    await client.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${app}`);
    await client.query("COMMIT");
  });
}

/**
 * Why a connection must not run the application, or null when it may: a
 * superuser, or the owner of the audit trail, can rewrite it.
 */
export async function auditTrailRisk(url: string): Promise<string | null> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ role: string; superuser: boolean; owner: string | null; update: boolean }>(
      `select current_user as role,
              (select rolsuper from pg_roles where rolname = current_user) as superuser,
              (select tableowner from pg_tables where schemaname = 'public' and tablename = 'audit_log') as owner,
              case when to_regclass('public.audit_log') is null then false
                   else has_table_privilege('public.audit_log', 'UPDATE') or has_table_privilege('public.audit_log', 'DELETE') end as update`,
    );
    const row = rows[0]!;
    if (row.superuser) return `${row.role} is a superuser`;
    if (row.owner === row.role) return `${row.role} owns the audit trail (audit_log)`;
    if (row.update) return `${row.role} may UPDATE or DELETE rows of the audit trail (audit_log)`;
    return null;
  });
}
