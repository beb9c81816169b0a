/**
 * `npm run bench:pages`: the Remote sessions list and the session report with
 * 1,000,000 sessions. Starts its own embedded PostgreSQL under ./data (or uses
 * BENCH_DATABASE_URL), loads the sessions with generate_series, then measures
 * the query functions the pages call (median and p95 of 50 requests each) next
 * to the same list done with OFFSET, and, when a build exists, the full HTTP
 * page renders of `next start` with a signed-in cookie.
 *
 * Environment: BENCH_DATABASE_URL (use that server; its database is emptied of
 * sessions), BENCH_ROWS (default 1000000), BENCH_HTTP=0 (skip page renders),
 * NEXT_DIST_DIR (the build to serve; default .next), BENCH_PROFILE=<dir> (the
 * server writes a V8 CPU profile there, to find where a render spends its time).
 */
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmod, mkdir, mkdtemp, rm } from "node:fs/promises";
import path from "node:path";
import { and, eq, sql } from "drizzle-orm";
import { hashPassword } from "@/lib/users/password";
import { closeDb, db, getPool, useDatabaseUrl } from "@/lib/db/client";
import { startEmbeddedPostgres } from "@/lib/setup/embedded-postgres";
import { applyMigrations } from "@/lib/db/migrate";
import { getParameter } from "@/lib/settings/queries";
import { getRecordingBySession } from "@/lib/recordings/queries";
import { getSessionByHash, listColumns, listSessions } from "@/lib/sessions/queries";
import { remoteSessions, users } from "@/lib/db/schema";
import { PAGE_SIZE, encodeCursor, type SessionCursor, type SessionFilter } from "@/lib/sessions/filters";
import { startNext } from "./support/next-start";
import { signInCookie } from "./support/sign-in";

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const RUNS = 50;
const WARMUP = 5;
const TARGET_P95_MS = 50;
const DEEP = 10_000;

type Result = { name: string; median: number; p95: number; baseline?: string };
const results: Result[] = [];

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)]!;
}

type Case = { name: string; fn: (i: number) => Promise<unknown>; key?: string; baseline?: string };

/**
 * Runs every case RUNS times, round-robin, so that a busy moment of the machine
 * (two cores, shared) lands on all cases alike instead of on whichever ran then.
 */
async function measureAll(cases: Case[]): Promise<Map<string, Result>> {
  for (let i = 0; i < WARMUP; i++) for (const c of cases) await c.fn(i);
  const times = cases.map(() => [] as number[]);
  for (let i = 0; i < RUNS; i++) {
    for (const [k, c] of cases.entries()) {
      const t = performance.now();
      await c.fn(i);
      times[k]!.push(performance.now() - t);
    }
  }
  const byKey = new Map<string, Result>();
  for (const [k, c] of cases.entries()) {
    const sorted = times[k]!.sort((a, b) => a - b);
    const r: Result = { name: c.name, median: percentile(sorted, 50), p95: percentile(sorted, 95), baseline: c.baseline };
    results.push(r);
    if (c.key) byKey.set(c.key, r);
    console.log(`  ${c.name.padEnd(46)} median ${r.median.toFixed(2).padStart(8)} ms   p95 ${r.p95.toFixed(2).padStart(8)} ms`);
  }
  return byKey;
}

// ─── Database ────────────────────────────────────────────────────────────────

async function startDatabase(): Promise<{ url: string; stop: () => Promise<void> }> {
  if (process.env.BENCH_DATABASE_URL) return { url: process.env.BENCH_DATABASE_URL, stop: async () => {} };
  await mkdir(path.resolve("data"), { recursive: true });
  const parent = await mkdtemp(path.resolve("data/bench-postgres-"));
  await chmod(parent, 0o755); // as root, the postgres OS user must reach its data folder
  const pg = await startEmbeddedPostgres(path.join(parent, "pg"));
  return {
    url: pg.url,
    stop: async () => {
      await pg.stop();
      await rm(parent, { recursive: true, force: true });
    },
  };
}

