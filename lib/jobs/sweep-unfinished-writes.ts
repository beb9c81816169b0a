import { z } from "zod";
import { defineJob } from "./define-job";

/**
 * Every hour (and when a worker starts): removes the partial files that
 * writes cut short by a crash left in storage (a chunk upload, an assembly,
 * a conversion's import), once they have not been touched for an hour.
 */
export const sweepUnfinishedWritesJob = defineJob({
  name: "sweep-unfinished-writes",
  schema: z.object({}).loose(),
  queue: { retryLimit: 1, expireInSeconds: 30 * 60 },
  schedule: { cron: "17 * * * *", tz: "UTC" },
});
