import "server-only";
import { recordAudit, recordAudits, type AuditActor } from "@/lib/audit";
import type { Viewer } from "@/lib/auth/viewer";
import { db } from "@/lib/db/client";
import { retentionDaysFor, retentionExpiresAt, retentionLabel, type RetentionPolicy } from "@/lib/domain/retention";
import type { Protocol } from "@/lib/domain/sessions";
import { AppError } from "@/lib/errors";
import { getStorage, isStoreError, storageKeys, type ObjectLockState } from "@/lib/storage";
import {
  decideDeletionRequest,
  earlyDeletableCondition,
  expiredDeletableCondition,
  getActiveHold,
  getPendingDeletionRequest,
  getRecordingIdOfSession,
  getRetentionPolicy,
  getSessionForRetention,
  getTombstone,
  insertDeletionRequest,
  insertHolds,
  listExpiredRecordingIds,
  listExportKeysOfSession,
  listExportKeysOfSessions,
  listHoldsOfSession,
  listSessionIdsBy,
  listUnpurgedRecordings,
  markPurgeRefused,
  markRecordingPurged,
  markRecordingsPurged,
  notifyRecordingDeleted,
  previewPolicy,
  releaseHoldRow,
  saveRetentionPolicy,
  tombstoneRecording,
  tombstoneRecordings,
  type DeletedRecording,
  type HoldWithPeople,
  type PolicyPreview,
  type Tombstone,
} from "./queries";
import { readRecordingLock, syncLegalHolds } from "./object-lock";

/**
 * Retention of recordings as evidence: the policy that says how long they
 * are kept, legal holds that keep them whatever the policy, and deletion
 * (by the policy's job, or early by two admins) that leaves a tombstone and
 * an audit entry with the SHA-256 and chain head of what was deleted.
 */

export { getRetentionPolicy, previewPolicy, getTombstone, listHoldsOfSession };
export { installObjectLock, lockOfKey, readRecordingLock, syncLegalHolds } from "./object-lock";
export { stopWatchingRecordingDeletions, watchRecordingDeletions } from "./deletions";
export type { PolicyPreview, Tombstone, HoldWithPeople };

type Admin = Pick<Viewer, "id" | "email" | "role">;

function requireAdmin(actor: Admin) {
  if (actor.role !== "admin") throw new AppError("Only administrators may do this.", 403);
}

const actorOf = (a: Admin): NonNullable<AuditActor> => ({ id: a.id, email: a.email });

/** Saves a policy; audited with the old and the new policy and what the new one deletes now. */
export async function changeRetentionPolicy({
  actor,
  ip,
  policy,
  now = new Date(),
}: {
  actor: Admin;
  ip?: string | null;
  policy: RetentionPolicy;
  now?: Date;
}) {
  requireAdmin(actor);
  const preview = await previewPolicy({ policy, now });
  const result = await saveRetentionPolicy({
    policy,
    updatedBy: actor.id,
    onChanged: (tx, previous) =>
      recordAudit(
        {
          actor: actorOf(actor),
          action: "retention.policy_changed",
          target: { type: "parameter", id: "retention.policy" },
          ip,
          details: { old: previous, new: policy, dueNow: preview.dueNow, next30Days: preview.next30Days },
        },
        tx,
      ),
  });
  return { ...result, preview };
}

// ─── Holds ───────────────────────────────────────────────────────────────────

/** Puts sessions on hold (those already held stay as they are); one audit entry per hold placed. */
export async function placeHolds({
  actor,
  ip,
  sessionIds,
  reason,
  caseReference,
  scope,
}: {
  actor: Admin;
  ip?: string | null;
  sessionIds: number[];
  reason: string;
  caseReference?: string | null;
  /** What the admin chose (a session, a user, a host, a search), for the audit entry. */
  scope: Record<string, unknown>;
}): Promise<{ placed: number; alreadyHeld: number; store: { objects: number; failed: number; error: string | null } }> {
  requireAdmin(actor);
  if (!reason.trim()) throw new AppError("Give a reason for the hold.", 400, "reason");
  const now = new Date();
  const placed = await db.transaction(async (tx) => {
    const holds = await insertHolds(tx, {
      sessionIds: [...new Set(sessionIds)],
      reason: reason.trim(),
      caseReference: caseReference?.trim() || null,
      placedBy: actor.id,
      now,
    });
    for (const hold of holds) {
      await recordAudit(
        {
          actor: actorOf(actor),
          action: "session.hold_placed",
          target: { type: "session", id: String(hold.sessionId) },
          ip,
          details: { holdId: hold.id, reason: hold.reason, caseReference: hold.caseReference, scope },
        },
        tx,
      );
    }
    return holds;
  });
  // Write-once storage: the store's own legal hold on what is already stored (new writes carry it by themselves).
  const store = await syncLegalHolds({ sessionIds: placed.map((h) => h.sessionId) });
  return { placed: placed.length, alreadyHeld: new Set(sessionIds).size - placed.length, store };
}

