import { z } from "zod";
import type { VideoExport } from "@/lib/db/schema";
import { sendEmail } from "@/lib/email";
import { exportReadyEmail } from "@/lib/email/export-ready";
import {
  getExportForEmail,
  getRecipientForEmail,
  listUnnotifiedRecipients,
  setExportEmailStatus,
  setRecipientEmailStatus,
} from "@/lib/exports/queries";
import { defineJob } from "./define-job";

/**
 * The "your video is ready" email, to the requester (userId absent) or to one
 * of the others who asked for the same video while it was converting.
 * Retried with backoff; a failure shows on the export (email_status /
 * email_error, or the recipient's row) and never touches the conversion.
 */
export const sendExportEmail = defineJob({
  name: "send-export-email",
  schema: z.object({ exportId: z.uuid(), userId: z.uuid().optional() }),
  queue: { retryLimit: 6, retryDelay: 10, retryBackoff: true, expireInSeconds: 5 * 60 },
  concurrency: 2,
  async handle({ exportId, userId }) {
    const row = userId ? await getRecipientForEmail({ exportId, userId }) : await getExportForEmail({ id: exportId });
    if (!row || row.export.status !== "done") return;
    if (row.emailStatus === "sent" || row.emailStatus === "outbox") return;
    const setStatus = (emailStatus: "sent" | "outbox" | "failed", emailError: string | null) =>
      userId ? setRecipientEmailStatus({ exportId, userId, emailStatus, emailError }) : setExportEmailStatus({ id: exportId, emailStatus, emailError });
    try {
      const result = await sendEmail(exportReadyEmail({ to: row.to, session: row.session, videoExport: row.export }));
      await setStatus(result.transport === "resend" ? "sent" : "outbox", null);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      console.error(`[email] export ${exportId}${userId ? ` (to user ${userId})` : ""}: sending failed, will retry: ${message}`);
      await setStatus("failed", message.slice(0, 500));
      throw error;
    }
  },
});

/** Queues the email of every recipient of a finished export, the requester's included, who has not had it. */
export async function sendExportEmails(done: Pick<VideoExport, "id" | "emailStatus">) {
  const exportId = done.id;
  if (done.emailStatus === "pending" || done.emailStatus === null) {
    await sendExportEmail.send({ exportId }, { singletonKey: `export-email-${exportId}` });
  }
  for (const userId of await listUnnotifiedRecipients({ exportId })) {
    await sendExportEmail.send({ exportId, userId }, { singletonKey: `export-email-${exportId}-${userId}` });
  }
}
