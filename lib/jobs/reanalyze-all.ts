import { z } from "zod";
import { analyzeSession } from "@/lib/analysis/analyze";
import { getRulesVersion } from "@/lib/db/queries/audited-commands";
import { listSessionIdsToAnalyze } from "@/lib/db/queries/findings";
import { defineJob } from "./define-job";

/** Sessions analyzed per job; the walk continues in a new job, so a restart loses at most one batch. */
export const REANALYZE_BATCH = 200;

/**
 * After a rule change: re-analyzes every session that has events, in id
 * order, one batch per job, each job sending the next. A walk started for an
 * older rules version stops when a newer one exists (the newer walk covers
 * every session). Each finding records the rules version that produced it.
 */
export const reanalyzeAllJob = defineJob({
  name: "reanalyze-all",
  schema: z.object({ rulesVersion: z.number().int().positive(), afterId: z.number().int().nonnegative().default(0) }),
  queue: { retryLimit: 5, retryDelay: 10, retryBackoff: true, expireInSeconds: 30 * 60 },
  concurrency: 1,
  async handle({ rulesVersion, afterId }) {
    const current = await getRulesVersion();
    if (current > rulesVersion) {
      console.log(`[analysis] re-analysis for rules v${rulesVersion} stopped: v${current} is newer`);
      return;
    }
    const ids = await listSessionIdsToAnalyze({ afterId, limit: REANALYZE_BATCH });
    for (const sessionId of ids) await analyzeSession({ sessionId });
    const last = ids[ids.length - 1];
    if (ids.length === REANALYZE_BATCH && last !== undefined) {
      await reanalyzeAllJob.send({ rulesVersion, afterId: last }, { singletonKey: `reanalyze-${rulesVersion}-${last}` });
    } else {
      console.log(`[analysis] re-analysis for rules v${rulesVersion} done`);
    }
  },
});
