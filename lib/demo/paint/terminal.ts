/**
 * Terminal sessions (SSH, and the database consoles): a script typed key by
 * key becomes pictures of the screen and the events a proxy would send, and
 * a long log watch is made cheaply from one encoded minute.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import type { SessionEventInput } from "@/lib/ingest/schemas";
import { ffmpeg, random } from "../media";
import { assDocument, assFilter, assText, MONO_FONT, type AssLine } from "../subtitles";

export type TerminalStep =
  | { kind: "type"; text: string; output?: string[]; prompt?: string; pauseMs?: number }
  | { kind: "password"; prompt: string; length: number; output?: string[]; prompt2?: string }
  | { kind: "query"; statement: string; outcome: "success" | "error"; rowsAffected?: number; errorMessage?: string; output: string[] }
  | { kind: "wait"; ms: number };

export type TerminalScript = { prompt: string; banner: string[]; steps: TerminalStep[]; seed: number; tailMs?: number };

export type Rendered = { ass: string; events: SessionEventInput[]; durationMs: number };

/**
 * Plays a terminal script: each key becomes a `key` event and a new picture
 * of the screen at the same millisecond, so the video and the keystroke log
 * stay in step. Commands also give the `command` event a proxy would send.
 */
export function renderTerminal(script: TerminalScript, { width, height, fontSize }: { width: number; height: number; fontSize: number }): Rendered {
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

export type MediaFormat = "mp4" | "webm";

/** Encodes a rendered screen: fragmented MP4/H.264 or WebM/VP9, a keyframe every 2 s. */
export async function encodeTerminal(
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
      ? [
          "-c:v",
          "libx264",
          "-preset",
          "ultrafast",
          "-tune",
          "stillimage",
          "-pix_fmt",
          "yuv420p",
          "-g",
          String(fps * 2),
          "-movflags",
          "frag_keyframe+empty_moov+default_base_moof",
        ]
      : ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "300k", "-pix_fmt", "yuv420p", "-g", String(fps * 2)];
  await ffmpeg(["-f", "lavfi", "-i", `color=c=${background}:s=${width}x${height}:r=${fps}:d=${seconds}`, "-vf", assFilter(assFile), ...codec, "-y", out]);
  return out;
}

// ─── The long recording ─────────────────────────────────────────────────────

/**
 * A recording of over 2 hours made cheaply: one minute of a terminal watching
 * a log at 1 frame per second, encoded once, then repeated with a stream copy.
 */
export async function renderLongRecording(dir: string, minutes: number) {
  const width = 640;
  const height = 360;
  const lines: AssLine[] = [];
  // The log moves every 5 s: the frames between are nearly free to encode.
  for (let s = 0; s < 60; s += 5) {
    const rows = Array.from({ length: 12 }, (_, i) => {
      const n = s * 3 + i;
      return `2026-03-02 0${Math.floor(n / 60) % 10}:${String(n % 60).padStart(2, "0")} backup[${2100 + (n % 7)}]: copied chunk ${1000 + n} (${((n * 37) % 900) + 100} MB)`;
    });
    lines.push({
      start: s * 1000,
      end: (s + 5) * 1000,
      style: "Term",
      x: 10,
      y: 8,
      text: ["root@backup-01:~# tail -f /var/log/backup.log", ...rows].map(assText).join("\\N"),
    });
  }
  const assFile = path.join(dir, "long.ass");
  await writeFile(
    assFile,
    assDocument(width, height, [`Style: Term,${MONO_FONT},13,&H00C8E6C8,&H00FFFFFF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,0,0,7,10,10,8,1`], lines),
  );
  const segment = path.join(dir, "long-segment.mp4");
  await ffmpeg([
    "-f",
    "lavfi",
    "-i",
    `color=c=0x101410:s=${width}x${height}:r=1:d=60`,
    "-vf",
    assFilter(assFile),
    // Only 60 frames: a slower preset costs little and keeps the 2-hour file small.
    // A keyframe every 6 s matches the player's longest segment.
    "-c:v",
    "libx264",
    "-preset",
    "medium",
    "-tune",
    "stillimage",
    "-crf",
    "30",
    "-pix_fmt",
    "yuv420p",
    "-g",
    "6",
    "-y",
    segment,
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
