import { describe, expect, it } from "vitest";
import { buildKeystrokeLog, keyLabel, lineAt, searchLines, type LogEvent } from "@/lib/player/keylog";

const key = (tMs: number, k: string, extra: Record<string, unknown> = {}): LogEvent => ({ tMs, type: "key", data: { key: k, ...extra } });
const typed = (t0: number, text: string, every = 100) => [...text].map((c, i) => key(t0 + i * every, c));

describe("keyLabel", () => {
  it("keeps plain characters and Shift-typed capitals as text", () => {
    expect(keyLabel("a")).toBe("a");
    expect(keyLabel("A", ["shift"])).toBe("A");
    expect(keyLabel(" ")).toBe(" ");
  });
  it("writes shortcuts and special keys in angle brackets, modifiers in a fixed order", () => {
    expect(keyLabel("c", ["ctrl"])).toBe("<Ctrl+C>");
    expect(keyLabel("t", ["shift", "Control"])).toBe("<Ctrl+Shift+T>");
    expect(keyLabel("Tab")).toBe("<Tab>");
    expect(keyLabel("ArrowUp")).toBe("<Up>");
    expect(keyLabel("Delete", ["alt", "ctrl"])).toBe("<Ctrl+Alt+Del>");
  });
});

describe("buildKeystrokeLog", () => {
  it("starts a new line after Enter and after a pause of more than 5 s", () => {
    const events = [...typed(0, "ls -la"), key(700, "Enter"), ...typed(1000, "cd /tmp"), ...typed(7000, "pwd")];
    const lines = buildKeystrokeLog(events);
    expect(lines.map((l) => l.text)).toEqual(["ls -la", "cd /tmp", "pwd"]);
    expect(lines.map((l) => l.tMs)).toEqual([0, 1000, 7000]);
  });

  it("keeps a pause of exactly the gap in the same line", () => {
    const lines = buildKeystrokeLog([key(0, "a"), key(5000, "b")]);
    expect(lines.map((l) => l.text)).toEqual(["ab"]);
  });

  it("shows a run of masked keys as one ••• whatever its length", () => {
    const events = [
      ...typed(0, "sudo su"),
      key(700, "Enter"),
      ...[0, 1, 2, 3, 4, 5, 6, 7].map((i) => key(2000 + i * 100, "x", { masked: true })),
      key(2900, "Enter", { masked: true }),
    ];
    const lines = buildKeystrokeLog(events);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ kind: "keys", text: "•••", masked: true, tMs: 2000 });
  });

  it("writes shortcuts inside the line and ignores modifiers pressed alone", () => {
    const lines = buildKeystrokeLog([...typed(0, "top"), key(400, "Control"), key(450, "c", { modifiers: ["ctrl"] })]);
    expect(lines.map((l) => l.text)).toEqual(["top<Ctrl+C>"]);
  });

  it("puts clipboard, window, command and query events on lines of their own, closing the open line", () => {
    const events: LogEvent[] = [
      ...typed(0, "ab"),
      { tMs: 300, type: "clipboard", data: { direction: "to-remote", length: 12, preview: "hello world!" } },
      key(400, "c"),
      { tMs: 500, type: "window", data: { title: "Terminal — bash" } },
      { tMs: 600, type: "mouse", data: { x: 1, y: 2 } },
      { tMs: 700, type: "query", data: { statement: "DELETE FROM t", outcome: "success", rowsAffected: 3 } },
      { tMs: 800, type: "query", data: { statement: "DROP TABLE x", outcome: "error", errorMessage: "permission denied" } },
      { tMs: 900, type: "command", data: { command: "rm -rf /tmp/x" } },
    ];
    const lines = buildKeystrokeLog(events);
    expect(lines.map((l) => [l.kind, l.text])).toEqual([
      ["keys", "ab"],
      ["clipboard", "Clipboard pasted into the session (12 characters): hello world!"],
      ["keys", "c"],
      ["window", "Terminal — bash"],
      ["query", "DELETE FROM t"],
      ["query", "DROP TABLE x"],
      ["command", "rm -rf /tmp/x"],
    ]);
    expect(lines[4]).toMatchObject({ outcome: "success", detail: "3 rows affected" });
    expect(lines[5]).toMatchObject({ outcome: "error", detail: "permission denied" });
  });
});

