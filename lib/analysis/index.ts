/**
 * Vulnerability analysis: audited-command rules matched against the commands
 * of terminal and database sessions, giving findings and a risk score.
 *
 * - `rebuildCommandLines` / `sessionCommandLines`: the commands of a session
 * - `compileRules` / `checkPattern`: the RE2 rules engine
 * - `analyzeSession`: store a session's findings (lib/analysis/analyze.ts, server only)
 * - `enqueueSessionAnalysis`: the hook to call when a session finishes
 */
import "server-only";
import { analyzeSessionJob } from "@/lib/jobs/analyze-session";

export { analyzeSession, currentRuleMatcher, findCommandMatches } from "./analyze";
export { analysisKind, sessionCommandLines } from "./commands";
export { type RuleSessionType } from "@/lib/domain/rules";
export { DEFAULT_RULES } from "./default-rules";
export { compileRules, RuleMatcher } from "./engine";
export type { AnalysisEvent, CommandEventData, KeyEventData, QueryEventData } from "./events";
export { rebuildCommandLines, type CommandLine } from "./line-editor";
export { checkPattern, testPattern } from "./patterns";

/**
 * Analyzes a session in the background (call when a session finishes, or
 * when its events change). Sending it twice is harmless.
 */
export async function enqueueSessionAnalysis(sessionId: number): Promise<void> {
  await analyzeSessionJob.send({ sessionId });
}
