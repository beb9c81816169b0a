import { z } from "zod";
import { defineJob } from "./define-job";

/**
 * Matches a session's commands against the audited-command rules and stores
 * its findings and risk score. Sent when a session's recording is ready (or
 * it finished without media); sending it twice while one waits is one job.
 */
export const analyzeSessionJob = defineJob({
  name: "analyze-session",
  schema: z.object({ sessionId: z.number().int().positive() }),
  queue: { retryLimit: 3, retryDelay: 10, retryBackoff: true, expireInSeconds: 15 * 60 },
  concurrency: 1,
  singletonKey: ({ sessionId }) => `analyze-session:${sessionId}`,
});
