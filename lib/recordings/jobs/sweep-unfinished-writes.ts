import { handleJob } from "@/lib/jobs/define-job";
import { sweepUnfinishedWritesJob } from "@/lib/jobs/sweep-unfinished-writes";
import { getStorage } from "@/lib/storage";

/** Untouched this long, a partial file belongs to a write that will never finish (a stalled upload times out long before). */
export const STALE_UNFINISHED_MS = 60 * 60_000;

async function sweep() {
  const removed = await getStorage().discardStaleUnfinished(STALE_UNFINISHED_MS);
  if (removed) console.log(`[storage] removed ${removed} partial file(s) left by writes a crash cut short`);
}

/** Safe to run twice, and beside live writes: it only removes files no write has touched for an hour. */
export const sweepUnfinishedWritesHandler = handleJob(sweepUnfinishedWritesJob, sweep, { onWorkerStart: sweep });
