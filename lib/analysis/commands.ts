/** Which sessions have command analysis, and their command lines. */
import type { RuleSessionType } from "@/lib/domain/rules";
import type { Protocol } from "@/lib/domain/sessions";
import { parseQueryEvent, type AnalysisEvent } from "./events";
import { rebuildCommandLines, type CommandLine } from "./line-editor";

/** The rule session types: what the audited-command rules apply to. */

const KIND: Record<Protocol, RuleSessionType | null> = {
  ssh: "terminal",
  telnet: "terminal",
  mysql: "database",
  postgresql: "database",
  oracle: "database",
  sqlserver: "database",
  // Graphical sessions have keystrokes but no command line to rebuild.
  rdp: null,
  vnc: null,
  http: null,
};

/** "terminal" or "database" for the protocols with command analysis; null for graphical sessions. */
export function analysisKind(protocol: Protocol): RuleSessionType | null {
  return KIND[protocol];
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
