import { z } from "zod";
import { defineJob } from "./define-job";

/**
 * Every minute (a pg-boss schedule: one worker runs it however many there
 * are): deletes videos past their retention, and sends again the conversions
 * whose worker died.
 */
export const cleanupExportsJob = defineJob({
  name: "cleanup-exports",
  schema: z.object({}).loose(),
  queue: { retryLimit: 1, expireInSeconds: 10 * 60 },
  schedule: { cron: "* * * * *", tz: "UTC" },
});
