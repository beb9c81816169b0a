/**
 * Rebuilds the command lines of a terminal session from its keystrokes, the
 * way a shell's line editor (bash readline, emacs mode) turns keys into the
 * line it runs; and merges in the `command` events a proxy sends, so that a
 * command is counted once.
 */
import { parseCommandEvent, parseKeyEvent, type AnalysisEvent, type KeyEventData } from "./events";

export type CommandLine = {
  /** The command as run: continuation lines joined, masked keys left out. */
  text: string;
  /** When it was submitted: the Enter that ran it (ms from the session start). */
  tMs: number;
  /** Some keystrokes of this line were masked by the proxy and are not in `text`. */
  masked: boolean;
  /** Where the text comes from: rebuilt from keystrokes, reported by the proxy, or a database statement. */
  source: "keys" | "command" | "query";
};

/** A proxy's `command` event and the Enter of the same line are at most this far apart. */
const PAIR_WINDOW_MS = 2_000;
/** ...or this far apart when their texts are the same. */
const SAME_TEXT_WINDOW_MS = 10_000;
/** Bash keeps this many lines of history; the editor keeps as many for ↑/↓. */
const HISTORY_LIMIT = 1_000;

const isSpace = (c: string | undefined) => c === " " || c === "\t" || c === "\n";
const isWordChar = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}_]/u.test(c);

/** True when the text leaves a quote open, so the shell asks for more (PS2). */
export function hasOpenQuote(text: string): boolean {
  let state: "none" | "single" | "double" = "none";
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (state === "single") {
      if (c === "'") state = "none";
    } else if (state === "double") {
      if (c === "\\") i++;
      else if (c === '"') state = "none";
    } else if (c === "\\") i++;
    else if (c === "'") state = "single";
    else if (c === '"') state = "double";
    else if (c === "#" && (i === 0 || isSpace(text[i - 1]))) return false; // the rest is a comment
  }
  return state !== "none";
}

/** An odd number of trailing backslashes escapes the newline: the line continues. */
function endsWithContinuation(text: string): boolean {
  let n = 0;
  for (let i = text.length - 1; i >= 0 && text[i] === "\\"; i--) n++;
  return n % 2 === 1;
}

class LineEditor {
  private chars: string[] = [];
  private cursor = 0;
  /** Earlier physical lines of a command that continues (trailing `\` or open quote). */
  private pending = "";
  private masked = false;
  private readonly history: string[] = [];
  private historyPos = 0;
  /** The line being typed when ↑ first left it, restored by ↓. */
  private draft: string[] | null = null;
  private killed = "";
  readonly lines: CommandLine[] = [];

  key(data: KeyEventData, tMs: number) {
    const key = data.key ?? "";
    if (data.masked) {
      // A hidden key still submits when it is Enter; any other is left out.
      if (key === "Enter") this.submit(tMs);
      else this.masked = true;
      return;
    }
    const mods = new Set((data.modifiers ?? []).map((m) => m.toLowerCase()));
    if (mods.has("ctrl") || mods.has("control")) return this.ctrl(key.toLowerCase(), tMs);
    if (mods.has("alt") || mods.has("meta")) return this.alt(key.toLowerCase());
    switch (key) {
      case "Enter":
        return this.submit(tMs);
      case "Backspace":
        return this.deleteBack();
      case "Delete":
        return this.deleteForward();
      case "ArrowLeft":
        this.cursor = Math.max(0, this.cursor - 1);
        return;
      case "ArrowRight":
        this.cursor = Math.min(this.chars.length, this.cursor + 1);
        return;
      case "Home":
        this.cursor = 0;
        return;
      case "End":
        this.cursor = this.chars.length;
        return;
      case "ArrowUp":
        return this.historyMove(-1);
      case "ArrowDown":
        return this.historyMove(1);
      case "Space":
      case "Spacebar":
        return this.insert(" ");
      default:
        // One character (one code point) is text; any other name (Tab, Escape, F1, Shift…) changes nothing we can know.
        if ([...key].length === 1) this.insert(key);
    }
  }

  private ctrl(key: string, tMs: number) {
    switch (key) {
      case "a":
        this.cursor = 0;
        return;
      case "e":
        this.cursor = this.chars.length;
        return;
      case "b":
        this.cursor = Math.max(0, this.cursor - 1);
        return;
      case "f":
        this.cursor = Math.min(this.chars.length, this.cursor + 1);
        return;
      case "h":
        return this.deleteBack();
      case "d":
        return this.deleteForward();
      case "u": // unix-line-discard: from the start of the line to the cursor
        return this.kill(0, this.cursor);
      case "k":
        return this.kill(this.cursor, this.chars.length);
      case "w": {
        // unix-word-rubout: back to the previous whitespace
        let start = this.cursor;
        while (start > 0 && isSpace(this.chars[start - 1])) start--;
        while (start > 0 && !isSpace(this.chars[start - 1])) start--;
        return this.kill(start, this.cursor);
      }
      case "y":
        return this.insert(this.killed);
      case "c": // the shell drops the line, and any continuation lines before it
        this.reset();
        return;
      case "p":
        return this.historyMove(-1);
      case "n":
        return this.historyMove(1);
      case "j":
      case "m":
        return this.submit(tMs);
      default:
        return; // Ctrl+L, Ctrl+R… do not change the line we can rebuild
    }
  }

  private alt(key: string) {
    switch (key) {
      case "b":
        this.cursor = this.wordStartBefore(this.cursor);
        return;
      case "f":
        this.cursor = this.wordEndAfter(this.cursor);
        return;
      case "d":
        return this.kill(this.cursor, this.wordEndAfter(this.cursor));
      case "backspace":
        return this.kill(this.wordStartBefore(this.cursor), this.cursor);
      default:
        return;
    }
  }

