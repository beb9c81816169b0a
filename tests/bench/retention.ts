/**
 * `npm run bench:retention`: the expire-recordings job deleting 100,000
 * expired recordings (their events, commands, findings, chunks' objects and
 * media on local disk; small bytes), next to a single DELETE of the same rows
 * in one transaction (rolled back, so the job gets the same rows) as the
 * baseline. Prints the time, the database's load (transactions, rows
 * touched, WAL, CPU of the PostgreSQL processes) and the p95 of the list's
 * first page and of the player's data (the query functions bench:pages
 * measures, target p95 < 50 ms) before and while the job runs, and, when a
 * build exists, the list, a report and a player page over HTTP (next start).
 *
 * Environment: BENCH_ROWS (expired recordings, default 100000; as many
 * recent ones stay), BENCH_BATCH (the job's batch size, default its own),
 * BENCH_HTTP=0 (no page renders), NEXT_DIST_DIR (the build to serve; default .next).
 */
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { randomBytes } from "node:crypto";

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const TARGET_P95_MS = 50;

await mkdir(path.resolve("data"), { recursive: true });
const work = await mkdtemp(path.resolve("data/bench-retention-"));
await chmod(work, 0o755); // as root, the postgres OS user must reach its data folder
// The job deletes from the configured storage: this run's own local disk.
Object.assign(process.env, { DATA_DIR: path.join(work, "app"), STORAGE: "local" });

const { sql } = await import("drizzle-orm");
const { closeDb, db, useDatabaseUrl } = await import("@/lib/db/client");
const { startEmbeddedPostgres } = await import("@/lib/setup/embedded-postgres");
const { applyMigrations } = await import("@/lib/db/migrate");
const { users, systemParameters } = await import("@/lib/db/schema");
const { listSessions, getSessionByHash } = await import("@/lib/sessions/queries");
const { getRecordingBySession } = await import("@/lib/recordings/queries");
const { getStoredPlaylist } = await import("@/lib/hls/queries");
const { expireRecordings } = await import("@/lib/retention");
const { RETENTION_POLICY_KEY } = await import("@/lib/retention/queries");
const { hashPassword } = await import("@/lib/users/password");
const { startNext } = await import("./support/next-start");
const { signInCookie } = await import("./support/sign-in");

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)] ?? NaN;
}

/** CPU seconds used so far by every PostgreSQL process of this machine (the embedded server's). */
async function postgresCpuSeconds(): Promise<number> {
  let ticks = 0;
  for (const pid of await readdir("/proc")) {
    if (!/^[0-9]+$/.test(pid)) continue;
    const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
    const m = /^\d+ \((.*)\) (.*)$/.exec(stat.trim());
    if (!m || m[1] !== "postgres") continue;
    const fields = m[2]!.split(" ");
    ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
  }
  return ticks / 100;
}

type Load = { xact: number; returned: number; inserted: number; updated: number; deleted: number; wal: number; cpu: number };
async function load(): Promise<Load> {
  const [row] = (
    await db.execute<Record<string, string>>(sql`
      select xact_commit + xact_rollback as xact, tup_returned + tup_fetched as returned, tup_inserted as inserted, tup_updated as updated,
             tup_deleted as deleted, pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0') as wal
      from pg_stat_database where datname = current_database()`)
  ).rows;
  return {
    xact: Number(row!.xact),
    returned: Number(row!.returned),
    inserted: Number(row!.inserted),
    updated: Number(row!.updated),
    deleted: Number(row!.deleted),
    wal: Number(row!.wal),
    cpu: await postgresCpuSeconds(),
  };
}
/** pg_stat_database hears from an idle backend within 10 s (PGSTAT_IDLE_INTERVAL), and is read as a snapshot: wait for it to settle. */
async function settledLoad(): Promise<Load> {
  await new Promise((r) => setTimeout(r, 11_000));
  await db.execute(sql`select pg_stat_clear_snapshot()`);
  return load();
}
const diff = (a: Load, b: Load): Load => ({
  xact: b.xact - a.xact,
  returned: b.returned - a.returned,
  inserted: b.inserted - a.inserted,
  updated: b.updated - a.updated,
  deleted: b.deleted - a.deleted,
  wal: b.wal - a.wal,
  cpu: b.cpu - a.cpu,
});
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

