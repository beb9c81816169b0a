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
  videoExportRecipients,
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
  {
    recordingId,
    where,
    basis,
    reason,
    deletedBy,
    now,
  }: { recordingId: number; where: SQL; basis: DeletionBasis; reason: string; deletedBy: string | null; now: Date },
): Promise<DeletedRecording | null> {
  const [row] = await tx
    .select({
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
    .where(and(eq(recordings.id, recordingId), isNull(recordings.deletedAt), where))
    .for("update", { of: recordings, skipLocked: true });
  if (!row) return null;
  const sessionId = row.sessionId;
  const exportIds = tx.select({ id: videoExports.id }).from(videoExports).where(eq(videoExports.sessionId, sessionId));
  await tx.delete(videoExportRecipients).where(inArray(videoExportRecipients.exportId, exportIds));
  // Export rows stay (who asked for a video, when) with their file's key until the purge removes the file.
  const exports = await tx
    .update(videoExports)
    .set({
      status: sql`case when ${videoExports.status} in ('queued', 'running') then 'cancelled' when ${videoExports.status} = 'done' then 'expired' else ${videoExports.status} end`,
    })
    .where(eq(videoExports.sessionId, sessionId))
    .returning({ id: videoExports.id });
  const events = await tx.delete(sessionEvents).where(eq(sessionEvents.sessionId, sessionId)).returning({ id: sessionEvents.id });
  const commands = await tx.delete(sessionCommands).where(eq(sessionCommands.sessionId, sessionId)).returning({ id: sessionCommands.id });
  const findings = await tx.delete(commandFindings).where(eq(commandFindings.sessionId, sessionId)).returning({ id: commandFindings.id });
  await tx
    .update(recordings)
    .set({
      deletedAt: now,
      deletedBy,
      deletionBasis: basis,
      deletionReason: reason,
      deletedSha256: row.sha256,
      deletedChainHead: row.chainHead,
      deletedSizeBytes: row.sizeBytes,
      playableKey: null,
      playlist: null,
      activity: null,
    })
    .where(eq(recordings.id, recordingId));
  return {
    recordingId,
    sessionId,
    sessionHash: row.hash,
    sha256: row.sha256,
    chainHead: row.chainHead,
    sizeBytes: row.sizeBytes,
    chunks: row.chunks,
    integrityStatus: row.integrityStatus,
    events: events.length,
    commands: commands.length,
    findings: findings.length,
    exports: exports.length,
  };
}

/** The condition of the job's deletions, for tombstoneRecording's re-check. */
export function expiredDeletableCondition(policy: RetentionPolicy, now: Date): SQL {
  return deletableSql(policy, now);
}

/** The condition of an early deletion: present, not on hold, not recording (its period does not matter). */
export function earlyDeletableCondition(): SQL {
  return sql`not ${heldSql} and not ${recordingSql}`;
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
