import "server-only";
import { and, desc, eq, inArray, isNotNull, isNull, sql, type SQL } from "drizzle-orm";
import { db, type Db } from "@/lib/db/client";
import { escapeLike } from "@/lib/db/like";
import {
  commandFindings,
  deletionRequests,
  legalHolds,
  recordings,
  remoteSessions,
  sessionCommands,
  sessionEvents,
  systemParameters,
  users,
  videoExports,
  type DeletionRequest,
  type LegalHold,
} from "@/lib/db/schema";
import { DEFAULT_RETENTION_POLICY, retentionPolicySchema, type DeletionBasis, type RetentionPolicy } from "@/lib/domain/retention";

/**
 * SQL of retention: the policy (a system parameter row of its own shape),
 * legal holds, early-deletion requests, and the deletion itself, which
 * removes a recording's rows and leaves its tombstone on `recordings`.
 * Callers reach sessions through a viewer-checked lookup or through a job.
 */

export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
type Runner = Db | Tx;

export const RETENTION_POLICY_KEY = "retention.policy";

export function parseRetentionPolicy(raw: unknown): RetentionPolicy {
  const parsed = retentionPolicySchema.safeParse(raw);
  return parsed.success ? parsed.data : DEFAULT_RETENTION_POLICY;
}

export async function getRetentionPolicy(): Promise<{
  policy: RetentionPolicy;
  updatedAt: Date | null;
  updatedBy: { id: string; email: string } | null;
}> {
  const [row] = await db
    .select({ value: systemParameters.value, updatedAt: systemParameters.updatedAt, byId: users.id, byEmail: users.email })
    .from(systemParameters)
    .leftJoin(users, eq(users.id, systemParameters.updatedBy))
    .where(eq(systemParameters.key, RETENTION_POLICY_KEY))
    .limit(1);
  if (!row) return { policy: DEFAULT_RETENTION_POLICY, updatedAt: null, updatedBy: null };
  return {
    policy: parseRetentionPolicy(row.value),
    updatedAt: row.updatedAt,
    updatedBy: row.byId && row.byEmail ? { id: row.byId, email: row.byEmail } : null,
  };
}

/** Saves the policy and returns the one before, in one transaction with `onChanged` (the audit entry). */
export async function saveRetentionPolicy({
  policy,
  updatedBy,
  onChanged,
}: {
  policy: RetentionPolicy;
  updatedBy: string;
  onChanged: (tx: Tx, previous: RetentionPolicy) => Promise<void>;
}): Promise<{ previous: RetentionPolicy; changed: boolean }> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(systemParameters).where(eq(systemParameters.key, RETENTION_POLICY_KEY)).for("update").limit(1);
    const previous = row ? parseRetentionPolicy(row.value) : DEFAULT_RETENTION_POLICY;
    if (JSON.stringify(previous) === JSON.stringify(policy)) return { previous, changed: false };
    const now = new Date();
    await tx
      .insert(systemParameters)
      .values({ key: RETENTION_POLICY_KEY, value: policy, updatedBy, updatedAt: now })
      .onConflictDoUpdate({ target: systemParameters.key, set: { value: policy, updatedBy, updatedAt: now } });
    await onChanged(tx, previous);
    return { previous, changed: true };
  });
}

// ─── The policy in SQL ───────────────────────────────────────────────────────

/** Stands for "forever" inside greatest(): larger than any period a policy may hold. */
const FOREVER = 1_000_000_000;

/** A glob (`*`, `?`) as a LIKE pattern with everything else literal (see globToRegExp). */
export function globToLike(pattern: string): string {
  return escapeLike(pattern.toLowerCase()).replace(/\*/g, "%").replace(/\?/g, "_");
}

/**
 * The policy's period of each session, in days (FOREVER for forever): the
 * same decision as retentionDaysFor (lib/domain/retention.ts), as one
 * expression over remote_sessions, so the job and the page's preview never
 * load sessions to decide.
 */
