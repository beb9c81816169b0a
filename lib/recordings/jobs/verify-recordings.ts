import { handleJob } from "@/lib/jobs/define-job";
import { verifyRecordingsJob } from "@/lib/jobs/verify-recordings";
import { listRecordingIds } from "../queries";
import { verifyRecording } from "../verify";

/**
 * One recording after the other, so the disk and memory stay calm. Safe to
 * run twice: it only re-reads and overwrites the integrity state.
 */
export const verifyRecordingsHandler = handleJob(verifyRecordingsJob, async ({ recordingId }) => {
  const ids = recordingId ? [recordingId] : await listRecordingIds();
  let mismatches = 0;
  for (const id of ids) {
    const result = await verifyRecording({ recordingId: id });
    if (result.status === "mismatch") mismatches++;
  }
  console.log(`[verify-recordings] ${ids.length} recording(s) verified, ${mismatches} mismatch(es)`);
});