async function load(): Promise<void> {
  const t = performance.now();
  // A fresh database has no session; one given by BENCH_DATABASE_URL is emptied of them. Reviews are append-only
  // (their triggers refuse TRUNCATE), so a database whose sessions were reviewed cannot be emptied: use a fresh one.
  const [any] = (await db.execute<{ id: string }>(sql`select id from remote_sessions limit 1`)).rows;
  if (any) await db.execute(sql`truncate remote_sessions, recordings, recording_chunks, session_events, command_findings, video_exports cascade`);
  // Loading first and indexing afterwards is several times faster than 1M inserts through ten indexes.
  const indexes = await db.execute<{ indexname: string; indexdef: string }>(
    sql`select indexname, indexdef from pg_indexes where tablename = 'remote_sessions' and indexname not like '%_pkey'`,
  );
  for (const ix of indexes.rows) await db.execute(sql.raw(`drop index ${ix.indexname}`));
  const pamUsers = await db.select({ id: users.id }).from(users).where(eq(users.role, "user"));
  const ids = `array[${pamUsers.map((u) => `'${u.id}'::uuid`).join(",")}]`;
  await db.execute(
    sql.raw(`
    insert into remote_sessions (hash, protocol, host, credential_username, user_id, user_name, user_ip, cluster_node,
      started_at, ended_at, status, error_message, recording_size, risk_score, max_criticality, review_verdict, reviewed_at)
    select md5('bench-' || g),
      (array['ssh','ssh','ssh','rdp','rdp','vnc','telnet','http','mysql','postgresql','postgresql','oracle','sqlserver'])[1 + (h % 13)]::protocol,
      case when h % 3 = 0 then 'srv-' || lpad((h % 5000)::text, 4, '0') || '.corp.example'
           else '10.' || (h % 250) || '.' || ((h / 250) % 250) || '.' || ((h / 62500) % 250) end,
      (array['root','ubuntu','deploy','ansible','Administrator','CORP\\svc_backup','postgres','sa','SYSTEM','app_rw','admin','operator'])[1 + ((h / 13) % 12)],
      case when h % 10 < 3 then (${ids})[1 + (h / 7) % ${pamUsers.length}] end,
      (array['Alice','Bob','Carol','Diego','Emma','Farid','Grace','Hiro','Isabel','Jonas','Maria','Marcus','Nadia','Omar','Paula','Quentin'])[1 + ((h / 17) % 16)]
        || ' ' || (array['Martins','Chen','Diaz','Souza','Wilson','Haddad','Kim','Tanaka','Rocha','Berg'])[1 + ((h / 7) % 10)] || ' ' || (h % 997),
      '10.1.' || (h % 200) || '.' || ((h / 200) % 250),
      'pam-node-' || (1 + h % 3),
      s,
      case when st <> 'active' then s + ((5 + (h % 7200)) * interval '1 second') end,
      st::session_status,
      case when st = 'failed' then 'Permission denied (publickey,password).' end,
      case when st = 'failed' then 0 else (h % 500000000)::bigint end,
      case when h % 5 = 0 then h % 300 else 0 end,
      case when h % 5 = 0 then (array['low','medium','high'])[1 + (h % 3)]::criticality end,
      -- One session in nine reviewed, a third of those each verdict.
      case when h % 9 = 0 then (array['no_issue','suspicious','incident'])[1 + ((h / 9) % 3)]::review_verdict end,
      case when h % 9 = 0 then s + interval '1 day' end
    from (
      select g, h, now() - (h % (90::bigint * 86400000)) * interval '1 millisecond' - (g % 1000) * interval '1 microsecond' as s,
        case when h % 1000 = 0 then 'active' when h % 50 = 1 then 'failed' else 'closed' end as st
      from (select g, abs(hashtext('bench' || g)::bigint) as h from generate_series(1, ${ROWS}) g) x
    ) y`),
  );
  const loaded = performance.now();
  await db.execute(sql`set maintenance_work_mem = '512MB'`);
  for (const ix of indexes.rows) await db.execute(sql.raw(ix.indexdef));
  await db.execute(sql`analyze remote_sessions`);
  console.log(
    `  loaded ${ROWS.toLocaleString("en-US")} sessions in ${((loaded - t) / 1000).toFixed(1)} s, ` +
      `indexes and ANALYZE in ${((performance.now() - loaded) / 1000).toFixed(1)} s`,
  );
}