/** "Put on hold" on a report: this session, or every session of its user or of its host (those recorded so far). */
export async function placeHoldsByScope({
  actor,
  ip,
  sessionId,
  scope,
  reason,
  caseReference,
}: {
  actor: Admin;
  ip?: string | null;
  sessionId: number;
  scope: "session" | "user" | "host";
  reason: string;
  caseReference?: string | null;
}) {
  requireAdmin(actor);
  const session = await getSessionForRetention({ sessionId });
  if (!session) throw new AppError("This session does not exist.", 404);
  const sessionIds = scope === "session" ? [session.id] : await listSessionIdsBy({ field: scope, value: scope === "user" ? session.userName : session.host });
  const described = scope === "session" ? { session: session.hash } : scope === "user" ? { user: session.userName } : { host: session.host };
  return placeHolds({ actor, ip, sessionIds, reason, caseReference, scope: described });
}

export async function releaseHold({ actor, ip, holdId, reason }: { actor: Admin; ip?: string | null; holdId: string; reason: string }) {
  requireAdmin(actor);
  if (!reason.trim()) throw new AppError("Give a reason for releasing the hold.", 400, "reason");
  const sessionId = await db.transaction(async (tx) => {
    const hold = await releaseHoldRow(tx, { holdId, releasedBy: actor.id, reason: reason.trim(), now: new Date() });
    if (!hold) throw new AppError("This hold is not in force (it may have been released already).", 409);
    await recordAudit(
      {
        actor: actorOf(actor),
        action: "session.hold_released",
        target: { type: "session", id: String(hold.sessionId) },
        ip,
        details: {
          holdId: hold.id,
          reason: hold.releaseReason,
          placedBy: hold.placedBy,
          placedAt: hold.placedAt,
          holdReason: hold.reason,
          caseReference: hold.caseReference,
        },
      },
      tx,
    );
    return hold.sessionId;
  });
  await syncLegalHolds({ sessionIds: [sessionId] });
}

// ─── Deletion ────────────────────────────────────────────────────────────────

function deletionDetails(d: DeletedRecording, extra: Record<string, unknown>) {
  return {
    sessionHash: d.sessionHash,
    recordingId: d.recordingId,
    sha256: d.sha256,
    chainHead: d.chainHead,
    sizeBytes: d.sizeBytes,
    chunks: d.chunks,
    integrityStatus: d.integrityStatus,
    removed: { events: d.events, commands: d.commands, findings: d.findings, exports: d.exports },
    ...extra,
  };
}

export type PurgeResult = { removed: number; refused: number; reason: string | null };

/**
 * Deletes every stored object of a deleted recording and its exports, then
 * notes it (safe to repeat). A store with Object Lock may refuse some of the
 * evidence (its retention has not ended, or it is on legal hold): those stay,
 * the recording is not marked purged, the refusal is noted on the tombstone
 * and audited once, and the next run of the expiry job tries again.
 */
export async function purgeRecordingObjects({ recordingId, sessionId }: { recordingId: number; sessionId: number }): Promise<PurgeResult> {
  const exportKeys = (await listExportKeysOfSession({ sessionId })).map((e) => e.key);
  const result = await deleteRecordingObjects({ recordingId, sessionId }, exportKeys);
  if (result.refused === 0) await markRecordingPurged({ recordingId, sessionId, now: new Date() });
  // Nothing of it can be cached anew now (what is gone from the store cannot be fetched): every node drops what it holds.
  await notifyRecordingDeleted(db, { recordingId });
  return result;
}

/** The objects of one deleted recording and its exports; a refusal of the store is noted (and audited the first time), never thrown. */
async function deleteRecordingObjects({ recordingId, sessionId }: { recordingId: number; sessionId: number }, exportKeys: string[]): Promise<PurgeResult> {
  const storage = getStorage();
  const result: PurgeResult = { removed: 0, refused: 0, reason: null };
  const keys: string[] = [];
  for await (const object of storage.list(storageKeys.recordingPrefix(recordingId))) keys.push(object.key);
  keys.push(...exportKeys);
  for (const key of keys) {
    try {
      await storage.delete(key);
      result.removed++;
    } catch (error) {
      if (!isStoreError(error) || error.detail.kind !== "locked") throw error;
      result.refused++;
      result.reason ??= error.message;
    }
  }
  if (result.refused > 0) {
    const reason = `${result.refused} of ${keys.length} object(s) refused by the store: ${result.reason}`;
    if (await markPurgeRefused({ recordingId, reason, now: new Date() })) {
      await recordAudit({
        actor: null,
        action: "recording.purge_refused",
        target: { type: "session", id: String(sessionId) },
        details: { recordingId, refused: result.refused, removed: result.removed, reason: result.reason },
      });
    }
  }
  return result;
}

