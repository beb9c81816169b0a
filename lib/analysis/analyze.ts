import "server-only";
import { getEnabledRuleSet, getRulesVersion } from "@/lib/analysis/queries/rules";
import { getAnalysisEvents, getSessionForAnalysis, replaceSessionFindings, type NewFinding } from "@/lib/analysis/queries/findings";
import type { AuditedCommandRule } from "@/lib/db/schema";
import { analysisKind, sessionCommandLines } from "./commands";
import { type RuleSessionType } from "@/lib/domain/rules";
import { compileRules, type RuleMatcher } from "./engine";
import type { CommandLine } from "./line-editor";

/** Longest command text kept in a finding; the rest is cut with an ellipsis. */
const MAX_COMMAND_LENGTH = 4_000;

/** The findings of some command lines: one per (line, matching rule), in the lines' order. */
export function findCommandMatches(kind: RuleSessionType, lines: readonly CommandLine[], matcher: RuleMatcher<AuditedCommandRule>): NewFinding[] {
  const findings: NewFinding[] = [];
  for (const line of lines) {
    // Within one command, the riskiest rule first.
    const rules = matcher.match(kind, line.text).sort((a, b) => b.score - a.score || a.name.localeCompare(b.name));
    for (const rule of rules) {
      findings.push({
        ruleId: rule.id,
        ruleName: rule.name,
        command: line.text.length > MAX_COMMAND_LENGTH ? `${line.text.slice(0, MAX_COMMAND_LENGTH)}…` : line.text,
        tMs: line.tMs,
        score: rule.score,
        criticality: rule.criticality,
        action: rule.action,
      });
    }
  }
  return findings;
}

// The compiled rule set of this process, reused while the rules version stays the same.
type Cached = { version: number; matcher: RuleMatcher<AuditedCommandRule> };
const cache: { current?: Promise<Cached> } = ((globalThis as { __sessionVideoRules?: { current?: Promise<Cached> } }).__sessionVideoRules ??= {});

/** The enabled rules compiled, for the current rules version. */
export async function currentRuleMatcher(): Promise<Cached> {
  const version = await getRulesVersion();
  const cached = cache.current ? await cache.current.catch(() => null) : null;
  if (cached && cached.version === version) return cached;
  const loading = getEnabledRuleSet().then(({ version: v, rules }) => {
    const matcher = compileRules(rules);
    for (const { rule, message } of matcher.skipped) {
      console.warn(`[analysis] rule ${rule.id} (${rule.name}) left out: ${message}`);
    }
    return { version: v, matcher };
  });
  cache.current = loading;
  return loading;
}

export type AnalysisResult =
  | { status: "missing" }
  | { status: "no-command-analysis" }
  | { status: "analyzed" | "superseded"; rulesVersion: number; commands: number; findings: number; riskScore: number };

/**
 * Analyzes a session: rebuilds its commands, matches them against the
 * enabled rules, and replaces its findings, risk score and highest
 * criticality. Safe to run again at any time (the result replaces the last).
 */
export async function analyzeSession({ sessionId }: { sessionId: number }): Promise<AnalysisResult> {
  const session = await getSessionForAnalysis({ sessionId });
  if (!session) return { status: "missing" };
  const kind = analysisKind(session.protocol);
  if (!kind) return { status: "no-command-analysis" };
  const { version, matcher } = await currentRuleMatcher();
  const events = await getAnalysisEvents({ sessionId });
  const lines = sessionCommandLines(session.protocol, events);
  const findings = findCommandMatches(kind, lines, matcher);
  const commands = lines.map(({ tMs, text, source, masked }) => ({ tMs, text, source, masked }));
  const stored = await replaceSessionFindings({ sessionId, rulesVersion: version, findings, commands });
  return {
    status: stored.stored ? "analyzed" : "superseded",
    rulesVersion: version,
    commands: lines.length,
    findings: findings.length,
    riskScore: stored.riskScore,
  };
}
