import { cleanupExportsJob } from "@/lib/jobs/cleanup-exports";
import { convertVideoJob } from "@/lib/jobs/convert-video";
import { handleJob } from "@/lib/jobs/define-job";
import { hasWaitingJob } from "@/lib/jobs/queue";
import { getStorage } from "@/lib/storage";
import { isExportLocked } from "../convert";
import { listExpiredExports, listUnfinishedExports, markExportExpired } from "../queries";

/** Queued this long without a worker taking it means its job was lost. */
const QUEUED_GRACE_MS = 2 * 60_000;

/** Deletes videos past their retention, and re-sends conversions whose worker died (running, but nobody holds the export's advisory lock). */
export const cleanupExportsHandler = handleJob(cleanupExportsJob, async () => {
  const storage = getStorage();
  for (const row of await listExpiredExports({ now: new Date() })) {
    if (row.storageKey) await storage.delete(row.storageKey);
    await markExportExpired({ id: row.id });
    console.log(`[exports] ${row.id}: expired, file deleted`);
  }
  for (const row of await listUnfinishedExports({ queuedBefore: new Date(Date.now() - QUEUED_GRACE_MS) })) {
    if (await isExportLocked(row.id)) continue;
    // A queued export whose job is still waiting (e.g. retrying until the recording is ready) needs no second job.
    if (row.status === "queued" && (await hasWaitingJob(convertVideoJob.name, "exportId", row.id))) continue;
    console.log(`[exports] ${row.id}: ${row.status} with no worker on it, sending it again`);
    await convertVideoJob.send({ exportId: row.id });
  }
});
