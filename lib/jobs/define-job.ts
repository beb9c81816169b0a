import type PgBoss from "pg-boss";
import type { z } from "zod";
import { ensureQueue, getBoss } from "./queue";

/**
 * A background job's contract: what any module needs to queue it. It names
 * no handler and imports no capability, so every capability can queue every
 * job; the handler lives with the capability it serves (see `handleJob`), and
 * lib/worker/ is the one place that imports them all.
 */
export type JobContract<S extends z.ZodType = z.ZodType> = {
  /** Stable queue name; never rename once jobs may be waiting under it. */
  readonly name: string;
  readonly schema: S;
  /** Retry policy and expiry of the queue (pg-boss queue options). */
  readonly queue?: Omit<PgBoss.Queue, "name">;
  /** How many of these one worker process runs at once. */
  readonly concurrency?: number;
  /** Runs on this schedule too (installed once, when a worker starts); the payload is `{}`. */
  readonly schedule?: { cron: string; tz?: string };
  /** Jobs with the same key wait as one (pg-boss singletonKey); a call may still pass its own. */
  readonly singletonKey?: (payload: z.infer<S>) => string;
};

export type Job<S extends z.ZodType = z.ZodType> = JobContract<S> & {
  /** Enqueues the job; the payload is validated before it is stored. */
  send(payload: z.infer<S>, options?: PgBoss.SendOptions): Promise<string | null>;
};

export function defineJob<S extends z.ZodType>(contract: JobContract<S>): Job<S> {
  return {
    ...contract,
    async send(payload, options = {}) {
      const data = contract.schema.parse(payload) as object;
      const boss = await getBoss();
      await ensureQueue(boss, contract);
      const singletonKey = contract.singletonKey?.(payload);
      return boss.send(contract.name, data, { ...(singletonKey ? { singletonKey } : {}), ...options });
    },
  };
}

/** The work behind a contract; must be safe to run twice (a job is retried after a crash). */
export type JobHandler<S extends z.ZodType = z.ZodType> = {
  readonly job: Job<S>;
  readonly handle: (payload: z.infer<S>, job: PgBoss.Job<unknown>) => Promise<void>;
  /** Runs when a worker starts: queues again the work a crash left behind. */
  readonly onWorkerStart?: () => Promise<void>;
};

export function handleJob<S extends z.ZodType>(
  job: Job<S>,
  handle: JobHandler<S>["handle"],
  options: { onWorkerStart?: () => Promise<void> } = {},
): JobHandler<S> {
  return { job, handle, ...options };
}
