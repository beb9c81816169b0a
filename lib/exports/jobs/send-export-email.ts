import { sendEmail } from "@/lib/email";
import { appUrl, exportReadyEmail } from "@/lib/email/export-ready";
import { handleJob } from "@/lib/jobs/define-job";
import { sendExportEmailJob } from "@/lib/jobs/send-export-email";
import { getExportForEmail, getRecipientForEmail, setExportEmailStatus, setRecipientEmailStatus } from "../queries";

/**
 * The "your video is ready" email, to the requester (userId absent) or to one
 * of the others who asked for the same video while it was converting.
 * Retried with backoff; a failure shows on the export (email_status /
 * email_error, or the recipient's row) and never touches the conversion.
 */
export const sendExportEmailHandler = handleJob(sendExportEmailJob, async ({ exportId, userId }) => {
  const row = userId ? await getRecipientForEmail({ exportId, userId }) : await getExportForEmail({ id: exportId });
  if (!row || row.export.status !== "done") return;
  if (row.emailStatus === "sent" || row.emailStatus === "outbox") return;
  const setStatus = (emailStatus: "sent" | "outbox" | "failed", emailError: string | null) =>
    userId ? setRecipientEmailStatus({ exportId, userId, emailStatus, emailError }) : setExportEmailStatus({ id: exportId, emailStatus, emailError });
  try {
    // An assessor's video is announced to the assessor, with a link to their download page.
    const shared = "shareRecipient" in row && row.shareRecipient ? row.shareRecipient : null;
    const result = await sendEmail(
      exportReadyEmail({
        to: shared ?? row.to,
        recipientId: userId ?? row.export.requestedBy,
        session: row.session,
        videoExport: row.export,
        link: shared ? `${appUrl()}/assessor/download` : undefined,
      }),
    );
    await setStatus(result.transport === "resend" ? "sent" : "outbox", null);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`[email] export ${exportId}${userId ? ` (to user ${userId})` : ""}: sending failed, will retry: ${message}`);
    await setStatus("failed", message.slice(0, 500));
    throw error;
  }
});
