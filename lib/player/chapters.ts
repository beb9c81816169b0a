/**
 * Chapters of a session: the moments a new window came to the front (the
 * proxy's `window` events) and, in a terminal session, each command. Built
 * from the keystroke log, so the chapter list and the log agree. Pure.
 */
import type { ProtocolKind } from "@/lib/domain/sessions";
import type { LogLine } from "./keylog";
import type { Marker } from "./markers";

const TITLE_MAX = 120;

function title(text: string): string {
  const one = text.replace(/\s+/g, " ").trim();
  return one.length > TITLE_MAX ? `${one.slice(0, TITLE_MAX - 1)}…` : one;
}

/**
 * One chapter per window title (a title repeated right after itself, as
 * focus flips produce, counts once) and, for terminal sessions, one per
 * command. A terminal session whose proxy sent no command events gets one per
 * typed line instead, leaving out masked ones (a password is not a chapter).
 */
export function buildChapters(log: LogLine[], kind: ProtocolKind): Marker[] {
  const chapters: Marker[] = [];
  const hasCommands = log.some((l) => l.kind === "command");
  let lastWindow: string | null = null;
  for (const line of log) {
    if (line.kind === "window") {
      const text = title(line.text);
      if (!text || text === lastWindow) continue;
      lastWindow = text;
      chapters.push({ tMs: line.tMs, kind: "chapter", label: text, criticality: null });
    } else if (kind === "terminal" && (line.kind === "command" || (!hasCommands && line.kind === "keys" && !line.masked))) {
      const text = title(line.text);
      if (text) chapters.push({ tMs: line.tMs, kind: "chapter", label: `$ ${text}`, criticality: null });
    }
  }
  return chapters.sort((a, b) => a.tMs - b.tMs);
}
