import { z } from "zod";
import { sendEmail } from "@/lib/email";
import { exportReadyEmail } from "@/lib/email/export-ready";
import { getExportForEmail, setExportEmailStatus } from "@/lib/exports/queries";
import { defineJob } from "./define-job";

/**
 * The "your video is ready" email. Retried with backoff; a failure shows on
 * the export (email_status / email_error) and never touches the conversion.
 */
export const sendExportEmail = defineJob({
  name: "send-export-email",
  schema: z.object({ exportId: z.uuid() }),
  queue: { retryLimit: 6, retryDelay: 10, retryBackoff: true, expireInSeconds: 5 * 60 },
  concurrency: 2,
  async handle({ exportId }) {
    const row = await getExportForEmail({ id: exportId });
    if (!row || row.export.status !== "done") return;
    if (row.export.emailStatus === "sent" || row.export.emailStatus === "outbox") return;
    try {
      const result = await sendEmail(exportReadyEmail({ to: row.to, session: row.session, videoExport: row.export }));
      await setExportEmailStatus({ id: exportId, emailStatus: result.transport === "resend" ? "sent" : "outbox", emailError: null });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      console.error(`[email] export ${exportId}: sending failed, will retry: ${message}`);
      await setExportEmailStatus({ id: exportId, emailStatus: "failed", emailError: message.slice(0, 500) });
      throw error;
    }
  },
});