export function policyDaysSql(policy: RetentionPolicy): SQL {
  const d = (days: number | null) => sql`${days ?? FOREVER}::int`;
  const parts: SQL[] = [d(policy.defaultDays)];
  for (const o of policy.protocols) parts.push(sql`case when ${remoteSessions.protocol} = ${o.protocol} then ${d(o.days)} end`);
  for (const o of policy.patterns) {
    const column = o.field === "user" ? remoteSessions.userName : remoteSessions.credentialUsername;
    parts.push(sql`case when lower(${column}) like ${globToLike(o.pattern)} then ${d(o.days)} end`);
  }
  return sql`greatest(${sql.join(parts, sql`, `)})`;
}

/** When a session's recording expires; null for forever (the sentinel would overflow a timestamp). */
function expiresAtSql(policy: RetentionPolicy): SQL {
  const days = policyDaysSql(policy);
  return sql`(case when ${days} < ${FOREVER} then coalesce(${remoteSessions.endedAt}, ${remoteSessions.startedAt}) + ${days} * interval '1 day' end)`;
}

// Names spelt out: drizzle may leave columns unqualified, and the subquery has an "id" of its own.
const heldSql = sql`exists (select 1 from legal_holds h where h.session_id = "remote_sessions"."id" and h.released_at is null)`;

/** Still recording: the session is live or its recording still takes its first chunks. */
const recordingSql = sql`(${remoteSessions.status} = 'active' or ${recordings.status} = 'receiving')`;

function expiredSql(policy: RetentionPolicy, now: Date): SQL {
  return sql`coalesce(${expiresAtSql(policy)} <= ${now.toISOString()}::timestamptz, false)`;
}

/** A recording the job may delete now: expired, present, not on hold, not recording, verified. */
function deletableSql(policy: RetentionPolicy, now: Date): SQL {
  return sql`${recordings.deletedAt} is null and ${expiredSql(policy, now)} and not ${heldSql} and not ${recordingSql} and ${recordings.integrityStatus} = 'verified'`;
}

/** Ids of recordings the policy deletes now, oldest first (one batch). */
export async function listExpiredRecordingIds({
  policy,
  now,
  limit,
  afterId = 0,
}: {
  policy: RetentionPolicy;
  now: Date;
  limit: number;
  afterId?: number;
}): Promise<number[]> {
  const rows = await db
    .select({ id: recordings.id })
    .from(recordings)
    .innerJoin(remoteSessions, eq(remoteSessions.id, recordings.sessionId))
    .where(and(sql`${recordings.id} > ${afterId}`, deletableSql(policy, now)))
    .orderBy(recordings.id)
    .limit(limit);
  return rows.map((r) => r.id);
}

export type PolicyPreview = {
  /** Deleted by the next run of the job. */
  dueNow: number;
  /** Expired but kept: on hold, still recording, or not verified yet. */
  expiredButHeld: number;
  expiredButUnverified: number;
  /** Deleted within the next 30 days (after the ones due now). */
  next30Days: number;
  /** When the first recording not yet due expires. */
  nextExpiry: Date | null;
};

/** What a policy would delete, and when, if it were saved now. */
export async function previewPolicy({ policy, now }: { policy: RetentionPolicy; now: Date }): Promise<PolicyPreview> {
  const in30 = new Date(now.getTime() + 30 * 24 * 60 * 60 * 1000);
  const [row] = await db
    .select({
      dueNow: sql<number>`count(*) filter (where ${deletableSql(policy, now)})`.mapWith(Number),
      held: sql<number>`count(*) filter (where ${expiredSql(policy, now)} and ${heldSql})`.mapWith(Number),
      unverified: sql<number>`count(*) filter (where ${expiredSql(policy, now)} and not ${heldSql} and ${recordings.integrityStatus} <> 'verified')`.mapWith(
        Number,
      ),
      next30: sql<number>`count(*) filter (where not ${expiredSql(policy, now)} and ${expiredSql(policy, in30)} and not ${heldSql})`.mapWith(Number),
      nextExpiry: sql<
        string | null
      >`min(${expiresAtSql(policy)}) filter (where ${expiresAtSql(policy)} > ${now.toISOString()}::timestamptz and not ${heldSql})`,
    })
    .from(recordings)
    .innerJoin(remoteSessions, eq(remoteSessions.id, recordings.sessionId))
    .where(isNull(recordings.deletedAt));
  return {
    dueNow: row?.dueNow ?? 0,
    expiredButHeld: row?.held ?? 0,
    expiredButUnverified: row?.unverified ?? 0,
    next30Days: row?.next30 ?? 0,
    nextExpiry: row?.nextExpiry ? new Date(row.nextExpiry) : null,
  };
}

