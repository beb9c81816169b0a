import { ensureQueue, getBoss, stopBoss } from "@/lib/jobs/queue";
import { HANDLERS } from "./handlers";

/**
 * Takes work from every queue. Several of these, in several processes on
 * several machines, share the work through the same database; each installs
 * the schedules once when it starts (pg-boss keeps one schedule per name, and
 * one worker at a time runs a scheduled job).
 */
export async function startWorker(): Promise<{ stop: () => Promise<void> }> {
  const boss = await getBoss({ supervise: true });
  for (const { job, handle } of HANDLERS) {
    await ensureQueue(boss, job);
    const concurrency = job.concurrency ?? 1;
    for (let i = 0; i < concurrency; i++) {
      // pg-boss waits out the polling interval after every fetch, even one that found a job, so a queue
      // ran at most one job a second per loop; telling the loop it was notified lets it fetch the next
      // job at once while there is work, and poll once a second when there is none.
      let workerId = "";
      workerId = await boss.work(job.name, { batchSize: 1, pollingIntervalSeconds: 1 }, async ([raw]) => {
        if (!raw) return;
        boss.notifyWorker(workerId);
        const parsed = job.schema.safeParse(raw.data);
        if (!parsed.success) {
          // An invalid payload will never become valid: stop it instead of retrying.
          console.error(`[jobs] ${job.name} ${raw.id}: invalid payload, cancelled`, parsed.error.issues);
          await boss.cancel(job.name, raw.id);
          return;
        }
        await handle(parsed.data as never, raw);
      });
    }
    if (job.schedule) await boss.schedule(job.name, job.schedule.cron, {}, { tz: job.schedule.tz ?? "UTC" });
  }
  for (const { job, onWorkerStart } of HANDLERS) {
    await onWorkerStart?.().catch((error) => console.error(`[jobs] ${job.name}: start`, error));
  }
  console.log(`[jobs] worker started: ${HANDLERS.map((h) => h.job.name).join(", ") || "(no queues)"}`);
  return { stop: stopBoss };
}
