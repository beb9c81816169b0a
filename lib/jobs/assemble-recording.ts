import { z } from "zod";
import { defineJob } from "./define-job";

/**
 * Completes the assembly of a finished recording whose finish was cut short
 * (the process died): queued by finish with a delay as a safety net, and by a
 * starting worker for every recording left unassembled.
 */
export const assembleRecordingJob = defineJob({
  name: "assemble-recording",
  schema: z.object({ recordingId: z.number().int().positive() }),
  queue: { retryLimit: 3, expireInSeconds: 60 * 60 },
  singletonKey: ({ recordingId }) => `assemble-recording:${recordingId}`,
});