// ─── Deletion ────────────────────────────────────────────────────────────────

export type DeletedRecording = {
  recordingId: number;
  sessionId: number;
  sessionHash: string;
  sha256: string | null;
  chainHead: string | null;
  sizeBytes: number;
  chunks: number;
  integrityStatus: string;
  events: number;
  commands: number;
  findings: number;
  exports: number;
};

/**
 * Deletes a recording's rows and writes its tombstone, in the caller's
 * transaction: the events, commands, findings and exports of its session go;
 * the session, the recording row and its chunks' SHA-256 stay (they prove
 * what existed). The row is locked first and `where` re-checked under the
 * lock (SKIP LOCKED: another node on the same row skips it), so a hold placed
 * meanwhile (which locks the row too) is never overtaken. Null when the
 * recording may not be deleted (any more).
 */
export async function tombstoneRecording(
  tx: Tx,
  { recordingId, ...rest }: { recordingId: number; where: SQL; basis: DeletionBasis; reason: string; deletedBy: string | null; now: Date },
): Promise<DeletedRecording | null> {
  const [deleted] = await tombstoneRecordings(tx, { recordingIds: [recordingId], ...rest });
  return deleted ?? null;
}

/**
 * tombstoneRecording for each of `recordingIds` that `where` still allows
 * under its row lock (SKIP LOCKED), set-based: a few statements for the
 * whole batch (the expiry job's) instead of a few per recording. Returns the
 * ones deleted. The basis defaults to the policy, with no reason or person.
 */
export async function tombstoneRecordings(
  tx: Tx,
  {
    recordingIds,
    where,
    now,
    basis = "policy",
    reason = "",
    deletedBy = null,
  }: { recordingIds: number[]; where: SQL; now: Date; basis?: DeletionBasis; reason?: string; deletedBy?: string | null },
): Promise<DeletedRecording[]> {
  if (recordingIds.length === 0) return [];
  const rows = await tx
    .select({
      recordingId: recordings.id,
      sessionId: recordings.sessionId,
      hash: remoteSessions.hash,
      sha256: recordings.expectedSha256,
      chainHead: recordings.chainHead,
      sizeBytes: recordings.sizeBytes,
      integrityStatus: recordings.integrityStatus,
      chunks: sql<number>`(select count(*) from recording_chunks c where c.recording_id = ${recordings.id})`.mapWith(Number),
    })
    .from(recordings)
    .innerJoin(remoteSessions, eq(remoteSessions.id, recordings.sessionId))
    .where(and(inArray(recordings.id, recordingIds), isNull(recordings.deletedAt), where))
    .orderBy(recordings.id)
    .for("update", { of: recordings, skipLocked: true });
  if (rows.length === 0) return [];
  const sessionIds = rows.map((r) => r.sessionId);
  const ids = sql`array[${sql.join(
    sessionIds.map((id) => sql`${id}`),
    sql`, `,
  )}]::bigint[]`;
  const counted = async (table: typeof sessionEvents | typeof sessionCommands | typeof commandFindings) => {
    const result = await tx.execute<{ session_id: string; n: string }>(
      sql`with d as (delete from ${table} where session_id = any(${ids}) returning session_id) select session_id, count(*) as n from d group by session_id`,
    );
    return new Map(result.rows.map((r) => [Number(r.session_id), Number(r.n)]));
  };
  await tx.execute(sql`delete from video_export_recipients where export_id in (select id from video_exports where session_id = any(${ids}))`);
  const exports = await tx.execute<{ session_id: string; n: string }>(sql`
    with u as (
      update video_exports set status = case when status in ('queued', 'running') then 'cancelled' when status = 'done' then 'expired' else status end
      where session_id = any(${ids}) returning session_id
    ) select session_id, count(*) as n from u group by session_id`);
  const exportCounts = new Map(exports.rows.map((r) => [Number(r.session_id), Number(r.n)]));
  const events = await counted(sessionEvents);
  const commands = await counted(sessionCommands);
  const findings = await counted(commandFindings);
  await tx
    .update(recordings)
    .set({
      deletedAt: now,
      deletedBy,
      deletionBasis: basis,
      deletionReason: reason,
      deletedSha256: sql`${recordings.expectedSha256}`,
      deletedChainHead: sql`${recordings.chainHead}`,
      deletedSizeBytes: sql`${recordings.sizeBytes}`,
      playableKey: null,
      playlist: null,
      activity: null,
    })
    .where(
      inArray(
        recordings.id,
        rows.map((r) => r.recordingId),
      ),
    );
  return rows.map((r) => ({
    recordingId: r.recordingId,
    sessionId: r.sessionId,
    sessionHash: r.hash,
    sha256: r.sha256,
    chainHead: r.chainHead,
    sizeBytes: r.sizeBytes,
    chunks: r.chunks,
    integrityStatus: r.integrityStatus,
    events: events.get(r.sessionId) ?? 0,
    commands: commands.get(r.sessionId) ?? 0,
    findings: findings.get(r.sessionId) ?? 0,
    exports: exportCounts.get(r.sessionId) ?? 0,
  }));
}

