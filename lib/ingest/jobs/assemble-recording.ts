import { assembleRecordingJob } from "@/lib/jobs/assemble-recording";
import { handleJob } from "@/lib/jobs/define-job";
import { assembleRecording } from "../assemble";
import { listUnassembledRecordingIds } from "../queries";

/**
 * Safe to run twice: the assembly lock and the recording's state make a
 * finished assembly a no-op (see lib/ingest/assemble.ts).
 */
export const assembleRecordingHandler = handleJob(
  assembleRecordingJob,
  async ({ recordingId }) => {
    await assembleRecording(recordingId);
  },
  {
    onWorkerStart: async () => {
      for (const recordingId of await listUnassembledRecordingIds()) {
        console.log(`[ingest] recording ${recordingId}: assembly left unfinished, queued again`);
        await assembleRecordingJob.send({ recordingId });
      }
    },
  },
);
