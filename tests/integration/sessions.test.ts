import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { databaseUrl, db, getPool } from "@/lib/db/client";
import { getRecordingBySession } from "@/lib/recordings/queries";
import { getSessionByHash, hasAnySession, listSessions } from "@/lib/sessions/queries";
import { recordings, remoteSessions, type RemoteSession } from "@/lib/db/schema";
import type { SessionCursor, SessionFilter, SessionSort } from "@/lib/sessions/filters";
import { closeDb, useFreshDatabase } from "../support/db";
import { createTestUser } from "../support/users";

type Person = Awaited<ReturnType<typeof createTestUser>>;
let auditor: Person;
let admin: Person;
let alice: Person;
let bob: Person;
let all: RemoteSession[];

beforeAll(async () => {
  await useFreshDatabase();
  [auditor, admin, alice, bob] = await Promise.all([
    createTestUser("auditor"),
    createTestUser("admin"),
    createTestUser("user", { name: "Alice" }),
    createTestUser("user", { name: "Bob" }),
  ]);
  // 240 sessions with microsecond start times, ties on started_at (id breaks them),
  // and risk scores with many equal values: the cases keyset pagination gets wrong first.
  await db.execute(sql`
    insert into remote_sessions (hash, protocol, host, credential_username, user_id, user_name, user_ip,
      started_at, ended_at, status, error_message, recording_size, risk_score, max_criticality)
    select md5('s' || g),
      (array['ssh','rdp','vnc','telnet','http','mysql','postgresql','oracle','sqlserver'])[1 + g % 9]::protocol,
      case when g % 4 = 0 then 'DB-' || g || '.corp' else '10.0.' || (g % 7) || '.' || g end,
      case when g % 3 = 0 then 'root' when g % 3 = 1 then 'Admin_' || g else 'svc%' || g end,
      case when g % 5 = 0 then ${alice.id}::uuid when g % 5 = 1 then ${bob.id}::uuid end,
      case when g % 5 = 0 then 'Alice' when g % 5 = 1 then 'Bob' else 'Other ' || g end,
      '192.168.1.' || (g % 250),
      timestamptz '2026-10-01 00:00:00+00' + ((g / 3) * interval '1 hour') + (g % 2) * interval '0.000123 second',
      timestamptz '2026-10-01 00:30:00+00' + ((g / 3) * interval '1 hour'),
      (array['closed','closed','failed','active'])[1 + g % 4]::session_status,
      null, g * 1000, (g * 7) % 50,
      (array[null,'low','medium','high'])[1 + g % 4]::criticality
    from generate_series(1, 240) g`);
  all = await db.select().from(remoteSessions);
});
afterAll(async () => {
  await closeDb();
});

const byNewest = (a: RemoteSession, b: RemoteSession) => b.startedAt.getTime() - a.startedAt.getTime() || micro(b) - micro(a) || b.id - a.id;
// started_at carries microseconds the Date drops; the rows with g odd are 123 µs later.
const micro = (s: RemoteSession) => (oddG.has(s.id) ? 1 : 0);
let oddG = new Set<number>();
const byRisk = (a: RemoteSession, b: RemoteSession) => b.riskScore - a.riskScore || b.id - a.id;

async function walk(viewer: Person, filter: SessionFilter, sort: SessionSort, limit: number) {
  const pages: number[][] = [];
  let cursor: SessionCursor | undefined;
  for (let i = 0; i < 1000; i++) {
    const page = await listSessions({ viewer, filter, sort, cursor, limit });
    pages.push(page.rows.map((r) => r.id));
    if (i === 0) expect(page.newer).toBeNull();
    if (!page.older) break;
    cursor = page.older;
  }
  return pages;
}

