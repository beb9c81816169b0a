import { handleJob } from "@/lib/jobs/define-job";
import { reanalyzeAllJob } from "@/lib/jobs/reanalyze-all";
import { analyzeSession } from "../analyze";
import { listSessionIdsToAnalyze } from "../queries/findings";
import { getRulesVersion } from "../queries/rules";

/** Sessions analyzed per job; the walk continues in a new job, so a restart loses at most one batch. */
export const REANALYZE_BATCH = 200;

/**
 * Walks every session that has events in id order, one batch per job. A walk
 * started for an older rules version stops when a newer one exists (the newer
 * walk covers every session). Each finding records the rules version that
 * produced it.
 */
export const reanalyzeAllHandler = handleJob(reanalyzeAllJob, async ({ rulesVersion, afterId }) => {
  const current = await getRulesVersion();
  if (current > rulesVersion) {
    console.log(`[analysis] re-analysis for rules v${rulesVersion} stopped: v${current} is newer`);
    return;
  }
  const ids = await listSessionIdsToAnalyze({ afterId, limit: REANALYZE_BATCH });
  for (const sessionId of ids) await analyzeSession({ sessionId });
  const last = ids[ids.length - 1];
  if (ids.length === REANALYZE_BATCH && last !== undefined) {
    await reanalyzeAllJob.send({ rulesVersion, afterId: last });
  } else {
    console.log(`[analysis] re-analysis for rules v${rulesVersion} done`);
  }
});
