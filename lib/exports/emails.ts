import "server-only";
import type { VideoExport } from "@/lib/db/schema";
import { sendExportEmailJob } from "@/lib/jobs/send-export-email";
import { listUnnotifiedRecipients } from "./queries";

/** Queues the email of every recipient of a finished export, the requester's included, who has not had it. */
export async function sendExportEmails(done: Pick<VideoExport, "id" | "emailStatus">) {
  const exportId = done.id;
  if (done.emailStatus === "pending" || done.emailStatus === null) {
    await sendExportEmailJob.send({ exportId });
  }
  for (const userId of await listUnnotifiedRecipients({ exportId })) {
    await sendExportEmailJob.send({ exportId, userId });
  }
}