  private wordStartBefore(pos: number) {
    while (pos > 0 && !isWordChar(this.chars[pos - 1])) pos--;
    while (pos > 0 && isWordChar(this.chars[pos - 1])) pos--;
    return pos;
  }

  private wordEndAfter(pos: number) {
    while (pos < this.chars.length && !isWordChar(this.chars[pos])) pos++;
    while (pos < this.chars.length && isWordChar(this.chars[pos])) pos++;
    return pos;
  }

  private insert(text: string) {
    const add = [...text];
    this.chars.splice(this.cursor, 0, ...add);
    this.cursor += add.length;
  }

  private deleteBack() {
    if (this.cursor === 0) return;
    this.chars.splice(this.cursor - 1, 1);
    this.cursor--;
  }

  private deleteForward() {
    if (this.cursor < this.chars.length) this.chars.splice(this.cursor, 1);
  }

  private kill(from: number, to: number) {
    if (to <= from) return;
    this.killed = this.chars.slice(from, to).join("");
    this.chars.splice(from, to - from);
    this.cursor = from;
  }

  private historyMove(step: -1 | 1) {
    const target = this.historyPos + step;
    if (target < 0 || target > this.history.length) return;
    if (this.historyPos === this.history.length) this.draft = this.chars;
    this.historyPos = target;
    this.chars = target === this.history.length ? (this.draft ?? []) : [...(this.history[target] ?? "")];
    this.cursor = this.chars.length;
  }

  private submit(tMs: number) {
    const physical = this.chars.join("");
    if (endsWithContinuation(physical)) {
      // Backslash-newline disappears: "sudo \" + "su -" runs "sudo su -".
      this.pending += physical.slice(0, -1);
      this.newPhysicalLine();
      return;
    }
    if (hasOpenQuote(this.pending + physical)) {
      this.pending += `${physical}\n`;
      this.newPhysicalLine();
      return;
    }
    const text = this.pending + physical;
    if (text.trim()) {
      this.lines.push({ text, tMs, masked: this.masked, source: "keys" });
      this.history.push(text);
      if (this.history.length > HISTORY_LIMIT) this.history.shift();
    }
    this.reset();
  }

  private newPhysicalLine() {
    this.chars = [];
    this.cursor = 0;
    this.historyPos = this.history.length;
    this.draft = null;
  }

  private reset() {
    this.newPhysicalLine();
    this.pending = "";
    this.masked = false;
  }
}

const normalize = (s: string) => s.trim().replace(/\s+/g, " ");

/**
 * The command lines of a terminal session, in time order. Keystrokes are
 * replayed through a line editor; when the proxy also reported the command
 * (a `command` event), the proxy's text is kept (it has what Tab completed)
 * at the time of the matching Enter, and the rebuilt line is dropped. A
 * `command` event pairs with the rebuilt line of the same text within 10 s,
 * else with the nearest within 2 s.
 */
export function rebuildCommandLines(events: readonly AnalysisEvent[]): CommandLine[] {
  const ordered = events
    .map((event, i) => ({ event, i }))
    .sort((a, b) => a.event.tMs - b.event.tMs || a.i - b.i)
    .map(({ event }) => event);
  const editor = new LineEditor();
  const commands: { text: string; tMs: number }[] = [];
  for (const event of ordered) {
    if (event.type === "key") {
      const data = parseKeyEvent(event.data);
      if (data) editor.key(data, event.tMs);
    } else if (event.type === "command") {
      const data = parseCommandEvent(event.data);
      if (data && data.command.trim()) commands.push({ text: data.command, tMs: event.tMs });
    }
  }
  const keyLines = editor.lines;
  if (commands.length === 0) return keyLines;

  const paired = new Array<boolean>(keyLines.length).fill(false);
  const partner = new Array<number>(commands.length).fill(-1);
  // keyLines are in time order: look only at those inside the window (binary search for its start).
  const firstAtOrAfter = (tMs: number) => {
    let lo = 0;
    let hi = keyLines.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keyLines[mid]!.tMs < tMs) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const nearest = (cmd: { text: string; tMs: number }, window: number, sameText: boolean) => {
    let best = -1;
    for (let k = firstAtOrAfter(cmd.tMs - window); k < keyLines.length && keyLines[k]!.tMs <= cmd.tMs + window; k++) {
      const line = keyLines[k]!;
      if (paired[k]) continue;
      const dt = Math.abs(line.tMs - cmd.tMs);
      if (dt > window) continue;
      if (sameText && normalize(line.text) !== normalize(cmd.text)) continue;
      if (best < 0 || dt < Math.abs(keyLines[best]!.tMs - cmd.tMs)) best = k;
    }
    return best;
  };
  for (const [sameText, window] of [
    [true, SAME_TEXT_WINDOW_MS],
    [false, PAIR_WINDOW_MS],
  ] as const) {
    commands.forEach((cmd, c) => {
      if (partner[c]! >= 0) return;
      const k = nearest(cmd, window, sameText);
      if (k >= 0) {
        paired[k] = true;
        partner[c] = k;
      }
    });
  }
  const merged: CommandLine[] = commands.map((cmd, c) => {
    const line = partner[c]! >= 0 ? keyLines[partner[c]!]! : null;
    return { text: cmd.text, tMs: line?.tMs ?? cmd.tMs, masked: line?.masked ?? false, source: "command" };
  });
  keyLines.forEach((line, k) => {
    if (!paired[k]) merged.push(line);
  });
  return merged.sort((a, b) => a.tMs - b.tMs);
}
