import { z } from "zod";
import { listRecordingIds } from "@/lib/ingest/queries";
import { verifyRecording } from "@/lib/ingest/verify";
import { defineJob } from "./define-job";

/**
 * Verifies the integrity of every recording (or one), one after the other so
 * the disk and memory stay calm. Safe to run twice: it only re-reads and
 * overwrites the integrity state.
 */
export const verifyRecordings = defineJob({
  name: "verify-recordings",
  schema: z.object({ recordingId: z.number().int().positive().optional() }),
  queue: { retryLimit: 1, expireInSeconds: 6 * 60 * 60 },
  handle: async ({ recordingId }) => {
    const ids = recordingId ? [recordingId] : await listRecordingIds();
    let mismatches = 0;
    for (const id of ids) {
      const result = await verifyRecording({ recordingId: id });
      if (result.status === "mismatch") mismatches++;
    }
    console.log(`[verify-recordings] ${ids.length} recording(s) verified, ${mismatches} mismatch(es)`);
  },
});
