import { z } from "zod";
import { defineJob } from "./define-job";

/**
 * Every hour (a pg-boss schedule: one worker takes each run, whichever
 * node): deletes the recordings the retention policy says have expired, in
 * batches, leaving their tombstones; finishes the purge of objects a crash
 * left behind.
 */
export const expireRecordingsJob = defineJob({
  name: "expire-recordings",
  schema: z.object({}).loose(),
  queue: { retryLimit: 2, retryDelay: 60, expireInSeconds: 60 * 60 },
  schedule: { cron: "17 * * * *", tz: "UTC" },
  singletonKey: () => "expire-recordings",
});
