import { z } from "zod";
import { getPool } from "@/lib/db/client";
import { isExportLocked } from "@/lib/exports/convert";
import { listExpiredExports, listUnfinishedExports, markExportExpired } from "@/lib/exports/queries";
import { getStorage } from "@/lib/storage";
import { getBoss } from "./boss";
import { defineJob, ensureQueue } from "./define-job";

/** Queued this long without a worker taking it means its job was lost. */
const QUEUED_GRACE_MS = 2 * 60_000;

/**
 * Every minute (a pg-boss schedule, so one worker runs it however many there
 * are): deletes videos past their retention, and re-sends conversions whose
 * worker died (running, but nobody holds the export's advisory lock).
 */
export const cleanupExports = defineJob({
  name: "cleanup-exports",
  schema: z.object({}).loose(),
  queue: { retryLimit: 1, expireInSeconds: 10 * 60 },
  async handle() {
    const storage = getStorage();
    for (const row of await listExpiredExports({ now: new Date() })) {
      if (row.storageKey) await storage.delete(row.storageKey);
      await markExportExpired({ id: row.id });
      console.log(`[exports] ${row.id}: expired, file deleted`);
    }
    // Imported here: convert-video imports this file for the schedule.
    const { convertVideo } = await import("./convert-video");
    for (const row of await listUnfinishedExports({ queuedBefore: new Date(Date.now() - QUEUED_GRACE_MS) })) {
      if (await isExportLocked(row.id)) continue;
      // A queued export whose job is still waiting (e.g. retrying until the recording is ready) needs no second job.
      if (row.status === "queued" && (await hasWaitingJob(convertVideo.name, row.id))) continue;
      console.log(`[exports] ${row.id}: ${row.status} with no worker on it, sending it again`);
      await convertVideo.send({ exportId: row.id });
    }
  },
});

async function hasWaitingJob(queue: string, exportId: string): Promise<boolean> {
  const { rows } = await getPool().query(
    "select 1 from pgboss.job where name = $1 and data->>'exportId' = $2 and state in ('created', 'retry') limit 1",
    [queue, exportId],
  );
  return rows.length > 0;
}

/** Installs the every-minute schedule (stored in the database; idempotent). */
export async function ensureExportSchedule() {
  const boss = await getBoss();
  await ensureQueue(boss, cleanupExports);
  await boss.schedule(cleanupExports.name, "* * * * *", {}, { tz: "UTC" });
}
