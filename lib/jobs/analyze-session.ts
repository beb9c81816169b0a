import { z } from "zod";
import { analyzeSession } from "@/lib/analysis/analyze";
import { defineJob } from "./define-job";

/**
 * Matches a session's commands against the audited-command rules and stores
 * its findings and risk score. Sent when a session finishes; running it twice
 * replaces the first result with an identical one.
 */
export const analyzeSessionJob = defineJob({
  name: "analyze-session",
  schema: z.object({ sessionId: z.number().int().positive() }),
  queue: { retryLimit: 3, retryDelay: 10, retryBackoff: true, expireInSeconds: 15 * 60 },
  concurrency: 1,
  async handle({ sessionId }) {
    const result = await analyzeSession({ sessionId });
    if (result.status === "analyzed") {
      console.log(
        `[analysis] session ${sessionId}: ${result.commands} commands, ${result.findings} findings, risk ${result.riskScore} (rules v${result.rulesVersion})`,
      );
    }
  },
});
