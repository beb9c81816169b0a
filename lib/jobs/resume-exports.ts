import { z } from "zod";
import { defineJob } from "./define-job";

/**
 * A session's recording became ready (or failed): the conversions asked for
 * while it was still processing start now instead of at their next retry.
 */
export const resumeExportsJob = defineJob({
  name: "resume-exports",
  schema: z.object({ sessionId: z.number().int().positive() }),
  queue: { retryLimit: 3, retryDelay: 5, retryBackoff: true, expireInSeconds: 5 * 60 },
  singletonKey: ({ sessionId }) => `resume-exports:${sessionId}`,
});