async function seed(root: string) {
  const t = performance.now();
  // Expired: ended 400 days ago; recent: ended within the last day (the list's first pages).
  await db.execute(
    sql.raw(`
    insert into remote_sessions (hash, protocol, host, credential_username, user_name, user_ip, started_at, ended_at, status, recording_size)
    select md5('bench-retention-' || g), (array['ssh','rdp','postgresql','vnc'])[1 + g % 4]::protocol, 'srv-' || (g % 500) || '.corp.example',
      'root', 'User ' || (g % 300), '10.1.' || (g % 200) || '.' || (g % 250),
      case when g <= ${ROWS} then now() - interval '400 days' else now() - interval '1 day' end - (g % 86400) * interval '1 second',
      case when g <= ${ROWS} then now() - interval '400 days' else now() - interval '1 day' end - (g % 86400) * interval '1 second' + interval '5 minutes',
      'closed', 128
    from generate_series(1, ${2 * ROWS}) g`),
  );
  await db.execute(
    sql.raw(`
    insert into recordings (session_id, status, expected_chunks, expected_sha256, chain_head, size_bytes, integrity_status, finished_at)
    select id, 'ready', 1, md5(hash) || md5(hash), md5(hash || 'c') || md5(hash || 'c'), 128, 'verified', ended_at from remote_sessions order by id`),
  );
  await db.execute(
    sql.raw(`insert into recording_chunks (recording_id, seq, size_bytes, sha256) select id, 0, 64, md5(id::text) || md5(id::text) from recordings`),
  );
  await db.execute(
    sql.raw(
      `insert into session_events (session_id, t_ms, type, data) select s.id, k * 100, 'key', '{"key":"l"}' from remote_sessions s, generate_series(1, 4) k`,
    ),
  );
  await db.execute(sql.raw(`insert into session_commands (session_id, t_ms, text, source) select id, 300, 'ls -la', 'keys' from remote_sessions`));
  await db.execute(
    sql.raw(`insert into command_findings (session_id, rule_name, rules_version, command, t_ms, score, criticality, action)
             select id, 'Listing', 1, 'ls -la', 300, 1, 'low', 'alert' from remote_sessions where id % 2 = 0`),
  );
  await db.execute(sql`vacuum analyze`);
  const rowsDone = performance.now();
  // The objects of the expired recordings: a chunk and the media each, as LocalDiskStorage lays them out.
  const ids = (
    await db.execute<{ id: string }>(
      sql`select r.id from recordings r join remote_sessions s on s.id = r.session_id where s.ended_at < now() - interval '300 days'`,
    )
  ).rows;
  const bytes = randomBytes(64);
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < ids.length) {
        const id = ids[next++]!.id;
        const dir = path.join(root, "recordings", id);
        await mkdir(path.join(dir, "chunks"), { recursive: true });
        await writeFile(path.join(dir, "chunks", "00000000"), bytes);
        await writeFile(path.join(dir, "media"), bytes);
      }
    }),
  );
  console.log(
    `  loaded ${fmt(2 * ROWS)} sessions with recordings, chunks, 4 events, a command (and every other one a finding) each in ${((rowsDone - t) / 1000).toFixed(1)} s; ` +
      `${fmt(2 * ids.length)} objects of the ${fmt(ids.length)} expired recordings in ${((performance.now() - rowsDone) / 1000).toFixed(1)} s`,
  );
}

/** The single-statement deletion of the same rows, in one transaction, rolled back. */
async function baseline(): Promise<{ ms: number; load: Load }> {
  const before = await settledLoad();
  const t = performance.now();
  await db
    .transaction(async (tx) => {
      const expired = sql`(select r.session_id from recordings r join remote_sessions s on s.id = r.session_id where s.ended_at < now() - interval '365 days')`;
      await tx.execute(sql`delete from session_events where session_id in ${expired}`);
      await tx.execute(sql`delete from session_commands where session_id in ${expired}`);
      await tx.execute(sql`delete from command_findings where session_id in ${expired}`);
      await tx.execute(
        sql`update recordings set deleted_at = now(), deletion_basis = 'policy', deleted_sha256 = expected_sha256, deleted_chain_head = chain_head,
            deleted_size_bytes = size_bytes, purged_at = now() where session_id in ${expired}`,
      );
      throw new Rollback();
    })
    .catch((error) => {
      if (!(error instanceof Rollback)) throw error;
    });
  const ms = performance.now() - t;
  return { ms, load: diff(before, await settledLoad()) };
}
class Rollback extends Error {}

