import { handleJob } from "@/lib/jobs/define-job";
import { expireRecordingsJob } from "@/lib/jobs/expire-recordings";
import { expireRecordings } from "..";

/** Deletes expired recordings (see expireRecordings); safe to run twice and on several nodes at once. */
export const expireRecordingsHandler = handleJob(expireRecordingsJob, async () => {
  const run = await expireRecordings();
  if (run.deleted || run.purged) console.log(`[retention] ${run.deleted} recording(s) deleted by the policy, ${run.purged} purge(s) finished`);
});