// ─── The same list with OFFSET, as the baseline ──────────────────────────────

async function listWithOffset(filter: SessionFilter, offset: number) {
  const where = [];
  if (filter.protocol) where.push(eq(remoteSessions.protocol, filter.protocol));
  if (filter.q) {
    const p = `${filter.q.toLowerCase()}%`;
    where.push(
      sql`(lower(${remoteSessions.host}) like ${p} or lower(${remoteSessions.userName}) like ${p} or lower(${remoteSessions.credentialUsername}) like ${p} or ${remoteSessions.hash} like ${p})`,
    );
  }
  return (
    db
      // The same columns as listSessions, so that only the paging differs.
      .select(listColumns)
      .from(remoteSessions)
      .where(and(...where))
      .orderBy(sql`${remoteSessions.startedAt} desc nulls last`, sql`${remoteSessions.id} desc nulls last`)
      .limit(PAGE_SIZE + 1)
      .offset(offset)
  );
}

/** The cursor that a reader paging 50 at a time would hold at `depth` rows. */
async function cursorAt(filter: SessionFilter, depth: number): Promise<SessionCursor> {
  const where = filter.protocol ? sql`where protocol = ${filter.protocol}` : sql``;
  const [row] = (
    await db.execute<{ id: string; us: string }>(
      sql`select id, (extract(epoch from started_at) * 1000000)::bigint as us from remote_sessions ${where}
          order by started_at desc, id desc offset ${depth - 1} limit 1`,
    )
  ).rows;
  if (!row) throw new Error(`fewer than ${depth} rows`);
  return { sort: "newest", dir: "older", startedAtUs: Number(row.us), id: Number(row.id) };
}

// ─── Query plans ─────────────────────────────────────────────────────────────

type Captured = { text: string; values: unknown[] };
let capturing: Captured[] | null = null;
function captureQueries() {
  const pool = getPool();
  const original = pool.query.bind(pool) as (...a: unknown[]) => Promise<unknown>;
  (pool as unknown as { query: unknown }).query = (config: unknown, values?: unknown[]) => {
    if (capturing && typeof config === "object" && config && "text" in config) {
      capturing.push({ text: String((config as { text: string }).text), values: values ?? [] });
    }
    return original(config, values);
  };
  return original;
}

async function explain(name: string, fn: () => Promise<unknown>, run: (...a: unknown[]) => Promise<unknown>) {
  capturing = [];
  await fn();
  const queries = capturing;
  capturing = null;
  const main = queries[0];
  if (!main) return;
  const res = (await run({ text: `explain (analyze, costs off, timing off, summary off) ${main.text}` }, main.values)) as {
    rows: Array<{ "QUERY PLAN": string }>;
  };
  const plan = res.rows.map((r) => r["QUERY PLAN"]);
  const used = [...new Set(plan.join("\n").match(/remote_sessions_\w+/g) ?? [])];
  console.log(`  ${name.padEnd(46)} ${used.length ? `indexes: ${used.join(", ")}` : "NO INDEX"}${/Seq Scan/.test(plan.join()) ? "  (seq scan!)" : ""}`);
  if (process.argv.includes("--plans")) console.log(plan.map((l) => `      ${l}`).join("\n"));
}

// ─── HTTP page renders ───────────────────────────────────────────────────────

// ─── Main ────────────────────────────────────────────────────────────────────

