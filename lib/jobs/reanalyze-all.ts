import { z } from "zod";
import { defineJob } from "./define-job";

/**
 * After a rule change: re-analyzes every session that has events, one batch
 * per job, each job sending the next (`afterId`: the last session id done).
 */
export const reanalyzeAllJob = defineJob({
  name: "reanalyze-all",
  schema: z.object({ rulesVersion: z.number().int().positive(), afterId: z.number().int().nonnegative().default(0) }),
  queue: { retryLimit: 5, retryDelay: 10, retryBackoff: true, expireInSeconds: 30 * 60 },
  concurrency: 1,
  singletonKey: ({ rulesVersion, afterId }) => `reanalyze-${rulesVersion}-${afterId ?? 0}`,
});
