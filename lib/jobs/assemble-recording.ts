import { z } from "zod";
import { assembleRecording } from "@/lib/ingest/assemble";
import { listUnassembledRecordingIds } from "@/lib/ingest/queries";
import { defineJob } from "./define-job";

/**
 * Completes the assembly of a finished recording when the process that ran
 * finish died in the middle of it, so the session does not stay "processing"
 * until the proxy calls finish again. Finish queues it with a delay as a
 * safety net; a starting worker queues it for every recording left
 * unassembled. Safe to run twice: the assembly lock and the recording's state
 * make a finished assembly a no-op (see lib/ingest/assemble.ts).
 */
export const assembleRecordingJob = defineJob({
  name: "assemble-recording",
  schema: z.object({ recordingId: z.number().int().positive() }),
  queue: { retryLimit: 3, expireInSeconds: 60 * 60 },
  handle: async ({ recordingId }) => {
    await assembleRecording(recordingId);
  },
  onWorkerStart: async () => {
    for (const recordingId of await listUnassembledRecordingIds()) {
      console.log(`[ingest] recording ${recordingId}: assembly left unfinished, queued again`);
      await assembleRecordingJob.send({ recordingId }, { singletonKey: `assemble-recording:${recordingId}` });
    }
  },
});
