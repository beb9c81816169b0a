import { z } from "zod";
import { defineJob } from "./define-job";

/** Verifies the integrity of one recording, or of every recording when `recordingId` is absent. */
export const verifyRecordingsJob = defineJob({
  name: "verify-recordings",
  schema: z.object({ recordingId: z.number().int().positive().optional() }),
  queue: { retryLimit: 1, expireInSeconds: 6 * 60 * 60 },
  singletonKey: ({ recordingId }) => `verify-recordings:${recordingId ?? "all"}`,
});