/** Every object of these recordings is gone: forget their exports' keys and note when, in one transaction. */
export async function markRecordingsPurged({ recordings: done, now }: { recordings: { recordingId: number; sessionId: number }[]; now: Date }) {
  if (done.length === 0) return;
  await db.transaction(async (tx) => {
    await tx
      .update(videoExports)
      .set({ storageKey: null })
      .where(
        inArray(
          videoExports.sessionId,
          done.map((d) => d.sessionId),
        ),
      );
    await tx
      .update(recordings)
      .set({ purgedAt: now })
      .where(
        inArray(
          recordings.id,
          done.map((d) => d.recordingId),
        ),
      );
  });
}

/** Export files of several sessions at once. */
export async function listExportKeysOfSessions({ sessionIds }: { sessionIds: number[] }): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  if (sessionIds.length === 0) return out;
  const rows = await db
    .select({ sessionId: videoExports.sessionId, key: videoExports.storageKey })
    .from(videoExports)
    .where(and(inArray(videoExports.sessionId, sessionIds), isNotNull(videoExports.storageKey)));
  for (const r of rows) out.set(r.sessionId, [...(out.get(r.sessionId) ?? []), r.key!]);
  return out;
}

/** The condition of the job's deletions, for tombstoneRecording's re-check. */
export function expiredDeletableCondition(policy: RetentionPolicy, now: Date): SQL {
  return deletableSql(policy, now);
}

/** The condition of an early deletion: present, not on hold, not recording (its period does not matter). */
export function earlyDeletableCondition(): SQL {
  return sql`not ${heldSql} and not ${recordingSql}`;
}

/**
 * The store refused to delete some of a deleted recording's objects (Object
 * Lock): notes what it said; true the first time (then it is audited).
 */
export async function markPurgeRefused({ recordingId, reason, now }: { recordingId: number; reason: string; now: Date }): Promise<boolean> {
  const [before] = await db.select({ at: recordings.purgeRefusedAt }).from(recordings).where(eq(recordings.id, recordingId)).limit(1);
  await db
    .update(recordings)
    .set({ purgeRefusedAt: sql`coalesce(${recordings.purgeRefusedAt}, ${now.toISOString()}::timestamptz)`, purgeRefusedReason: reason })
    .where(eq(recordings.id, recordingId));
  return !before?.at;
}

