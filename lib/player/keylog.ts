/**
 * The keystroke log beside the video: session events turned into lines a
 * person reads. Pure, shared by the page (server) and the player (client).
 */

/** A new line starts after Enter or after this long without a key (Guacamole uses 5 s too). */
export const KEY_LINE_GAP_MS = 5_000;

export type LogEvent = { tMs: number; type: string; data: unknown };

export type LogLine =
  | { kind: "keys"; tMs: number; endMs: number; text: string; masked: boolean }
  | { kind: "clipboard"; tMs: number; text: string }
  | { kind: "window"; tMs: number; text: string }
  | { kind: "command"; tMs: number; text: string }
  | { kind: "query"; tMs: number; text: string; outcome: "success" | "error"; detail: string };

type KeyData = { key?: unknown; modifiers?: unknown; masked?: unknown };

const MODIFIER_ORDER = ["ctrl", "alt", "shift", "meta"] as const;
const MODIFIER_LABEL: Record<string, string> = {
  ctrl: "Ctrl",
  control: "Ctrl",
  alt: "Alt",
  option: "Alt",
  shift: "Shift",
  meta: "Meta",
  cmd: "Meta",
  super: "Meta",
  win: "Meta",
};
const MODIFIER_KEYS = new Set(["shift", "control", "ctrl", "alt", "altgraph", "meta", "os", "super", "capslock", "fn"]);
const KEY_NAMES: Record<string, string> = {
  arrowup: "Up",
  arrowdown: "Down",
  arrowleft: "Left",
  arrowright: "Right",
  escape: "Esc",
  esc: "Esc",
  backspace: "Backspace",
  delete: "Del",
  tab: "Tab",
  home: "Home",
  end: "End",
  pageup: "PgUp",
  pagedown: "PgDn",
  insert: "Ins",
};

/** `<Ctrl+C>`-style label of a key with modifiers, or the character itself when it is plain text. */
export function keyLabel(key: string, modifiers: string[] = []): string {
  const mods = [
    ...new Set(
      modifiers
        .map((m) => m.toLowerCase())
        .map((m) => (m === "control" ? "ctrl" : m === "option" ? "alt" : m === "cmd" || m === "super" || m === "win" ? "meta" : m))
        .filter((m) => (MODIFIER_ORDER as readonly string[]).includes(m)),
    ),
  ].sort((a, b) => MODIFIER_ORDER.indexOf(a as never) - MODIFIER_ORDER.indexOf(b as never));
  const printable = [...key].length === 1;
  // Shift alone only changes the character: "A" is typed text, not a shortcut.
  const shortcut = printable && mods.length === 1 && mods[0] === "shift" ? [] : mods;
  if (printable && shortcut.length === 0) return key;
  const name = printable ? key.toUpperCase() : (KEY_NAMES[key.toLowerCase()] ?? (key === " " ? "Space" : key));
  return `<${[...shortcut.map((m) => MODIFIER_LABEL[m] ?? m), name].join("+")}>`;
}

function str(value: unknown): string {
  return typeof value === "string" ? value : value == null ? "" : String(value);
}

function record(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" ? (value as Record<string, unknown>) : {};
}

/** A statement as a comparison key: case, runs of white space and the terminator (`;`, `\G`) do not count. */
function statementKey(text: string): string {
  return text
    .replace(/\s+/g, " ")
    .trim()
    .replace(/\s*(;|\\[gG])$/, "")
    .toLowerCase();
}

