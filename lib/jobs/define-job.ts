import type PgBoss from "pg-boss";
import type { z } from "zod";
import { getBoss } from "./boss";

export type JobDefinition<S extends z.ZodType> = {
  /** Stable queue name; never rename once jobs may be waiting under it. */
  name: string;
  schema: S;
  queue?: Omit<PgBoss.Queue, "name">;
  /** How many of these one worker process runs at once. */
  concurrency?: number;
  /** Must be safe to run twice: a job is retried after a crash. */
  handle: (payload: z.infer<S>, job: PgBoss.Job<unknown>) => Promise<void>;
  /** Runs when a worker starts: queues again the work a crash left behind. */
  onWorkerStart?: () => Promise<void>;
};

export function defineJob<S extends z.ZodType>(def: JobDefinition<S>) {
  return {
    ...def,
    /** Enqueues the job; the payload is validated before it is stored. */
    async send(payload: z.infer<S>, options: PgBoss.SendOptions = {}): Promise<string | null> {
      const data = def.schema.parse(payload) as object;
      const boss = await getBoss();
      await ensureQueue(boss, def);
      return boss.send(def.name, data, options);
    },
  };
}

const created = new Set<string>();
export async function ensureQueue(boss: PgBoss, def: Pick<JobDefinition<z.ZodType>, "name" | "queue">) {
  if (created.has(def.name)) return;
  await boss.createQueue(def.name, {
    name: def.name,
    retryLimit: 5,
    retryDelay: 5,
    retryBackoff: true,
    expireInSeconds: 60 * 60,
    ...def.queue,
  });
  created.add(def.name);
}
