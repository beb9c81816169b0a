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

/**
 * Creates the job's queue with its retry policy, once per process. Two
 * processes creating the same new queue at once (a web process sending its
 * first job while a worker starts) can deadlock inside pg-boss's
 * create_queue; PostgreSQL then aborts one of them, which tries again and
 * finds the queue made by the other.
 */
export async function ensureQueue(boss: PgBoss, job: { name: string; queue?: Omit<PgBoss.Queue, "name"> }) {
  if (cache.queues.has(job.name)) return;
  for (let attempt = 1; ; attempt++) {
    try {
      await boss.createQueue(job.name, {
        name: job.name,
        retryLimit: 5,
        retryDelay: 5,
        retryBackoff: true,
        expireInSeconds: 60 * 60,
        ...job.queue,
      });
      break;
    } catch (error) {
      const code = (error as { code?: string }).code;
      // 40P01 deadlock, 23505 the other process inserted the queue first.
      if ((code !== "40P01" && code !== "23505") || attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
  cache.queues.add(job.name);
}

/** Whether a job of this queue whose payload has `field` = `value` is waiting to run (created, or waiting to retry). */
export async function hasWaitingJob(queue: string, field: string, value: string): Promise<boolean> {
  const { rows } = await getPool().query("select 1 from pgboss.job where name = $1 and data->>$2 = $3 and state in ('created', 'retry') limit 1", [
    queue,
    field,
    value,
  ]);
  return rows.length > 0;
}
