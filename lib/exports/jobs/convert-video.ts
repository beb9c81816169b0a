import { convertVideoJob } from "@/lib/jobs/convert-video";
import { handleJob } from "@/lib/jobs/define-job";
import { runExportConversion } from "../convert";
import { sendExportEmails } from "../emails";
import { getExportById } from "../queries";

/** Several workers share the queue; the export's advisory lock keeps one conversion per export. */
export const convertVideoHandler = handleJob(convertVideoJob, async ({ exportId }) => {
  // Failing the job makes pg-boss try again later, with backoff; resume-exports starts it sooner.
  if ((await runExportConversion({ exportId })) === "not-ready") throw new Error(`export ${exportId}: the recording is not ready yet`);
  // Also after a restart that found the export already done: the email may not have gone yet.
  const row = await getExportById({ id: exportId });
  if (row?.status === "done") await sendExportEmails(row);
});
