import { analyzeSessionJob } from "@/lib/jobs/analyze-session";
import { handleJob } from "@/lib/jobs/define-job";
import { analyzeSession } from "../analyze";

/** Running it twice replaces the first result with an identical one. */
export const analyzeSessionHandler = handleJob(analyzeSessionJob, async ({ sessionId }) => {
  const result = await analyzeSession({ sessionId });
  if (result.status === "analyzed") {
    console.log(
      `[analysis] session ${sessionId}: ${result.commands} commands, ${result.findings} findings, risk ${result.riskScore} (rules v${result.rulesVersion})`,
    );
  }
});