/** Purges several deleted recordings: their objects a few at once, then one statement marks those done and one NOTIFY tells every node. */
async function purgeBatch(deleted: { recordingId: number; sessionId: number }[]): Promise<{ purged: number; refused: number }> {
  const exportKeys = await listExportKeysOfSessions({ sessionIds: deleted.map((d) => d.sessionId) });
  const done: { recordingId: number; sessionId: number }[] = [];
  let refused = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: PURGE_CONCURRENCY }, async () => {
      while (next < deleted.length) {
        const d = deleted[next++]!;
        const result = await deleteRecordingObjects(d, exportKeys.get(d.sessionId) ?? []);
        if (result.refused === 0) done.push(d);
        else refused++;
      }
    }),
  );
  await markRecordingsPurged({ recordings: done, now: new Date() });
  await notifyRecordingDeleted(db, { recordingId: deleted.map((d) => d.recordingId) });
  return { purged: done.length, refused };
}

/** Objects deleted at once by the job: a store's round trips overlap, a local disk's unlinks too. */
const PURGE_CONCURRENCY = 8;

export type ExpiryRun = { deleted: number; purged: number; batches: number };

/**
 * Deletes what the policy says has expired, `batchSize` recordings per
 * batch, until none is left or `maxBatches` ran: each batch in one
 * transaction (set-based statements for its rows, one audit entry per
 * recording); the objects go after the commit (a crash in between is
 * finished by the next run, which purges tombstones first). Any number of
 * nodes may run it at once: a row locked by one is skipped by the others.
 */
export async function expireRecordings({
  now = new Date(),
  batchSize = 500,
  maxBatches = 100,
}: { now?: Date; batchSize?: number; maxBatches?: number } = {}): Promise<ExpiryRun> {
  const run: ExpiryRun = { deleted: 0, purged: 0, batches: 0 };
  for (const r of await listUnpurgedRecordings({ limit: 10_000 })) {
    await purgeRecordingObjects(r);
    run.purged++;
  }
  const { policy } = await getRetentionPolicy();
  if (policy.defaultDays === null && policy.protocols.length === 0 && policy.patterns.length === 0) return run;
  const where = expiredDeletableCondition(policy, now);
  let lastSeen = 0;
  while (run.batches < maxBatches) {
    const ids = await listExpiredRecordingIds({ policy, now, limit: batchSize, afterId: lastSeen });
    if (ids.length === 0) break;
    run.batches++;
    lastSeen = ids[ids.length - 1]!;
    const deleted = await db.transaction(async (tx) => {
      const batch = await tombstoneRecordings(tx, { recordingIds: ids, where, now });
      if (batch.length === 0) return batch;
      await notifyRecordingDeleted(tx, { recordingId: batch.map((d) => d.recordingId) });
      await recordAudits(
        batch.map((d) => ({
          actor: null,
          action: "recording.deleted" as const,
          target: { type: "session", id: String(d.sessionId) },
          details: deletionDetails(d, { basis: "policy", policy: "retention policy" }),
        })),
        tx,
      );
      return batch;
    });
    if (deleted.length === 0) continue;
    await purgeBatch(deleted);
    run.deleted += deleted.length;
  }
  return run;
}

/** Checks shared by asking for and confirming an early deletion. */
async function refuseEarlyDeletion(sessionId: number) {
  const tombstone = await getTombstone({ sessionId });
  if (tombstone) throw new AppError("This recording was deleted already.", 409);
  if (await getActiveHold(db, { sessionId })) throw new AppError("This session is on legal hold: its recording cannot be deleted.", 409);
  const recordingId = await getRecordingIdOfSession(db, { sessionId });
  if (recordingId === null) throw new AppError("This session has no recording.", 404);
  return recordingId;
}

/** First admin: asks for an early deletion with a reason; a second admin must confirm it. */
export async function requestEarlyDeletion({ actor, ip, sessionId, reason }: { actor: Admin; ip?: string | null; sessionId: number; reason: string }) {
  requireAdmin(actor);
  if (!reason.trim()) throw new AppError("Give a reason for deleting this recording early.", 400, "reason");
  await refuseEarlyDeletion(sessionId);
  await db.transaction(async (tx) => {
    const request = await insertDeletionRequest(tx, { sessionId, reason: reason.trim(), requestedBy: actor.id, now: new Date() });
    if (!request) throw new AppError("An early deletion of this recording is already waiting for confirmation.", 409);
    await recordAudit(
      {
        actor: actorOf(actor),
        action: "recording.deletion_requested",
        target: { type: "session", id: String(sessionId) },
        ip,
        details: { requestId: request.id, reason: request.reason },
      },
      tx,
    );
  });
}

