import PgBoss from "pg-boss";
import { databaseUrl, getPool } from "@/lib/db/client";

type Cache = { boss?: Promise<PgBoss>; queues: Set<string> };
const cache: Cache = ((globalThis as { __sessionVideoBoss?: Cache }).__sessionVideoBoss ??= { queues: new Set() });

/**
 * The pg-boss client of this process, started once. Web processes only send
 * jobs; workers (lib/worker/) also run maintenance and schedules and take work.
 */
export function getBoss({ supervise = false }: { supervise?: boolean } = {}): Promise<PgBoss> {
  cache.boss ??= (async () => {
    const boss = new PgBoss({ connectionString: databaseUrl(), max: 4, supervise, schedule: supervise });
    boss.on("error", (error) => console.error("[jobs] pg-boss error", error));
    await boss.start();
    return boss;
  })();
  return cache.boss;
}

export async function stopBoss() {
  const pending = cache.boss;
  cache.boss = undefined;
  cache.queues.clear();
  if (pending) await (await pending).stop({ graceful: true, timeout: 10_000 });
}

/** Creates the job's queue with its retry policy, once per process. */
export async function ensureQueue(boss: PgBoss, job: { name: string; queue?: Omit<PgBoss.Queue, "name"> }) {
  if (cache.queues.has(job.name)) return;
  await boss.createQueue(job.name, {
    name: job.name,
    retryLimit: 5,
    retryDelay: 5,
    retryBackoff: true,
    expireInSeconds: 60 * 60,
    ...job.queue,
  });
  cache.queues.add(job.name);
}

/** Whether a job of this queue whose payload has `field` = `value` is waiting to run (created, or waiting to retry). */
export async function hasWaitingJob(queue: string, field: string, value: string): Promise<boolean> {
  const { rows } = await getPool().query(
    "select 1 from pgboss.job where name = $1 and data->>$2 = $3 and state in ('created', 'retry') limit 1",
    [queue, field, value],
  );
  return rows.length > 0;
}