describe("listSessions", () => {
  beforeAll(async () => {
    const odd = await db.execute<{ id: number }>(sql`select id from remote_sessions where extract(microseconds from started_at)::int % 1000 <> 0`);
    oddG = new Set(odd.rows.map((r) => Number(r.id)));
    expect(oddG.size).toBeGreaterThan(100);
  });

  it("pages newest first over every row exactly once, and back again", async () => {
    const pages = await walk(auditor, {}, "newest", 17);
    const ids = pages.flat();
    expect(ids).toHaveLength(240);
    expect(new Set(ids).size).toBe(240);
    expect(ids).toEqual([...all].sort(byNewest).map((s) => s.id));
    expect(pages.at(-1)!.length).toBeLessThanOrEqual(17);

    // Walk back with the "newer" cursors from the last page: the same pages, in reverse.
    let cursor: SessionCursor | null = null;
    const last = await listSessions({ viewer: auditor, cursor: await lastOlderCursor(17), limit: 17 });
    expect(last.older).toBeNull();
    const back: number[][] = [last.rows.map((r) => r.id)];
    cursor = last.newer;
    while (cursor) {
      const page = await listSessions({ viewer: auditor, cursor, limit: 17 });
      back.unshift(page.rows.map((r) => r.id));
      cursor = page.newer;
    }
    // Page edges line up with the forward walk, and the walk ends on the first page.
    expect(back).toEqual(pages);
  });

  it("pages by risk score (ties broken by id) over every row exactly once", async () => {
    const ids = (await walk(auditor, {}, "risk", 25)).flat();
    expect(ids).toEqual([...all].sort(byRisk).map((s) => s.id));
  });

  it("filters by type, status, dates, criticality and text prefix", async () => {
    const check = async (filter: SessionFilter, expected: (s: RemoteSession) => boolean) => {
      const ids = (await walk(auditor, filter, "newest", 50)).flat();
      const want = all
        .filter(expected)
        .sort(byNewest)
        .map((s) => s.id);
      expect(want.length).toBeGreaterThan(0);
      expect(ids).toEqual(want);
    };
    await check({ protocol: "rdp" }, (s) => s.protocol === "rdp");
    await check({ status: "failed" }, (s) => s.status === "failed");
    const from = new Date("2026-10-03T00:00:00Z");
    const to = new Date("2026-10-05T00:00:00Z");
    await check({ from, to }, (s) => s.startedAt >= from && s.startedAt < to);
    await check({ minCriticality: "medium" }, (s) => s.maxCriticality === "medium" || s.maxCriticality === "high");
    await check({ minCriticality: "high", protocol: "ssh" }, (s) => s.maxCriticality === "high" && s.protocol === "ssh");
    // Case-insensitive prefix of host, user, credential username and hash.
    await check({ q: "db-1" }, (s) => s.host.toLowerCase().startsWith("db-1"));
    await check({ q: "ALICE" }, (s) => s.userName === "Alice");
    await check({ q: "admin_1" }, (s) => s.credentialUsername.toLowerCase().startsWith("admin_1"));
    const hash = all[10]!.hash;
    await check({ q: hash.slice(0, 6).toUpperCase() }, (s) => s.hash.startsWith(hash.slice(0, 6)));
    // LIKE characters in the text are taken literally, and only a prefix matches.
    await check({ q: "svc%1" }, (s) => s.credentialUsername.startsWith("svc%1"));
    expect((await listSessions({ viewer: auditor, filter: { q: "svc_" } })).rows).toHaveLength(0);
    expect((await listSessions({ viewer: auditor, filter: { q: "%" } })).rows).toHaveLength(0);
    expect((await listSessions({ viewer: auditor, filter: { q: "lice" } })).rows).toHaveLength(0);
  });

  it("shows a user only their own sessions; auditors and admins see all", async () => {
    const mine = (await walk(alice, {}, "newest", 30)).flat();
    const want = all
      .filter((s) => s.userId === alice.id)
      .sort(byNewest)
      .map((s) => s.id);
    expect(want.length).toBe(48);
    expect(mine).toEqual(want);
    // Even a text search for another user's name finds nothing of theirs.
    expect((await listSessions({ viewer: alice, filter: { q: "bob" } })).rows).toHaveLength(0);
    expect((await walk(admin, {}, "newest", 100)).flat()).toHaveLength(240);
    const stranger = await createTestUser("user");
    expect(await hasAnySession({ viewer: stranger })).toBe(false);
    expect(await hasAnySession({ viewer: alice })).toBe(true);
  });
});

async function lastOlderCursor(limit: number): Promise<SessionCursor> {
  let page = await listSessions({ viewer: auditor, limit });
  let cursor: SessionCursor | undefined;
  while (page.older) {
    cursor = page.older;
    page = await listSessions({ viewer: auditor, cursor, limit });
  }
  if (!cursor) throw new Error("only one page");
  return cursor;
}