async function main(): Promise<number> {
  console.log(`bench:pages with ${ROWS.toLocaleString("en-US")} sessions, ${RUNS} requests each (after ${WARMUP} warm-up)`);
  const database = await startDatabase();
  let next: { url: string; child: ChildProcess } | null = null;
  try {
    await applyMigrations(database.url);
    useDatabaseUrl(database.url);
    const password = randomBytes(12).toString("base64url");
    const email = `bench-auditor-${randomBytes(4).toString("hex")}@example.test`;
    const [auditor] = await db
      .insert(users)
      .values({ email, name: "Bench Auditor", role: "auditor", passwordHash: await hashPassword(password) })
      .returning();
    const pamUsers = await db
      .insert(users)
      .values(
        Array.from({ length: 20 }, (_, i) => ({
          email: `bench-user-${i}-${randomBytes(3).toString("hex")}@example.test`,
          name: `Bench User ${i}`,
          role: "user" as const,
          passwordHash: "x",
        })),
      )
      .returning();
    await load();
    const viewer = { id: auditor!.id, role: "auditor" as const };
    const userViewer = { id: pamUsers[3]!.id, role: "user" as const };

    const filtered: SessionFilter = { protocol: "rdp", q: "mar" };
    const deepCursor = await cursorAt({}, DEEP);
    const deepRdpCursor = await cursorAt({ protocol: "rdp" }, DEEP);
    const sample = (
      await db
        .select({ hash: remoteSessions.hash })
        .from(remoteSessions)
        .where(sql`id % 20011 = 7`)
        .limit(RUNS)
    ).map((r) => r.hash);
    const reportData = async (i: number) => {
      const session = await getSessionByHash({ hash: sample[i % sample.length]!, viewer });
      if (!session) throw new Error("missing session");
      await Promise.all([getRecordingBySession({ sessionId: session.id }), getParameter({ key: "remote_session.video_download_enabled" })]);
    };
    const checkPage = async (p: Promise<{ rows: unknown[] }>) => {
      const { rows } = await p;
      if (rows.length !== PAGE_SIZE) throw new Error(`page has ${rows.length} rows`);
    };

    const cases: Array<[string, () => Promise<unknown>]> = [
      ["list: first page", () => checkPage(listSessions({ viewer }))],
      ["list: type=rdp + text 'mar'", () => checkPage(listSessions({ viewer, filter: filtered }))],
      [`list: ${DEEP.toLocaleString("en-US")} rows deep (keyset cursor)`, () => checkPage(listSessions({ viewer, cursor: deepCursor }))],
      [
        `list: type=rdp, ${DEEP.toLocaleString("en-US")} rows deep`,
        () => checkPage(listSessions({ viewer, filter: { protocol: "rdp" }, cursor: deepRdpCursor })),
      ],
      ["list: role user, first page", () => listSessions({ viewer: userViewer })],
      ["list: sorted by risk", () => checkPage(listSessions({ viewer, sort: "risk" }))],
      ["list: hash prefix", () => listSessions({ viewer, filter: { q: sample[0]!.slice(0, 6) } })],
      ["list: review=unreviewed", () => checkPage(listSessions({ viewer, filter: { review: "unreviewed" } }))],
      ["list: verdict=incident", () => checkPage(listSessions({ viewer, filter: { verdict: "incident" } }))],
      ["list: review=reviewed, sorted by risk", () => checkPage(listSessions({ viewer, filter: { review: "reviewed" }, sort: "risk" }))],
      ["report page data", () => reportData(Math.floor(Math.random() * 1000))],
      ["OFFSET: first page", () => listWithOffset({}, 0)],
      ["OFFSET: type=rdp + text 'mar'", () => listWithOffset(filtered, 0)],
      [`OFFSET: offset ${DEEP.toLocaleString("en-US")}`, () => listWithOffset({}, DEEP)],
      [`OFFSET: type=rdp, offset ${DEEP.toLocaleString("en-US")}`, () => listWithOffset({ protocol: "rdp" }, DEEP)],
    ];

    console.log("\nQuery plans (EXPLAIN ANALYZE of the SQL each function sends; --plans prints them whole):");
    const run = captureQueries();
    for (const [name, fn] of cases) await explain(name, fn, run);

    console.log("\nQuery functions (server-side, in this process):");
    const keys = ["first", "filtered", "deep", "deepRdp"];
    // The OFFSET cases come last, in the order of the four keyset cases they are the baseline of.
    const offsetStart = cases.findIndex(([name]) => name.startsWith("OFFSET"));
    const q = await measureAll(
      cases.map(([name, fn], i) => ({
        name,
        fn,
        key: i < 4 ? keys[i] : undefined,
        baseline: i >= offsetStart ? keys[i - offsetStart] : undefined,
      })),
    );

    next = await startNext(database.url);
    if (next) {
      console.log(`\nFull page renders over HTTP (next start, signed in as an auditor):`);
      const cookie = await signInCookie(next.url, email, password);
      const get = (p: string) => async () => {
        const res = await fetch(`${next!.url}${p}`, { headers: { cookie }, redirect: "manual" });
        const body = await res.text();
        if (res.status !== 200) throw new Error(`${p} answered ${res.status}`);
        return body;
      };
      const check = async (p: string, text: string) => {
        if (!(await get(p)()).includes(text)) throw new Error(`${p} does not show ${text}`);
      };
      await check("/sessions", "Remote sessions");
      await check(`/sessions/${sample[0]}`, "Session info");
      const deepHref = `/sessions?cursor=${encodeCursor(deepCursor)}`;
      await measureAll([
        { name: "GET /sessions", fn: get("/sessions") },
        { name: "GET /sessions?type=rdp&q=mar", fn: get("/sessions?type=rdp&q=mar") },
        { name: `GET /sessions?cursor=(${DEEP.toLocaleString("en-US")} deep)`, fn: get(deepHref) },
        { name: "GET /sessions/<hash> (report)", fn: (i) => get(`/sessions/${sample[i % sample.length]}`)() },
        { name: "GET /sessions?q=(no match) (page shell)", fn: get("/sessions?q=no-such-session") },
        { name: "GET /sessions?review=unreviewed", fn: get("/sessions?review=unreviewed") },
        { name: "GET /sessions?verdict=incident", fn: get("/sessions?verdict=incident") },
      ]);
    }

    console.log("\nSummary (ms)");
    console.log(`  ${"measure".padEnd(46)} ${"median".padStart(8)} ${"p95".padStart(8)}  ${"OFFSET/keyset".padStart(14)}  target`);
    let failures = 0;
    for (const r of results) {
      const isBaseline = Boolean(r.baseline);
      const ratio = r.baseline ? `${(r.p95 / q.get(r.baseline)!.p95).toFixed(1)}x`.padStart(14) : "".padStart(14);
      const ok = isBaseline ? "(baseline)" : r.p95 < TARGET_P95_MS ? "ok" : "OVER 50 ms";
      if (!isBaseline && r.p95 >= TARGET_P95_MS) failures++;
      console.log(`  ${r.name.padEnd(46)} ${r.median.toFixed(2).padStart(8)} ${r.p95.toFixed(2).padStart(8)}  ${ratio}  ${ok}`);
    }
    console.log(failures ? `\n${failures} measure(s) over the ${TARGET_P95_MS} ms p95 target` : `\nEvery p95 is under ${TARGET_P95_MS} ms.`);
    return failures;
  } finally {
    if (next && next.child.exitCode === null) {
      const exited = new Promise((r) => next!.child.once("exit", r));
      next.child.kill("SIGTERM");
      await exited;
    }
    await closeDb();
    await database.stop();
  }
}

// Exit explicitly: the embedded server's child process and pg timers would otherwise decide the code.
process.exit((await main()) ? 1 : 0);
