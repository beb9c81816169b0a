import { getBoss, stopBoss } from "./boss";
import { ensureQueue } from "./define-job";
import { JOBS } from "./registry";

/**
 * Takes work from every queue in JOBS. Several of these, in several processes
 * on several machines, share the work through the same database.
 */
export async function startWorker(): Promise<{ stop: () => Promise<void> }> {
  const boss = await getBoss({ supervise: true });
  for (const job of JOBS) {
    await ensureQueue(boss, job);
    const concurrency = job.concurrency ?? 1;
    for (let i = 0; i < concurrency; i++) {
      await boss.work(job.name, { batchSize: 1, pollingIntervalSeconds: 1 }, async ([raw]) => {
        if (!raw) return;
        const parsed = job.schema.safeParse(raw.data);
        if (!parsed.success) {
          // An invalid payload will never become valid: stop it instead of retrying.
          console.error(`[jobs] ${job.name} ${raw.id}: invalid payload, cancelled`, parsed.error.issues);
          await boss.cancel(job.name, raw.id);
          return;
        }
        await job.handle(parsed.data as never, raw);
      });
    }
  }
  for (const job of JOBS) await job.onWorkerStart?.().catch((error) => console.error(`[jobs] ${job.name}: start`, error));
  console.log(`[jobs] worker started: ${JOBS.map((j) => j.name).join(", ") || "(no queues)"}`);
  return { stop: stopBoss };
}
