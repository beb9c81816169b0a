import "server-only";
import { and, eq, gte, inArray, lt, sql, type SQL } from "drizzle-orm";
import { db, type Db } from "@/lib/db/client";
import { escapeLike } from "@/lib/db/like";
import { auditLog, playbackStreams, shareStreams, type AuditLogEntry, type NewAuditLogEntry } from "@/lib/db/schema";

/**
 * The database or an open transaction: passing the transaction of a change
 * writes its audit entry atomically with it (both or neither).
 */
export type AuditWriter = Pick<Db, "insert">;

export async function insertAuditEntry(entry: NewAuditLogEntry, writer: AuditWriter = db): Promise<void> {
  await writer.insert(auditLog).values(entry);
}

/** Several entries in one statement; the chain's trigger runs for each row in order, as for single inserts. */
export async function insertAuditEntries(entries: NewAuditLogEntry[], writer: AuditWriter = db): Promise<void> {
  if (entries.length > 0) await writer.insert(auditLog).values(entries);
}

export type AuditFilter = {
  action?: string;
  /** Start of the actor's email, case-insensitive. */
  actor?: string;
  target?: string;
  /** Inclusive lower bound. */
  from?: Date;
  /** Exclusive upper bound. */
  to?: Date;
  /**
   * Keyset cursor: the id of the last row of the previous page. Its (at, id)
   * is read from the row itself, so microsecond timestamps compare exactly;
   * rows are never deleted, so the cursor stays valid.
   */
  beforeId?: number;
  limit?: number;
};

export async function listAuditEntries(filter: AuditFilter): Promise<AuditLogEntry[]> {
  const where: SQL[] = [];
  if (filter.action) where.push(eq(auditLog.action, filter.action));
  if (filter.actor) where.push(sql`lower(${auditLog.actorEmail}) like ${`${escapeLike(filter.actor.toLowerCase())}%`}`);
  if (filter.target) where.push(eq(auditLog.targetId, filter.target));
  if (filter.from) where.push(gte(auditLog.at, filter.from));
  if (filter.to) where.push(lt(auditLog.at, filter.to));
  if (filter.beforeId !== undefined) {
    where.push(sql`(${auditLog.at}, ${auditLog.id}) < (select c.at, c.id from ${auditLog} c where c.id = ${filter.beforeId})`);
  }
  return (
    db
      .select()
      .from(auditLog)
      .where(and(...where))
      // "nulls last" matches the index (drizzle creates DESC indexes as DESC NULLS LAST).
      .orderBy(sql`${auditLog.at} desc nulls last`, sql`${auditLog.id} desc nulls last`)
      .limit(filter.limit ?? 100)
  );
}

export async function listAuditActions(): Promise<string[]> {
  const rows = await db.selectDistinct({ action: auditLog.action }).from(auditLog).orderBy(auditLog.action);
  return rows.map((r) => r.action);
}

/** A row of the audit trail as its hash was computed: every field as the text that was hashed. */
export type ChainedAuditRow = {
  id: number;
  chainSeq: number;
  prevHash: string;
  hash: string;
  atText: string;
  actorId: string | null;
  actorEmail: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  detailsText: string | null;
};

/** Where the chain ends now: its last position and hash (the chain's trigger moves it with every insert). */
export async function getAuditChainHead(): Promise<{ seq: number; hash: string } | null> {
  const { rows } = await db.execute<{ seq: string; hash: string }>(sql`select seq, hash from audit_chain where id = 1`);
  const row = rows[0];
  return row ? { seq: Number(row.seq), hash: row.hash } : null;
}

/**
 * Rows in chain order after position `afterSeq`, up to `uptoSeq`, with their
 * fields as the text the chain's trigger hashed (the time in UTC with
 * microseconds, the details as PostgreSQL writes jsonb).
 */
export async function listChainedAuditRows({ afterSeq, uptoSeq, limit }: { afterSeq: number; uptoSeq: number; limit: number }): Promise<ChainedAuditRow[]> {
  const { rows } = await db.execute<{ [column: string]: string | null }>(sql`
    select id, chain_seq, prev_hash, hash,
           to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at_text,
           actor_id::text as actor_id, actor_email, action, target_type, target_id, ip, details::text as details_text
    from audit_log
    where chain_seq > ${afterSeq} and chain_seq <= ${uptoSeq}
    order by chain_seq
    limit ${limit}`);
  return rows.map((r) => ({
    id: Number(r.id),
    chainSeq: Number(r.chain_seq),
    prevHash: r.prev_hash ?? "",
    hash: r.hash ?? "",
    atText: r.at_text ?? "",
    actorId: r.actor_id ?? null,
    actorEmail: r.actor_email ?? null,
    action: r.action ?? "",
    targetType: r.target_type ?? null,
    targetId: r.target_id ?? null,
    ip: r.ip ?? null,
    detailsText: r.details_text ?? null,
  }));
}

/**
 * Counts a first request of the hour for (user, session, hour) and, when it
 * is the first anyone counted, writes its audit entry, in one transaction:
 * two processes serving the same viewer at once write one entry (the second
 * waits on the first's row and only adds its bytes).
 */
export async function openPlaybackStream({
  userId,
  sessionId,
  hour,
  bytes,
  entry,
}: {
  userId: string;
  sessionId: number;
  hour: Date;
  bytes: number;
  entry: NewAuditLogEntry;
}): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(playbackStreams)
      .values({ userId, sessionId, hour, bytes, requests: 1 })
      .onConflictDoUpdate({
        target: [playbackStreams.userId, playbackStreams.sessionId, playbackStreams.hour],
        set: {
          bytes: sql`${playbackStreams.bytes} + excluded.bytes`,
          requests: sql`${playbackStreams.requests} + 1`,
          lastAt: sql`now()`,
        },
      })
      .returning({ auditId: playbackStreams.auditId });
    if (row?.auditId) return;
    const [audit] = await tx.insert(auditLog).values(entry).returning({ id: auditLog.id });
    await tx
      .update(playbackStreams)
      .set({ auditId: audit!.id })
      .where(and(eq(playbackStreams.userId, userId), eq(playbackStreams.sessionId, sessionId), eq(playbackStreams.hour, hour)));
  });
}

