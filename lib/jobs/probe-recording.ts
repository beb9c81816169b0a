import { z } from "zod";
import { defineJob } from "./define-job";

/** Reads an assembled recording with ffprobe and stores its facts; then the follow-up work of a ready recording is queued. */
export const probeRecordingJob = defineJob({
  name: "probe-recording",
  schema: z.object({ recordingId: z.number().int().positive() }),
  queue: { retryLimit: 3, expireInSeconds: 30 * 60 },
  concurrency: 2,
  singletonKey: ({ recordingId }) => `probe-recording:${recordingId}`,
});