describe("getSessionByHash", () => {
  it("returns the session to those who may see it and null otherwise, the same as a missing one", async () => {
    const alices = all.find((s) => s.userId === alice.id)!;
    expect((await getSessionByHash({ hash: alices.hash, viewer: alice }))?.id).toBe(alices.id);
    expect((await getSessionByHash({ hash: alices.hash, viewer: auditor }))?.id).toBe(alices.id);
    expect((await getSessionByHash({ hash: alices.hash, viewer: admin }))?.id).toBe(alices.id);
    const hidden = await getSessionByHash({ hash: alices.hash, viewer: bob });
    const missing = await getSessionByHash({ hash: "0".repeat(32), viewer: bob });
    expect(hidden).toBeNull();
    expect(hidden).toEqual(missing);
    // Unlinked sessions (no user_id) are not anybody's own.
    const unlinked = all.find((s) => s.userId === null)!;
    expect(await getSessionByHash({ hash: unlinked.hash, viewer: bob })).toBeNull();
  });

  it("finds the recording of a session", async () => {
    const s = all[0]!;
    expect(await getRecordingBySession({ sessionId: s.id })).toBeNull();
    await db.insert(recordings).values({ sessionId: s.id, sizeBytes: 1234, status: "ready" });
    expect(await getRecordingBySession({ sessionId: s.id })).toMatchObject({ sessionId: s.id, sizeBytes: 1234 });
  });
});

describe("query plans", () => {
  /** The SQL listSessions sends, explained with scans that ignore indexes turned off. */
  async function plansOf(run: () => Promise<unknown>, settings = "set enable_seqscan = off; set enable_bitmapscan = off"): Promise<string[]> {
    const pool = getPool();
    const original = pool.query;
    const captured: Array<{ text: string; values: unknown[] }> = [];
    (pool as unknown as { query: unknown }).query = (config: { text: string }, values: unknown[]) => {
      captured.push({ text: config.text, values });
      return (original as (...a: unknown[]) => unknown).call(pool, config, values);
    };
    try {
      await run();
    } finally {
      pool.query = original;
    }
    const client = new pg.Client({ connectionString: databaseUrl() });
    await client.connect();
    try {
      await client.query(settings);
      const plans: string[] = [];
      for (const q of captured) {
        const res = await client.query<{ "QUERY PLAN": string }>(`explain ${q.text}`, q.values);
        plans.push(res.rows.map((r) => r["QUERY PLAN"]).join("\n"));
      }
      return plans;
    } finally {
      await client.end();
    }
  }

  it("reads pages in index order, without sorting, in both directions and both sorts", async () => {
    const first = await listSessions({ viewer: auditor, limit: 10 });
    const cases: Array<[() => Promise<unknown>, string]> = [
      [() => listSessions({ viewer: auditor, limit: 10 }), "remote_sessions_started_idx"],
      [() => listSessions({ viewer: auditor, limit: 10, cursor: first.older! }), "remote_sessions_started_idx"],
      [() => listSessions({ viewer: auditor, limit: 10, cursor: { ...first.older!, dir: "newer" } }), "remote_sessions_started_idx"],
      [() => listSessions({ viewer: auditor, limit: 10, filter: { protocol: "rdp" } }), "remote_sessions_protocol_started_idx"],
      [() => listSessions({ viewer: alice, limit: 10 }), "remote_sessions_user_started_idx"],
      [() => listSessions({ viewer: auditor, limit: 10, sort: "risk" }), "remote_sessions_risk_idx"],
    ];
    for (const [run, index] of cases) {
      const [plan] = await plansOf(run);
      expect(plan, plan).toContain(`Index Scan`);
      expect(plan, plan).toContain(index);
      expect(plan, plan).not.toMatch(/Sort/);
    }
  });

  it("matches text prefixes through the text_pattern_ops indexes", async () => {
    // An OR of prefixes is a BitmapOr over the four indexes, so only sequential scans are turned off.
    const [plan] = await plansOf(() => listSessions({ viewer: auditor, filter: { q: "db-1" } }), "set enable_seqscan = off");
    for (const index of ["host_prefix_idx", "user_name_prefix_idx", "credential_prefix_idx", "hash_prefix_idx"]) {
      expect(plan, plan).toContain(`remote_sessions_${index}`);
    }
  });
});