/** The requester withdraws, or another admin turns the request down. */
export async function cancelEarlyDeletion({ actor, ip, sessionId }: { actor: Admin; ip?: string | null; sessionId: number }) {
  requireAdmin(actor);
  await db.transaction(async (tx) => {
    const request = await getPendingDeletionRequest(tx, { sessionId, lock: true });
    if (!request) throw new AppError("No early deletion of this recording is waiting.", 409);
    await decideDeletionRequest(tx, { id: request.id, status: "cancelled", decidedBy: actor.id, now: new Date() });
    await recordAudit(
      {
        actor: actorOf(actor),
        action: "recording.deletion_cancelled",
        target: { type: "session", id: String(sessionId) },
        ip,
        details: { requestId: request.id, requestedBy: request.requestedByEmail },
      },
      tx,
    );
  });
}

/**
 * Second admin: confirms a waiting early deletion, which deletes the
 * recording at once. Never the admin who asked, never while on hold or
 * still recording (checked again under the recording's lock).
 */
export async function confirmEarlyDeletion({ actor, ip, sessionId }: { actor: Admin; ip?: string | null; sessionId: number }) {
  requireAdmin(actor);
  const recordingId = await refuseEarlyDeletion(sessionId);
  const now = new Date();
  const deleted = await db.transaction(async (tx) => {
    const request = await getPendingDeletionRequest(tx, { sessionId, lock: true });
    if (!request) throw new AppError("No early deletion of this recording is waiting for confirmation.", 409);
    if (request.requestedBy === actor.id) throw new AppError("A second administrator must confirm this deletion: you asked for it.", 403);
    const d = await tombstoneRecording(tx, {
      recordingId,
      where: earlyDeletableCondition(),
      basis: "request",
      reason: request.reason,
      deletedBy: actor.id,
      now,
    });
    if (!d) throw new AppError("This recording cannot be deleted now: it is on hold, still recording, or being deleted.", 409);
    await notifyRecordingDeleted(tx, { recordingId });
    await decideDeletionRequest(tx, { id: request.id, status: "confirmed", decidedBy: actor.id, now });
    await recordAudit(
      {
        actor: actorOf(actor),
        action: "recording.deleted",
        target: { type: "session", id: String(sessionId) },
        ip,
        details: deletionDetails(d, {
          basis: "request",
          reason: request.reason,
          requestId: request.id,
          requestedBy: request.requestedByEmail,
          confirmedBy: actor.email,
        }),
      },
      tx,
    );
    return d;
  });
  return purgeRecordingObjects(deleted);
}

export type SessionRetention = {
  tombstone: Tombstone | null;
  holds: HoldWithPeople[];
  activeHold: HoldWithPeople | null;
  pendingDeletion: { id: string; reason: string; requestedBy: string; requestedByEmail: string; requestedAt: Date } | null;
  /** The policy's period for this session and when its recording expires (null: forever). */
  period: string;
  expiresAt: Date | null;
  /** What the store itself keeps locked (S3 Object Lock), as it answers now; null without write-once storage. */
  storeLock: (ObjectLockState & { key: string }) | { error: string } | null;
};

/** What the report shows about a session's retention. */
export async function getSessionRetention(session: {
  id: number;
  protocol: Protocol;
  userName: string;
  credentialUsername: string;
  startedAt: Date;
  endedAt: Date | null;
  recordingId?: number | null;
}): Promise<SessionRetention> {
  const [tombstone, holds, pending, { policy }, storeLock] = await Promise.all([
    getTombstone({ sessionId: session.id }),
    listHoldsOfSession({ sessionId: session.id }),
    getPendingDeletionRequest(db, { sessionId: session.id }),
    getRetentionPolicy(),
    session.recordingId
      ? readRecordingLock(session.recordingId).catch((error: unknown) => ({ error: error instanceof Error ? error.message : String(error) }))
      : null,
  ]);
  return {
    tombstone,
    holds,
    activeHold: holds.find((h) => h.releasedAt === null) ?? null,
    pendingDeletion: pending
      ? {
          id: pending.id,
          reason: pending.reason,
          requestedBy: pending.requestedBy,
          requestedByEmail: pending.requestedByEmail,
          requestedAt: pending.requestedAt,
        }
      : null,
    period: retentionLabel(retentionDaysFor(policy, session)),
    expiresAt: retentionExpiresAt(policy, session),
    storeLock,
  };
}
