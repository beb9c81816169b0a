import { z } from "zod";
import { RecordingNotReadyError, runExportConversion } from "@/lib/exports/convert";
import { getExportById } from "@/lib/exports/queries";
import { ensureExportSchedule } from "./cleanup-exports";
import { defineJob } from "./define-job";
import { sendExportEmails } from "./send-export-email";

/**
 * Converts a recording into the video for download. Several workers share the
 * queue; the export's advisory lock keeps one conversion per export, and the
 * cleanup sweep re-sends a conversion whose worker was killed.
 */
export const convertVideo = defineJob({
  name: "convert-video",
  schema: z.object({ exportId: z.uuid() }),
  // Long expiry: a two-hour transcode may take a while; crashes are found by the sweep, not by expiry.
  queue: { retryLimit: 5, retryDelay: 10, retryBackoff: true, expireInSeconds: 6 * 60 * 60 },
  concurrency: 1,
  async handle({ exportId }) {
    await ensureExportSchedule().catch((error) => console.error("[exports] schedule", error));
    try {
      await runExportConversion({ exportId });
    } catch (error) {
      if (error instanceof RecordingNotReadyError) console.log(`[exports] ${exportId}: ${error.message}; trying again later`);
      throw error;
    }
    // Also after a restart that found the export already done: the email may not have gone yet.
    const row = await getExportById({ id: exportId });
    if (row?.status === "done") await sendExportEmails(row);
  },
});
