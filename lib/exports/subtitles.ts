/**
 * The keystroke log (and for database sessions the query log) as subtitle
 * cues, so the downloaded file explains itself. Pure functions.
 */

export type LoggedEvent = { tMs: number; type: string; data: unknown };
export type Cue = { startMs: number; endMs: number; text: string };

/** A new line starts after Enter or after this long without a key. */
const PAUSE_MS = 5_000;
/** How long a line stays on screen after its last key, at most. */
const LINGER_MS = 4_000;
const MAX_LINE = 80;

const NAMED_KEYS: Record<string, string> = {
  Enter: "⏎",
  Return: "⏎",
  Tab: "⇥",
  Backspace: "⌫",
  Delete: "⌦",
  Escape: "<Esc>",
  ArrowUp: "↑",
  ArrowDown: "↓",
  ArrowLeft: "←",
  ArrowRight: "→",
  " ": " ",
  Space: " ",
};
const MODIFIER_KEYS = new Set(["Shift", "Control", "Ctrl", "Alt", "Meta", "Super", "CapsLock", "AltGraph"]);

type KeyData = { key?: unknown; modifiers?: unknown; masked?: unknown };
type QueryData = { statement?: unknown; outcome?: unknown; rowsAffected?: unknown; errorMessage?: unknown; error?: unknown };

function keyText(data: KeyData): string {
  if (data.masked === true) return "•••";
  const key = typeof data.key === "string" ? data.key : "";
  if (!key || MODIFIER_KEYS.has(key)) return "";
  // The proxies send modifiers in lower case (lib/ingest/schemas.ts); Shift is already in the key itself.
  const mods = Array.isArray(data.modifiers)
    ? data.modifiers
        .filter((m): m is string => typeof m === "string" && m.toLowerCase() !== "shift")
        .map((m) => m.charAt(0).toUpperCase() + m.slice(1).toLowerCase())
    : [];
  if (mods.length > 0) return `<${[...mods, key].join("+")}>`;
  if (NAMED_KEYS[key] !== undefined) return NAMED_KEYS[key]!;
  return key.length === 1 ? key : `<${key}>`;
}

function clip(text: string): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > MAX_LINE ? `${oneLine.slice(0, MAX_LINE - 1)}…` : oneLine;
}

function queryText(data: QueryData): string {
  const statement = typeof data.statement === "string" ? clip(data.statement) : "";
  let outcome = "";
  const error = typeof data.errorMessage === "string" ? data.errorMessage : typeof data.error === "string" ? data.error : null;
  if (data.outcome === "error") outcome = `error${error ? `: ${clip(error)}` : ""}`;
  else if (data.outcome === "success") outcome = typeof data.rowsAffected === "number" ? `success, ${data.rowsAffected} rows` : "success";
  return outcome ? `${statement}\n→ ${outcome}` : statement;
}

/**
 * Groups keys into lines (a new line after Enter or a 5 s pause; masked keys
 * as •••) and adds each query with its outcome. Cues never overlap: each ends
 * before the next starts, so players show one line at a time.
 */
export function buildCues(events: LoggedEvent[]): Cue[] {
  const sorted = [...events].sort((a, b) => a.tMs - b.tMs);
  const cues: Cue[] = [];
  let line: { startMs: number; lastMs: number; text: string } | null = null;
  const flush = () => {
    if (line && line.text.trim()) cues.push({ startMs: line.startMs, endMs: line.lastMs + LINGER_MS, text: line.text });
    line = null;
  };
  for (const event of sorted) {
    const data = (event.data ?? {}) as Record<string, unknown>;
    if (event.type === "key") {
      const text = keyText(data as KeyData);
      if (line && event.tMs - line.lastMs > PAUSE_MS) flush();
      if (!text) continue;
      line ??= { startMs: event.tMs, lastMs: event.tMs, text: "" };
      line.text += text;
      line.lastMs = event.tMs;
      if (text === "⏎" || line.text.length >= MAX_LINE) flush();
    } else if (event.type === "query") {
      flush();
      const text = queryText(data as QueryData);
      if (text) cues.push({ startMs: event.tMs, endMs: event.tMs + LINGER_MS, text });
    } else if (event.type === "command") {
      // Terminal commands are already visible as typed keys; use them only when no keys were logged.
      continue;
    }
  }
  flush();
  for (let i = 0; i < cues.length - 1; i++) {
    const next = cues[i + 1]!;
    if (cues[i]!.endMs > next.startMs) cues[i]!.endMs = Math.max(cues[i]!.startMs + 1, next.startMs);
  }
  return cues;
}

/**
 * Cues cut at the end of the video: a cue past it would make the file longer
 * than the recording (a WebM lasts as long as its longest track), and the
 * "Time" shown with it wrong. Cues starting at or after the end are dropped.
 */
export function clipCues(cues: Cue[], durationMs: number | null | undefined): Cue[] {
  if (!durationMs || durationMs <= 0) return cues;
  return cues.filter((c) => c.startMs < durationMs).map((c) => (c.endMs > durationMs ? { ...c, endMs: durationMs } : c));
}

/** Terminal sessions without key events but with command events still get a log. */
export function buildCommandCues(events: LoggedEvent[]): Cue[] {
  return events
    .filter((e) => e.type === "command")
    .map((e) => {
      const command = (e.data as { command?: unknown })?.command;
      return { startMs: e.tMs, endMs: e.tMs + LINGER_MS, text: typeof command === "string" ? clip(command) : "" };
    })
    .filter((c) => c.text);
}

/**
 * The cues of a clip from `startMs` to `endMs`: those showing during it,
 * cut to it, with times from the clip's start.
 */
export function cuesOfClip(cues: Cue[], startMs: number, endMs: number): Cue[] {
  return cues
    .filter((c) => c.endMs > startMs && c.startMs < endMs)
    .map((c) => ({ startMs: Math.max(c.startMs, startMs) - startMs, endMs: Math.min(c.endMs, endMs) - startMs, text: c.text }));
}

function timestamp(ms: number): string {
  const total = Math.max(0, Math.round(ms));
  const h = Math.floor(total / 3_600_000);
  const m = Math.floor((total % 3_600_000) / 60_000);
  const s = Math.floor((total % 60_000) / 1000);
  const milli = total % 1000;
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(milli, 3)}`;
}

/**
 * Cue text of WebVTT: what was typed is text, never markup. `&`, `<` and `>`
 * become character references (WebVTT §4.2.2), so `cat < /etc/shadow` is not
 * read as a tag and `-->` cannot end a cue's timing line; a blank line would
 * end the cue, so line breaks do not repeat.
 * @see https://www.w3.org/TR/webvtt1/#cue-text
 */
export function escapeWebVttText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\r\n?/g, "\n").replace(/\n\n+/g, "\n");
}

/**
 * WebVTT text. ffmpeg reads it (unescaping the references as a player does)
 * and writes mov_text for MP4, which is plain text; for WebM the WebVTT cues
 * are copied as written, still escaped (lib/exports/plan.ts): ffmpeg's own
 * WebVTT writer would not escape them again.
 */
export function toWebVtt(cues: Cue[]): string {
  const body = cues.map((c) => `${timestamp(c.startMs)} --> ${timestamp(c.endMs)}\n${escapeWebVttText(c.text)}`).join("\n\n");
  return `WEBVTT\n\n${body}\n`;
}