/** Tombstoned recordings whose stored objects are not all gone yet (a crash between the two). */
export async function listUnpurgedRecordings({ limit }: { limit: number }): Promise<{ recordingId: number; sessionId: number }[]> {
  return db
    .select({ recordingId: recordings.id, sessionId: recordings.sessionId })
    .from(recordings)
    .where(and(isNotNull(recordings.deletedAt), isNull(recordings.purgedAt)))
    .orderBy(recordings.id)
    .limit(limit);
}

export async function listExportKeysOfSession({ sessionId }: { sessionId: number }): Promise<{ id: string; key: string }[]> {
  const rows = await db
    .select({ id: videoExports.id, key: videoExports.storageKey })
    .from(videoExports)
    .where(and(eq(videoExports.sessionId, sessionId), isNotNull(videoExports.storageKey)));
  return rows.map((r) => ({ id: r.id, key: r.key! }));
}

/** Every object is gone: forget the exports' keys and note when. */
export async function markRecordingPurged({ recordingId, sessionId, now }: { recordingId: number; sessionId: number; now: Date }) {
  await db.transaction(async (tx) => {
    await tx.update(videoExports).set({ storageKey: null }).where(eq(videoExports.sessionId, sessionId));
    await tx.update(recordings).set({ purgedAt: now }).where(eq(recordings.id, recordingId));
  });
}

export type Tombstone = {
  deletedAt: Date;
  deletedBy: { id: string; email: string; name: string } | null;
  basis: DeletionBasis;
  reason: string | null;
  sha256: string | null;
  chainHead: string | null;
  sizeBytes: number | null;
  purgedAt: Date | null;
  /** The store refused to delete the objects (Object Lock): when first, and what it said. */
  purgeRefusedAt: Date | null;
  purgeRefusedReason: string | null;
};

export async function getTombstone({ sessionId }: { sessionId: number }): Promise<Tombstone | null> {
  const [row] = await db
    .select({
      deletedAt: recordings.deletedAt,
      byId: users.id,
      byEmail: users.email,
      byName: users.name,
      basis: recordings.deletionBasis,
      reason: recordings.deletionReason,
      sha256: recordings.deletedSha256,
      chainHead: recordings.deletedChainHead,
      sizeBytes: recordings.deletedSizeBytes,
      purgedAt: recordings.purgedAt,
      purgeRefusedAt: recordings.purgeRefusedAt,
      purgeRefusedReason: recordings.purgeRefusedReason,
    })
    .from(recordings)
    .leftJoin(users, eq(users.id, recordings.deletedBy))
    .where(and(eq(recordings.sessionId, sessionId), isNotNull(recordings.deletedAt)))
    .limit(1);
  if (!row?.deletedAt || !row.basis) return null;
  return {
    deletedAt: row.deletedAt,
    deletedBy: row.byId ? { id: row.byId, email: row.byEmail!, name: row.byName! } : null,
    basis: row.basis,
    reason: row.reason,
    sha256: row.sha256,
    chainHead: row.chainHead,
    sizeBytes: row.sizeBytes,
    purgedAt: row.purgedAt,
    purgeRefusedAt: row.purgeRefusedAt,
    purgeRefusedReason: row.purgeRefusedReason,
  };
}

export async function getRecordingIdOfSession(runner: Runner, { sessionId }: { sessionId: number }): Promise<number | null> {
  const [row] = await runner.select({ id: recordings.id }).from(recordings).where(eq(recordings.sessionId, sessionId)).limit(1);
  return row?.id ?? null;
}

// ─── Legal holds ─────────────────────────────────────────────────────────────

/**
 * Puts sessions on hold, one row each, skipping those already held. The
 * recordings' rows are locked first (FOR SHARE), so a deletion that has
 * already checked for holds finishes before, and one that has not yet sees
 * the hold. Returns the holds placed.
 */