/** A shell command line as a comparison key: runs of white space do not count, case does. */
function commandKey(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/**
 * How many key lines at the end of `lines` were typed to make `statement`
 * (several when it was typed over several lines, as database clients allow);
 * 0 when they do not spell it (edited with arrows, completed with Tab, masked,
 * or another statement).
 */
function typedLinesOf(lines: LogLine[], statement: string, keyOf: (text: string) => string): number {
  const want = keyOf(statement);
  if (!want) return 0;
  let text = "";
  for (let n = 1; n <= lines.length; n++) {
    const line = lines[lines.length - n]!;
    if (line.kind !== "keys" || line.masked) return 0;
    text = n === 1 ? line.text : `${line.text} ${text}`;
    const got = keyOf(text);
    if (got === want) return n;
    if (got.length > want.length) return 0;
  }
  return 0;
}

/**
 * Groups key events into lines (a new line after Enter or a pause of
 * KEY_LINE_GAP_MS), renders shortcuts as `<Ctrl+C>` and a run of masked keys
 * as one `•••` (so the log does not tell a password's length), and keeps
 * clipboard, window-title, command and query events as lines of their own.
 * A query or command that is what the last key line(s) typed replaces them
 * (and takes their start), so each is listed once: a query with its outcome.
 * Events must be in time order.
 */
export function buildKeystrokeLog(events: LogEvent[], gapMs = KEY_LINE_GAP_MS): LogLine[] {
  const lines: LogLine[] = [];
  let open: Extract<LogLine, { kind: "keys" }> | null = null;
  let lastMasked = false;

  const close = () => {
    if (open && open.text.length) lines.push(open);
    open = null;
    lastMasked = false;
  };

  for (const e of events) {
    if (e.type === "mouse" || e.type === "click") continue;
    if (e.type !== "key") {
      close();
      const d = record(e.data);
      if (e.type === "clipboard") {
        // lib/ingest/schemas.ts: direction "to-remote" (pasted into the session) or "from-remote" (copied out of it).
        const direction =
          d.direction === "to-remote" ? "pasted into the session" : d.direction === "from-remote" ? "copied from the session" : str(d.direction) || "used";
        const length = typeof d.length === "number" ? ` (${d.length} characters)` : "";
        const preview = d.preview ? `: ${str(d.preview)}` : "";
        lines.push({ kind: "clipboard", tMs: e.tMs, text: `Clipboard ${direction}${length}${preview}` });
      } else if (e.type === "window") {
        lines.push({ kind: "window", tMs: e.tMs, text: str(d.title) });
      } else if (e.type === "command") {
        const command = str(d.command);
        const typed = typedLinesOf(lines, command, commandKey);
        const tMs = typed > 0 ? lines.splice(lines.length - typed)[0]!.tMs : e.tMs;
        lines.push({ kind: "command", tMs, text: command });
      } else if (e.type === "query") {
        const outcome = d.outcome === "error" ? "error" : "success";
        const detail =
          outcome === "error"
            ? str(d.errorMessage ?? d.error) || "Error"
            : typeof d.rowsAffected === "number"
              ? `${d.rowsAffected} row${d.rowsAffected === 1 ? "" : "s"} affected`
              : "Success";
        const statement = str(d.statement);
        // The typed line(s) this query came from read as a repeat of it: the query takes their place,
        // and their start, so clicking it shows the query being typed and then run.
        const typed = typedLinesOf(lines, statement, statementKey);
        const tMs = typed > 0 ? lines.splice(lines.length - typed)[0]!.tMs : e.tMs;
        lines.push({ kind: "query", tMs, text: statement, outcome, detail });
      }
      continue;
    }
    const d = record(e.data) as KeyData;
    const key = str(d.key);
    if (!key) continue;
    const modifiers = Array.isArray(d.modifiers) ? d.modifiers.map(str) : [];
    if (MODIFIER_KEYS.has(key.toLowerCase())) continue; // a modifier pressed alone types nothing
    if (open && e.tMs - open.endMs > gapMs) close();
    const isEnter = key === "Enter" || key === "Return" || key === "\n" || key === "\r";
    if (!open) open = { kind: "keys", tMs: e.tMs, endMs: e.tMs, text: "", masked: false };
    open.endMs = e.tMs;
    if (d.masked === true) {
      if (!lastMasked) open.text += "•••";
      open.masked = true;
      lastMasked = true;
      if (isEnter) close();
      continue;
    }
    lastMasked = false;
    if (isEnter && modifiers.length === 0) {
      close();
      continue;
    }
    open.text += keyLabel(key, modifiers);
  }
  close();
  return lines;
}

/** Index of the line being played at `tMs`: the last line that started at or before it. */
export function lineAt(lines: Pick<LogLine, "tMs">[], tMs: number): number {
  let lo = 0;
  let hi = lines.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (lines[mid]!.tMs <= tMs) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/** Indexes of the lines whose text contains `query` (case-insensitive); empty query matches none. */
export function searchLines(lines: Pick<LogLine, "text">[], query: string): number[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const out: number[] = [];
  lines.forEach((l, i) => {
    if (l.text.toLowerCase().includes(q) || ("detail" in l && String(l.detail).toLowerCase().includes(q))) out.push(i);
  });
  return out;
}
