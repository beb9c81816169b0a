import { z } from "zod";
import { defineJob } from "./define-job";

/**
 * Converts a recording into a video for download. The export's advisory lock
 * keeps one conversion per export across workers; the cleanup sweep sends it
 * again when its worker was killed.
 */
export const convertVideoJob = defineJob({
  name: "convert-video",
  schema: z.object({ exportId: z.uuid() }),
  // Long expiry: a two-hour transcode may take a while; crashes are found by the sweep, not by expiry.
  queue: { retryLimit: 5, retryDelay: 10, retryBackoff: true, expireInSeconds: 6 * 60 * 60 },
  concurrency: 1,
});
