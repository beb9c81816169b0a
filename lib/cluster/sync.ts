import "server-only";
import { tryAdvisoryLock, LOCK_CLASSES } from "@/lib/db/locks";
import { assembleRecordingJob } from "@/lib/jobs/assemble-recording";
import { describeStoreError, type Storage, storageKeys } from "@/lib/storage";
import { countHeldChunks, isWaitingForAssembly, listHeldChunksDue, markChunkSynced, markChunkSyncFailed } from "./queries";

/** The wait before the next copy of a chunk after `attempts` failures: 2 s, 4 s, 8 s… up to 5 minutes, then every 5 minutes, never giving up. */
export function syncBackoffSeconds(attempts: number): number {
  return Math.min(300, 2 ** Math.min(attempts + 1, 12));
}

/**
 * Copies the chunks this node holds on its own disk to the shared store,
 * oldest first: each is checked against its SHA-256 by the store's answer,
 * then its row stops saying "held", then this node's copy goes. A failure is
 * recorded on the chunk with its reason and tried again after a backoff,
 * forever (Settings > Cluster and the player show the reason). A recording
 * whose finish was waiting for these chunks gets its assembly queued.
 *
 * One process per node at a time (an advisory lock on the node's name): the
 * web process receives chunks, any process of the node may run this.
 */
export async function syncHeldChunks({
  node,
  storage,
  limit = 200,
}: {
  node: string;
  storage: Storage;
  limit?: number;
}): Promise<{ copied: number; failed: number } | null> {
  const held = storage.held;
  if (!held) return { copied: 0, failed: 0 };
  const due = await listHeldChunksDue({ node, limit });
  if (due.length === 0) return { copied: 0, failed: 0 };
  const lock = await tryAdvisoryLock({ class: LOCK_CLASSES.sync, id: node });
  if (!lock) return null;
  let copied = 0;
  let failed = 0;
  const touched = new Set<number>();
  try {
    for (const chunk of due) {
      const key = storageKeys.chunk(chunk.recordingId, chunk.seq);
      try {
        await held.push(key, { size: chunk.sizeBytes, sha256: chunk.sha256 });
        await markChunkSynced({ recordingId: chunk.recordingId, seq: chunk.seq, node });
        touched.add(chunk.recordingId);
        copied++;
      } catch (error) {
        failed++;
        const reason = describeStoreError(error);
        await markChunkSyncFailed({
          recordingId: chunk.recordingId,
          seq: chunk.seq,
          node,
          error: reason,
          retryInSeconds: syncBackoffSeconds(chunk.syncAttempts),
        });
        if (chunk.syncAttempts === 0 || chunk.syncAttempts % 10 === 0) {
          console.warn(`[cluster] ${node}: chunk ${chunk.seq} of recording ${chunk.recordingId} not copied yet (attempt ${chunk.syncAttempts + 1}): ${reason}`);
        }
        // The store is down: the others would fail the same way now.
        if ((error as { detail?: { kind?: string } }).detail?.kind === "unreachable") {
          for (const rest of due.slice(due.indexOf(chunk) + 1)) {
            await markChunkSyncFailed({
              recordingId: rest.recordingId,
              seq: rest.seq,
              node,
              error: reason,
              retryInSeconds: syncBackoffSeconds(rest.syncAttempts),
            });
            failed++;
          }
          break;
        }
      }
    }
  } finally {
    await lock.release().catch(() => undefined);
  }
  for (const recordingId of touched) {
    if ((await countHeldChunks({ recordingId })) === 0 && (await isWaitingForAssembly({ recordingId }))) {
      await assembleRecordingJob.send({ recordingId });
    }
  }
  if (copied) console.log(`[cluster] ${node}: ${copied} held chunk(s) copied to the shared store`);
  return { copied, failed };
}
