import { describe, expect, it } from "vitest";
import { sessionCommandLines } from "@/lib/analysis/commands";
import type { AnalysisEvent, KeyEventData } from "@/lib/analysis/events";
import { hasOpenQuote, rebuildCommandLines } from "@/lib/analysis/line-editor";

/** Keystrokes 100 ms apart: plain strings are typed character by character, objects are one key. */
function keys(parts: (string | KeyEventData)[], start = 0): AnalysisEvent[] {
  const events: AnalysisEvent[] = [];
  let t = start;
  for (const part of parts) {
    if (typeof part === "string") for (const ch of part) events.push({ tMs: (t += 100), type: "key", data: { key: ch } });
    else events.push({ tMs: (t += 100), type: "key", data: part });
  }
  return events;
}
const ENTER = { key: "Enter" };
const BS = { key: "Backspace" };
const LEFT = { key: "ArrowLeft" };
const ctrl = (key: string) => ({ key, modifiers: ["ctrl"] });
const texts = (events: AnalysisEvent[]) => rebuildCommandLines(events).map((l) => l.text);

describe("rebuildCommandLines", () => {
  it("submits each line with the time of its Enter", () => {
    const events = keys(["ls", ENTER, "pwd", ENTER]);
    const lines = rebuildCommandLines(events);
    expect(lines.map((l) => l.text)).toEqual(["ls", "pwd"]);
    expect(lines[0]!.tMs).toBe(events[2]!.tMs);
    expect(lines[1]!.tMs).toBe(events[6]!.tMs);
    expect(lines.every((l) => l.source === "keys" && !l.masked)).toBe(true);
  });

  it("applies Backspace and Delete corrections", () => {
    expect(texts(keys(["sudp", BS, "o su", ENTER]))).toEqual(["sudo su"]);
    expect(texts(keys(["lss", LEFT, { key: "Delete" }, ENTER]))).toEqual(["ls"]);
    expect(texts(keys([BS, BS, "ls", ENTER]))).toEqual(["ls"]);
  });

  it("inserts at the cursor after ←, →, Home and End", () => {
    expect(texts(keys(["su -", { key: "Home" }, "sudo ", { key: "End" }, " root", ENTER]))).toEqual(["sudo su - root"]);
    expect(texts(keys(["chmd 777 x", LEFT, LEFT, LEFT, LEFT, LEFT, LEFT, LEFT, "o", ENTER]))).toEqual(["chmod 777 x"]);
    expect(texts(keys(["ab", LEFT, LEFT, LEFT, "x", { key: "ArrowRight" }, "y", ENTER]))).toEqual(["xayb"]);
  });

  it("supports Ctrl+A, Ctrl+E, Ctrl+U, Ctrl+K, Ctrl+W and Ctrl+Y", () => {
    expect(texts(keys(["echo hi", ctrl("u"), "history -c", ENTER]))).toEqual(["history -c"]);
    expect(texts(keys(["cat /etc/passwd", ctrl("w"), "/etc/shadow", ENTER]))).toEqual(["cat /etc/shadow"]);
    expect(texts(keys(["-rf /", ctrl("a"), "rm ", ctrl("e"), "tmp", ENTER]))).toEqual(["rm -rf /tmp"]);
    expect(texts(keys(["ls -la", ctrl("a"), ctrl("k"), "pwd", ENTER]))).toEqual(["pwd"]);
    // Ctrl+U kills from the start to the cursor only, and Ctrl+Y yanks it back.
    expect(texts(keys(["abc def", LEFT, LEFT, LEFT, ctrl("u"), "x ", ctrl("y"), ENTER]))).toEqual(["x abc def"]);
  });

  it("discards the line on Ctrl+C, including continuation lines before it", () => {
    expect(texts(keys(["rm -rf /", ctrl("c"), "ls", ENTER]))).toEqual(["ls"]);
    expect(texts(keys(["sudo \\", ENTER, "su", ctrl("c"), "id", ENTER]))).toEqual(["id"]);
  });

  it("joins a trailing backslash with the next line, submitted at the last Enter", () => {
    const events = keys(["sudo \\", ENTER, "su -", ENTER]);
    const lines = rebuildCommandLines(events);
    expect(lines.map((l) => l.text)).toEqual(["sudo su -"]);
    expect(lines[0]!.tMs).toBe(events[events.length - 1]!.tMs);
    // An escaped backslash does not continue.
    expect(texts(keys(["echo \\\\", ENTER, "ls", ENTER]))).toEqual(["echo \\\\", "ls"]);
  });

  it("continues while a quote is open", () => {
    expect(texts(keys(["echo 'a", ENTER, "b'", ENTER]))).toEqual(["echo 'a\nb'"]);
    expect(hasOpenQuote(`git commit -m "don't"`)).toBe(false);
    expect(hasOpenQuote("echo it's")).toBe(true);
    expect(hasOpenQuote("echo it's # it's")).toBe(false); // the quote spans the #
    expect(hasOpenQuote("ls # it's a comment")).toBe(false);
  });

  it("leaves masked keys out and marks the line", () => {
    const masked = (n: number) => Array.from({ length: n }, () => ({ masked: true }));
    const lines = rebuildCommandLines(keys(["mysql -u root -p", ...masked(6), ENTER, "ls", ENTER]));
    expect(lines.map((l) => [l.text, l.masked])).toEqual([
      ["mysql -u root -p", true],
      ["ls", false],
    ]);
    // A password at a prompt: the masked keys and a masked Enter submit nothing.
    expect(texts(keys(["sudo ls", ENTER, ...masked(8), { key: "Enter", masked: true }, "id", ENTER]))).toEqual(["sudo ls", "id"]);
  });

  it("recalls history with ↑ and ↓", () => {
    expect(
      texts(
        keys([
          "sudo ls",
          ENTER,
          { key: "ArrowUp" },
          ctrl("a"),
          { key: "Delete" },
          { key: "Delete" },
          { key: "Delete" },
          { key: "Delete" },
          { key: "Delete" },
          ENTER,
        ]),
      ),
    ).toEqual(["sudo ls", "ls"]);
    expect(texts(keys(["a", ENTER, "b", ENTER, "draft", { key: "ArrowUp" }, { key: "ArrowUp" }, { key: "ArrowDown" }, { key: "ArrowDown" }, ENTER]))).toEqual([
      "a",
      "b",
      "draft",
    ]);
  });

  it("ignores keys that change nothing and empty lines", () => {
    expect(texts(keys([{ key: "Escape" }, { key: "F1" }, { key: "Shift" }, ENTER, "   ", ENTER, "ls", ENTER]))).toEqual(["ls"]);
    // Bad event data is skipped, not fatal.
    expect(texts([{ tMs: 1, type: "key", data: { key: 5 } }, ...keys(["id", ENTER], 10)])).toEqual(["id"]);
  });

  it("orders events by time whatever the input order", () => {
    const events = keys(["ls", ENTER]);
    expect(texts([...events].reverse())).toEqual(["ls"]);
  });

  it("uses the proxy's command instead of the rebuilt line, without counting twice", () => {
    const events = keys(["cat /etc/sha", { key: "Tab" }, ENTER]);
    const enter = events[events.length - 1]!.tMs;
    const lines = rebuildCommandLines([...events, { tMs: enter + 40, type: "command", data: { command: "cat /etc/shadow" } }]);
    expect(lines).toEqual([{ text: "cat /etc/shadow", tMs: enter, masked: false, source: "command" }]);
    // A command with no keystrokes near it (e.g. sent by a script) is kept at its own time.
    const lone = rebuildCommandLines([...events, { tMs: enter + 60_000, type: "command", data: { command: "id" } }]);
    expect(lone.map((l) => [l.text, l.source])).toEqual([
      ["cat /etc/sha", "keys"],
      ["id", "command"],
    ]);
    // Same text pairs even when the proxy is late by more than the usual window.
    const late = rebuildCommandLines([...keys(["id", ENTER]), { tMs: 5_000, type: "command", data: { command: "id" } }]);
    expect(late.map((l) => l.text)).toEqual(["id"]);
  });
});

describe("sessionCommandLines", () => {
  it("takes database statements from query events", () => {
    const lines = sessionCommandLines("postgresql", [
      { tMs: 2000, type: "query", data: { statement: "DROP TABLE x", outcome: "error", errorMessage: "no such table" } },
      { tMs: 1000, type: "query", data: { statement: "SELECT 1", outcome: "success", rowsAffected: 1 } },
      { tMs: 1500, type: "key", data: { key: "a" } },
    ]);
    expect(lines.map((l) => [l.text, l.tMs, l.source])).toEqual([
      ["SELECT 1", 1000, "query"],
      ["DROP TABLE x", 2000, "query"],
    ]);
  });

  it("has no commands for graphical sessions", () => {
    const events = keys(["sudo su", ENTER]);
    expect(sessionCommandLines("rdp", events)).toEqual([]);
    expect(sessionCommandLines("vnc", events)).toEqual([]);
    expect(sessionCommandLines("http", events)).toEqual([]);
    expect(sessionCommandLines("telnet", events).map((l) => l.text)).toEqual(["sudo su"]);
  });
});
