import { convertVideoJob } from "@/lib/jobs/convert-video";
import { handleJob } from "@/lib/jobs/define-job";
import { resumeExportsJob } from "@/lib/jobs/resume-exports";
import { listQueuedExportIds } from "../queries";

/** Sending a conversion twice is harmless: the export's lock and status make the second one skip. */
export const resumeExportsHandler = handleJob(resumeExportsJob, async ({ sessionId }) => {
  for (const exportId of await listQueuedExportIds({ sessionId })) await convertVideoJob.send({ exportId });
});
