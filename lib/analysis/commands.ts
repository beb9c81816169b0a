/** Which sessions have command analysis, and their command lines. */
import type { RuleSessionType } from "@/lib/domain/rules";
import { PROTOCOL_KINDS, type Protocol } from "@/lib/domain/sessions";
import { parseQueryEvent, type AnalysisEvent } from "./events";
import { rebuildCommandLines, type CommandLine } from "./line-editor";

/** "terminal" or "database" for the protocols with command analysis; null for graphical sessions (keystrokes, but no command line to rebuild). */
export function analysisKind(protocol: Protocol): RuleSessionType | null {
  const kind = PROTOCOL_KINDS[protocol];
  return kind === "graphical" ? null : kind;
}

/** The commands of a session that the rules are matched against, in time order. */
export function sessionCommandLines(protocol: Protocol, events: readonly AnalysisEvent[]): CommandLine[] {
  const kind = analysisKind(protocol);
  if (kind === "terminal") return rebuildCommandLines(events);
  if (kind === "database") {
    const lines: CommandLine[] = [];
    for (const event of events) {
      if (event.type !== "query") continue;
      const data = parseQueryEvent(event.data);
      if (data && data.statement.trim()) lines.push({ text: data.statement, tMs: event.tMs, masked: false, source: "query" });
    }
    return lines.sort((a, b) => a.tMs - b.tMs);
  }
  return [];
}
