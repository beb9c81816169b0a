import "server-only";
import { retentionDaysFor } from "@/lib/domain/retention";
import { getStorage, storageKeys, type ObjectLockRequest, type ObjectLockState, type Storage } from "@/lib/storage";
import { getLockFactsOfRecording, getRetentionPolicy, listHeldSessionIds, listRecordingIdsOfSessions } from "./queries";

/**
 * Write-once storage (S3_OBJECT_LOCK): what the store is asked to lock, from
 * the retention policy and the legal holds, and what it says it keeps.
 *
 * A recording's chunks and media are written with the policy's mode and a
 * retain-until of the write's time plus the session's period, so the store
 * never lets one go before the period has run from its write. The policy
 * counts from the session's end: an object written after it (the assembled
 * media, a chunk copied late from a node's disk) stays locked past the day
 * the policy deletes the recording by as much, and the expiry job's deletion
 * is refused and tried again until then. "Forever" asks for no
 * retain-until (a bucket's default retention applies, if it has one). A
 * session on hold writes its objects with their legal hold on; placing and
 * releasing a hold turns it on and off on every object already stored.
 */

const RECORDING_KEY = /^recordings\/([0-9]+)\//;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The lock of a write of `key`, now. */
export async function lockOfKey(key: string, now = new Date()): Promise<ObjectLockRequest | null> {
  const id = RECORDING_KEY.exec(key)?.[1];
  if (!id) return null;
  const [facts, { policy }] = await Promise.all([getLockFactsOfRecording({ recordingId: Number(id) }), getRetentionPolicy()]);
  if (!facts) return null;
  const days = retentionDaysFor(policy, facts);
  return { retainUntil: days === null ? null : new Date(now.getTime() + days * DAY_MS), legalHold: facts.held };
}

/** Tells this process's store how to lock each write of a recording (nothing where the store has no Object Lock). */
export function installObjectLock(storage: Storage = getStorage()) {
  storage.lock?.setResolver((key) => lockOfKey(key));
}

/** The store's lock on a recording: of its media, or of its first chunk before the media is assembled; null without a lock or an object. */
export async function readRecordingLock(recordingId: number, storage: Storage = getStorage()): Promise<(ObjectLockState & { key: string }) | null> {
  const lock = storage.lock;
  if (!lock) return null;
  for (const key of [storageKeys.media(recordingId), storageKeys.chunk(recordingId, 0)]) {
    const state = await lock.state(key);
    if (state) return { ...state, key };
  }
  return null;
}

/**
 * Puts the store's legal hold on (or, where no hold is in force any more,
 * off) every locked object of these sessions' recordings. Returns how many
 * objects changed and the failures (logged; new writes still carry the hold).
 */
export async function syncLegalHolds({
  sessionIds,
  storage = getStorage(),
}: {
  sessionIds: number[];
  storage?: Storage;
}): Promise<{ objects: number; failed: number; error: string | null }> {
  const lock = storage.lock;
  const result = { objects: 0, failed: 0, error: null as string | null };
  if (!lock || sessionIds.length === 0) return result;
  const held = await listHeldSessionIds({ sessionIds });
  const recordings = await listRecordingIdsOfSessions({ sessionIds });
  let next = 0;
  // A few at once: a hold on a search may cover thousands of recordings.
  const worker = async () => {
    while (next < recordings.length) {
      const r = recordings[next++]!;
      for await (const object of storage.list(storageKeys.recordingPrefix(r.recordingId))) {
        if (!lock.locks(object.key)) continue;
        try {
          await lock.setLegalHold(object.key, held.has(r.sessionId));
          result.objects++;
        } catch (error) {
          result.failed++;
          result.error ??= error instanceof Error ? error.message : String(error);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  if (result.failed) console.warn(`[retention] the store's legal hold of ${result.failed} object(s) could not be changed: ${result.error}`);
  return result;
}