export async function insertHolds(
  tx: Tx,
  { sessionIds, reason, caseReference, placedBy, now }: { sessionIds: number[]; reason: string; caseReference: string | null; placedBy: string; now: Date },
): Promise<LegalHold[]> {
  if (sessionIds.length === 0) return [];
  await tx.select({ id: recordings.id }).from(recordings).where(inArray(recordings.sessionId, sessionIds)).for("share");
  return tx
    .insert(legalHolds)
    .values(sessionIds.map((sessionId) => ({ sessionId, reason, caseReference, placedBy, placedAt: now })))
    .onConflictDoNothing({ target: legalHolds.sessionId, where: sql`${legalHolds.releasedAt} is null` })
    .returning();
}

/** Releases a hold in force; null when there is none with that id (or it was released already). */
export async function releaseHoldRow(
  tx: Tx,
  { holdId, releasedBy, reason, now }: { holdId: string; releasedBy: string; reason: string; now: Date },
): Promise<LegalHold | null> {
  const [row] = await tx
    .update(legalHolds)
    .set({ releasedBy, releasedAt: now, releaseReason: reason })
    .where(and(eq(legalHolds.id, holdId), isNull(legalHolds.releasedAt)))
    .returning();
  return row ?? null;
}

export type HoldWithPeople = LegalHold & { placedByEmail: string; releasedByEmail: string | null; sessionHash: string };

/** A session's holds, the one in force first, then the released ones newest first. */
export async function listHoldsOfSession({ sessionId }: { sessionId: number }): Promise<HoldWithPeople[]> {
  const placer = sql`(select email from users where users.id = ${legalHolds.placedBy})`;
  const releaser = sql`(select email from users where users.id = ${legalHolds.releasedBy})`;
  const rows = await db
    .select({
      hold: legalHolds,
      placedByEmail: sql<string>`${placer}`,
      releasedByEmail: sql<string | null>`${releaser}`,
      sessionHash: remoteSessions.hash,
    })
    .from(legalHolds)
    .innerJoin(remoteSessions, eq(remoteSessions.id, legalHolds.sessionId))
    .where(eq(legalHolds.sessionId, sessionId))
    .orderBy(sql`${legalHolds.releasedAt} is not null`, desc(legalHolds.placedAt));
  return rows.map((r) => ({ ...r.hold, placedByEmail: r.placedByEmail, releasedByEmail: r.releasedByEmail, sessionHash: r.sessionHash }));
}

export async function getActiveHold(runner: Runner, { sessionId }: { sessionId: number }): Promise<LegalHold | null> {
  const [row] = await runner
    .select()
    .from(legalHolds)
    .where(and(eq(legalHolds.sessionId, sessionId), isNull(legalHolds.releasedAt)))
    .limit(1);
  return row ?? null;
}

/** Session ids of every session of a user (by the name the proxy reported) or of a host, exactly (case-insensitive). */
export async function listSessionIdsBy({ field, value }: { field: "user" | "host"; value: string }): Promise<number[]> {
  const column = field === "user" ? remoteSessions.userName : remoteSessions.host;
  const rows = await db
    .select({ id: remoteSessions.id })
    .from(remoteSessions)
    .where(sql`lower(${column}) = ${value.toLowerCase()}`)
    .orderBy(remoteSessions.id);
  return rows.map((r) => r.id);
}

// ─── Early deletion (two-person rule) ────────────────────────────────────────

export async function insertDeletionRequest(
  tx: Tx,
  { sessionId, reason, requestedBy, now }: { sessionId: number; reason: string; requestedBy: string; now: Date },
): Promise<DeletionRequest | null> {
  const [row] = await tx
    .insert(deletionRequests)
    .values({ sessionId, reason, requestedBy, requestedAt: now })
    .onConflictDoNothing({ target: deletionRequests.sessionId, where: sql`${deletionRequests.status} = 'pending'` })
    .returning();
  return row ?? null;
}