/** openPlaybackStream for an assessor's browser (share_streams): the same counting, keyed by the browser session. */
export async function openShareStream({
  shareSessionId,
  sessionId,
  hour,
  bytes,
  entry,
}: {
  shareSessionId: string;
  sessionId: number;
  hour: Date;
  bytes: number;
  entry: NewAuditLogEntry;
}): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(shareStreams)
      .values({ shareSessionId, sessionId, hour, bytes, requests: 1 })
      .onConflictDoUpdate({
        target: [shareStreams.shareSessionId, shareStreams.sessionId, shareStreams.hour],
        set: { bytes: sql`${shareStreams.bytes} + excluded.bytes`, requests: sql`${shareStreams.requests} + 1`, lastAt: sql`now()` },
      })
      .returning({ auditId: shareStreams.auditId });
    if (row?.auditId) return;
    const [audit] = await tx.insert(auditLog).values(entry).returning({ id: auditLog.id });
    await tx
      .update(shareStreams)
      .set({ auditId: audit!.id })
      .where(and(eq(shareStreams.shareSessionId, shareSessionId), eq(shareStreams.sessionId, sessionId), eq(shareStreams.hour, hour)));
  });
}

/** addPlaybackStreamBytes for assessors' browsers. */
export async function addShareStreamBytes(rows: { shareSessionId: string; sessionId: number; hour: Date; bytes: number; requests: number }[]): Promise<void> {
  if (rows.length === 0) return;
  await db.execute(sql`
    update ${shareStreams} p
    set bytes = p.bytes + d.bytes, requests = p.requests + d.requests, last_at = now()
    from (
      select * from unnest(
        ${`{${rows.map((r) => r.shareSessionId).join(",")}}`}::uuid[],
        ${`{${rows.map((r) => r.sessionId).join(",")}}`}::bigint[],
        ${`{${rows.map((r) => `"${r.hour.toISOString()}"`).join(",")}}`}::timestamptz[],
        ${`{${rows.map((r) => r.bytes).join(",")}}`}::bigint[],
        ${`{${rows.map((r) => r.requests).join(",")}}`}::int[]
      ) as d(share_session_id, session_id, hour, bytes, requests)
    ) d
    where p.share_session_id = d.share_session_id and p.session_id = d.session_id and p.hour = d.hour`);
}

/** Adds what was served since the last flush to each stream's counts, in one statement. */
export async function addPlaybackStreamBytes(rows: { userId: string; sessionId: number; hour: Date; bytes: number; requests: number }[]): Promise<void> {
  if (rows.length === 0) return;
  await db.execute(sql`
    update ${playbackStreams} p
    set bytes = p.bytes + d.bytes, requests = p.requests + d.requests, last_at = now()
    from (
      select * from unnest(
        ${`{${rows.map((r) => r.userId).join(",")}}`}::uuid[],
        ${`{${rows.map((r) => r.sessionId).join(",")}}`}::bigint[],
        ${`{${rows.map((r) => `"${r.hour.toISOString()}"`).join(",")}}`}::timestamptz[],
        ${`{${rows.map((r) => r.bytes).join(",")}}`}::bigint[],
        ${`{${rows.map((r) => r.requests).join(",")}}`}::int[]
      ) as d(user_id, session_id, hour, bytes, requests)
    ) d
    where p.user_id = d.user_id and p.session_id = d.session_id and p.hour = d.hour`);
}

/** The counts of the streams behind `session.streamed` audit entries, by audit entry id. */
export async function getPlaybackStreamsByAuditIds(ids: number[]): Promise<Map<number, { bytes: number; requests: number; lastAt: Date }>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ auditId: playbackStreams.auditId, bytes: playbackStreams.bytes, requests: playbackStreams.requests, lastAt: playbackStreams.lastAt })
    .from(playbackStreams)
    .where(inArray(playbackStreams.auditId, ids));
  const shared = await db
    .select({ auditId: shareStreams.auditId, bytes: shareStreams.bytes, requests: shareStreams.requests, lastAt: shareStreams.lastAt })
    .from(shareStreams)
    .where(inArray(shareStreams.auditId, ids));
  return new Map([...rows, ...shared].map((r) => [r.auditId!, { bytes: r.bytes, requests: r.requests, lastAt: r.lastAt }]));
}

/**
 * The entries of one session's trail with these actions, newest first (the
 * report's "Who watched"), through the (target_type, target_id) index. The
 * caller has checked that the viewer may see the session.
 */
export async function listSessionAuditEntries({ hash, actions, limit }: { hash: string; actions: readonly string[]; limit: number }): Promise<AuditLogEntry[]> {
  return db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.targetType, "session"), eq(auditLog.targetId, hash), inArray(auditLog.action, [...actions])))
    .orderBy(sql`${auditLog.at} desc`, sql`${auditLog.id} desc`)
    .limit(limit);
}

/** How many entries of one session's trail have these actions. */
export async function countSessionAuditEntries({ hash, actions }: { hash: string; actions: readonly string[] }): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(auditLog)
    .where(and(eq(auditLog.targetType, "session"), eq(auditLog.targetId, hash), inArray(auditLog.action, [...actions])));
  return row?.n ?? 0;
}