describe("buildKeystrokeLog in terminal sessions", () => {
  const command = (tMs: number, line: string): LogEvent => ({ tMs, type: "command", data: { command: line } });

  it("shows a typed command once, at the time typing began, and keeps what was typed when it differs", () => {
    const events = [
      ...typed(1000, "df  -h /"),
      key(2000, "Enter"),
      command(2050, "df -h /"),
      // Completed with Tab: what was typed and what ran both matter.
      ...typed(4000, "tail /var/lo"),
      key(5500, "Tab"),
      key(5600, "Enter"),
      command(5650, "tail /var/log/"),
      // Case counts in a shell.
      ...typed(8000, "LS"),
      key(8300, "Enter"),
      command(8350, "ls"),
    ];
    expect(buildKeystrokeLog(events).map((l) => [l.kind, l.tMs, l.text])).toEqual([
      ["command", 1000, "df -h /"],
      ["keys", 4000, "tail /var/lo<Tab>"],
      ["command", 5650, "tail /var/log/"],
      ["keys", 8000, "LS"],
      ["command", 8350, "ls"],
    ]);
  });
});

describe("buildKeystrokeLog in database sessions", () => {
  const query = (tMs: number, statement: string, extra: Record<string, unknown> = { outcome: "success", rowsAffected: 1 }): LogEvent => ({
    tMs,
    type: "query",
    data: { statement, ...extra },
  });

  it("shows a typed query once, with its outcome, at the time typing began", () => {
    const events = [
      ...typed(1000, "select * from users;"),
      key(3100, "Enter"),
      query(3150, "SELECT * FROM users", { outcome: "success", rowsAffected: 42 }),
      ...typed(5000, "drop table audit;"),
      key(6800, "Enter"),
      query(6850, "drop table audit;", { outcome: "error", errorMessage: "permission denied for table audit" }),
    ];
    expect(buildKeystrokeLog(events)).toEqual([
      { kind: "query", tMs: 1000, text: "SELECT * FROM users", outcome: "success", detail: "42 rows affected" },
      { kind: "query", tMs: 5000, text: "drop table audit;", outcome: "error", detail: "permission denied for table audit" },
    ]);
  });

  it("folds a query typed over several lines, and only those lines", () => {
    const events = [
      ...typed(0, "use shop"),
      key(900, "Enter"),
      query(950, "use shop"),
      ...typed(2000, "update orders"),
      key(3400, "Enter"),
      ...typed(4000, "  set paid = true"),
      key(5800, "Enter"),
      ...typed(6000, "where id = 7\\G"),
      key(7500, "Enter"),
      query(7550, "update orders set paid = true where id = 7"),
    ];
    expect(buildKeystrokeLog(events).map((l) => [l.kind, l.tMs, l.text])).toEqual([
      ["query", 0, "use shop"],
      ["query", 2000, "update orders set paid = true where id = 7"],
    ]);
  });

  it("keeps typed lines that do not spell the query (edited, masked, several statements) beside it", () => {
    const events = [
      ...typed(0, "selct 1"),
      key(700, "ArrowLeft"),
      key(800, "e"),
      key(900, "Enter"),
      query(950, "select 1"),
      ...typed(2000, "select 2; select 3;"),
      key(4000, "Enter"),
      query(4050, "select 2"),
      query(4060, "select 3"),
    ];
    expect(buildKeystrokeLog(events).map((l) => [l.kind, l.text])).toEqual([
      ["keys", "selct 1<Left>e"],
      ["query", "select 1"],
      ["keys", "select 2; select 3;"],
      ["query", "select 2"],
      ["query", "select 3"],
    ]);
  });
});

describe("lineAt and searchLines", () => {
  const lines = [
    { tMs: 0, text: "ls" },
    { tMs: 2000, text: "cat /etc/passwd" },
    { tMs: 9000, text: "LS -la" },
  ];
  it("finds the line being played", () => {
    expect(lineAt(lines, -1)).toBe(-1);
    expect(lineAt(lines, 0)).toBe(0);
    expect(lineAt(lines, 1999)).toBe(0);
    expect(lineAt(lines, 2000)).toBe(1);
    expect(lineAt(lines, 99_999)).toBe(2);
  });
  it("matches case-insensitively and finds nothing for an empty query", () => {
    expect(searchLines(lines, "ls")).toEqual([0, 2]);
    expect(searchLines(lines, "passwd")).toEqual([1]);
    expect(searchLines(lines, "  ")).toEqual([]);
  });
});