export async function getPendingDeletionRequest(
  runner: Runner,
  { sessionId, lock = false }: { sessionId: number; lock?: boolean },
): Promise<(DeletionRequest & { requestedByEmail: string }) | null> {
  const q = runner
    .select({ request: deletionRequests, email: users.email })
    .from(deletionRequests)
    .innerJoin(users, eq(users.id, deletionRequests.requestedBy))
    .where(and(eq(deletionRequests.sessionId, sessionId), eq(deletionRequests.status, "pending")))
    .limit(1);
  const [row] = lock ? await q.for("update", { of: deletionRequests }) : await q;
  return row ? { ...row.request, requestedByEmail: row.email } : null;
}

export async function decideDeletionRequest(
  tx: Tx,
  { id, status, decidedBy, now }: { id: string; status: "confirmed" | "cancelled"; decidedBy: string; now: Date },
): Promise<void> {
  await tx
    .update(deletionRequests)
    .set({ status, decidedBy, decidedAt: now })
    .where(and(eq(deletionRequests.id, id), eq(deletionRequests.status, "pending")));
}

/** What a hold by scope needs of a session: its user and host. */
export async function getSessionForRetention({ sessionId }: { sessionId: number }) {
  const [row] = await db
    .select({ id: remoteSessions.id, hash: remoteSessions.hash, userName: remoteSessions.userName, host: remoteSessions.host })
    .from(remoteSessions)
    .where(eq(remoteSessions.id, sessionId))
    .limit(1);
  return row ?? null;
}

// ─── Write-once storage (S3 Object Lock) ─────────────────────────────────────

/** What decides the lock of a recording's objects: its session's facts for the policy, and whether a hold is in force. */
export async function getLockFactsOfRecording({ recordingId }: { recordingId: number }) {
  const [row] = await db
    .select({
      protocol: remoteSessions.protocol,
      userName: remoteSessions.userName,
      credentialUsername: remoteSessions.credentialUsername,
      startedAt: remoteSessions.startedAt,
      endedAt: remoteSessions.endedAt,
      held: sql<boolean>`${heldSql}`,
    })
    .from(recordings)
    .innerJoin(remoteSessions, eq(remoteSessions.id, recordings.sessionId))
    .where(eq(recordings.id, recordingId))
    .limit(1);
  return row ?? null;
}

/** The recordings (not deleted) of some sessions, for their objects' legal hold. */
export async function listRecordingIdsOfSessions({ sessionIds }: { sessionIds: number[] }): Promise<{ recordingId: number; sessionId: number }[]> {
  if (sessionIds.length === 0) return [];
  return db
    .select({ recordingId: recordings.id, sessionId: recordings.sessionId })
    .from(recordings)
    .where(and(inArray(recordings.sessionId, sessionIds), isNull(recordings.deletedAt)))
    .orderBy(recordings.id);
}

/** Whether a hold is in force on any of these sessions (a release turns the store's legal hold off only when none is). */
export async function listHeldSessionIds({ sessionIds }: { sessionIds: number[] }): Promise<Set<number>> {
  if (sessionIds.length === 0) return new Set();
  const rows = await db
    .select({ sessionId: legalHolds.sessionId })
    .from(legalHolds)
    .where(and(inArray(legalHolds.sessionId, sessionIds), isNull(legalHolds.releasedAt)));
  return new Set(rows.map((r) => r.sessionId));
}

// ─── Deletions seen by every node ────────────────────────────────────────────

/** The channel on which a deletion tells every node to drop its cached copies of the recording's objects. */
export const RECORDING_DELETED_CHANNEL = "recording_deleted";

/** NOTIFY recording_deleted, '<id>,<id>,…' (delivered when the transaction commits; a payload stays far below its 8,000-byte limit). */
export async function notifyRecordingDeleted(runner: Runner, { recordingId }: { recordingId: number | number[] }) {
  const ids = Array.isArray(recordingId) ? recordingId : [recordingId];
  for (let i = 0; i < ids.length; i += 500) {
    await runner.execute(sql`select pg_notify(${RECORDING_DELETED_CHANNEL}, ${ids.slice(i, i + 500).join(",")})`);
  }
}