/** The objects' baseline: as many files as the job deletes (a chunk and the media per recording), unlinked by a plain loop, 8 at once. */
async function objectsBaseline(dir: string, count: number): Promise<number> {
  const bytes = randomBytes(64);
  const files = Array.from({ length: count }, (_, i) => path.join(dir, String(i % 1000), String(i)));
  for (let d = 0; d < Math.min(count, 1000); d++) await mkdir(path.join(dir, String(d)), { recursive: true });
  let next = 0;
  const each = async (work: (file: string) => Promise<void>) => {
    next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < files.length) await work(files[next++]!);
      }),
    );
  };
  await each((file) => writeFile(file, bytes));
  const t = performance.now();
  await each((file) => unlink(file));
  return performance.now() - t;
}

type Case = { name: string; fn: (i: number) => Promise<unknown> };
/** Runs every case in turn, a short pause between rounds, until `stop` says so; the times of each. */
async function probe(cases: Case[], stop: () => boolean): Promise<number[][]> {
  const times = cases.map(() => [] as number[]);
  for (let i = 0; !stop(); i++) {
    for (const [k, c] of cases.entries()) {
      const t = performance.now();
      await c.fn(i);
      times[k]!.push(performance.now() - t);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return times;
}
const summary = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { n: s.length, median: percentile(s, 50), p95: percentile(s, 95) };
};

async function main(): Promise<number> {
  console.log(`bench:retention: ${fmt(ROWS)} expired recordings (and ${fmt(ROWS)} recent ones that stay)`);
  const pg = await startEmbeddedPostgres(path.join(work, "pg"));
  let failures = 0;
  let next: Awaited<ReturnType<typeof startNext>> = null;
  try {
    await applyMigrations(pg.url);
    useDatabaseUrl(pg.url);
    const password = randomBytes(12).toString("base64url");
    const email = "bench-auditor@example.test";
    const [auditor] = await db
      .insert(users)
      .values({ email, name: "Bench Auditor", role: "auditor", passwordHash: await hashPassword(password) })
      .returning();
    const viewer = { id: auditor!.id, role: "auditor" as const };
    await seed(path.join(work, "app", "recordings"));
    await db.insert(systemParameters).values({ key: RETENTION_POLICY_KEY, value: { defaultDays: 365, protocols: [], patterns: [] } });
    // Sessions the player probe opens: recent ones (they stay) and expired ones (they go while it runs).
    const hashes = (await db.execute<{ hash: string }>(sql`select hash from remote_sessions where id % 997 = 1 order by id`)).rows.map((r) => r.hash);

    const cases: Case[] = [
      {
        name: "list: first page (query)",
        fn: async () => {
          if ((await listSessions({ viewer })).rows.length === 0) throw new Error("the list is empty");
        },
      },
      {
        name: "player data (session, recording, playlist)",
        fn: async (i) => {
          const session = await getSessionByHash({ hash: hashes[i % hashes.length]!, viewer });
          const recording = session ? await getRecordingBySession({ sessionId: session.id }) : null;
          if (recording) await getStoredPlaylist({ recordingId: recording.id });
        },
      },
    ];
    next = await startNext(pg.url);
    if (next) {
      const cookie = await signInCookie(next.url, email, password);
      const get = (p: (i: number) => string) => async (i: number) => {
        const res = await fetch(`${next!.url}${p(i)}`, { headers: { cookie }, redirect: "manual" });
        await res.text();
        if (res.status !== 200) throw new Error(`${p(i)} answered ${res.status}`);
      };
      cases.push(
        { name: "GET /sessions", fn: get(() => "/sessions") },
        { name: "GET /sessions/<hash> (report)", fn: get((i) => `/sessions/${hashes[i % hashes.length]}`) },
        { name: "GET /sessions/<hash>/play (player)", fn: get((i) => `/sessions/${hashes[i % hashes.length]}/play`) },
      );
      for (const c of cases) for (let i = 0; i < 3; i++) await c.fn(i); // warm-up
    }
    const idleStop = Date.now() + 15_000;
    const idle = await probe(cases, () => Date.now() > idleStop);

    const base = await baseline();
    const objectsMs = await objectsBaseline(path.join(work, "scratch"), 2 * ROWS);
    await db.execute(sql`vacuum analyze`);

    const before = await settledLoad();
    const started = performance.now();
    let done = false;
    const during = probe(cases, () => done);
    const run = { deleted: 0, purged: 0, batches: 0 };
    const batchSize = process.env.BENCH_BATCH ? Number(process.env.BENCH_BATCH) : undefined;
    let lastReport = started;
    for (;;) {
      const r = await expireRecordings({ batchSize });
      run.deleted += r.deleted;
      run.purged += r.purged;
      run.batches += r.batches;
      if (performance.now() - lastReport > 30_000) {
        lastReport = performance.now();
        console.log(`  … ${fmt(run.deleted)} deleted after ${((lastReport - started) / 1000).toFixed(0)} s`);
      }
      if (r.deleted === 0) break;
    }
    const jobMs = performance.now() - started;
    done = true;
    const busy = await during;
    const job = diff(before, await settledLoad());

    const left = (await db.execute<{ n: string }>(sql`select count(*) as n from recordings where deleted_at is null`)).rows[0]!.n;
    const unpurged = (await db.execute<{ n: string }>(sql`select count(*) as n from recordings where deleted_at is not null and purged_at is null`)).rows[0]!.n;
    const audit = (await db.execute<{ n: string }>(sql`select count(*) as n from audit_log where action = 'recording.deleted'`)).rows[0]!.n;
    const objectsLeft = (await readdir(path.join(work, "app", "recordings"), { recursive: true, withFileTypes: true }).catch(() => [])).filter((e) =>
      e.isFile(),
    ).length;
    if (run.deleted !== ROWS || Number(left) !== ROWS || Number(unpurged) !== 0 || Number(audit) !== ROWS) {
      console.log(`  WRONG: deleted ${run.deleted}, recordings left ${left} (expected ${ROWS}), unpurged ${unpurged}, audit entries ${audit}`);
      failures++;
    }

    console.log("\nDeletion of the expired recordings");
    console.log(
      `  ${"".padEnd(34)} ${"time s".padStart(8)} ${"per rec ms".padStart(10)} ${"xacts".padStart(9)} ${"rows read".padStart(12)} ${"ins".padStart(9)} ${"upd".padStart(9)} ${"del".padStart(9)} ${"WAL MiB".padStart(8)} ${"pg CPU s".padStart(8)}`,
    );
    const line = (name: string, ms: number, l: Load) =>
      console.log(
        `  ${name.padEnd(34)} ${(ms / 1000).toFixed(1).padStart(8)} ${(ms / ROWS).toFixed(3).padStart(10)} ${fmt(l.xact).padStart(9)} ${fmt(l.returned).padStart(12)} ${fmt(l.inserted).padStart(9)} ${fmt(l.updated).padStart(9)} ${fmt(l.deleted).padStart(9)} ${(l.wal / 1048576).toFixed(0).padStart(8)} ${l.cpu.toFixed(1).padStart(8)}`,
      );
    line("single DELETE (rows only, baseline)", base.ms, base.load);
    console.log(
      `  ${"unlink loop (objects only, baseline)".padEnd(34)} ${(objectsMs / 1000).toFixed(1).padStart(8)} ${(objectsMs / ROWS).toFixed(3).padStart(10)}`,
    );
    line(`expire-recordings job (${fmt(run.batches)} batches)`, jobMs, job);
    console.log(
      `  job / (DELETE + unlink loop): ${(jobMs / (base.ms + objectsMs)).toFixed(1)}x the time (job / DELETE alone: ${(jobMs / base.ms).toFixed(1)}x); ` +
        `objects left on disk: ${objectsLeft}; recording.deleted audit entries: ${fmt(Number(audit))}`,
    );

    console.log(`\nPages while the job runs (target p95 < ${TARGET_P95_MS} ms${next ? "" : "; no build: query functions only"})`);
    for (const [k, c] of cases.entries()) {
      const i = summary(idle[k]!);
      const d = summary(busy[k]!);
      const ok = d.p95 < TARGET_P95_MS;
      if (!ok) failures++;
      console.log(
        `  ${c.name.padEnd(44)} idle median ${i.median.toFixed(2).padStart(7)} p95 ${i.p95.toFixed(2).padStart(7)} ms (${i.n})   during median ${d.median.toFixed(2).padStart(7)} p95 ${d.p95.toFixed(2).padStart(7)} ms (${d.n})  ${ok ? "ok" : "OVER TARGET"}`,
      );
    }
  } finally {
    next?.child.kill();
    await closeDb().catch(() => undefined);
    await pg.stop();
    await rm(work, { recursive: true, force: true });
  }
  return failures;
}

process.exitCode = (await main()) > 0 ? 1 : 0;
