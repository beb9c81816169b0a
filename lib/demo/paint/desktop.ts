/** Desktops (RDP, VNC, a browser): windows, a taskbar clock, typing, a moving pointer and sound. */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import type { SessionEventInput } from "@/lib/ingest/schemas";
import { ffmpeg, random } from "../media";
import { assDocument, assFilter, assText, MONO_FONT, SANS_FONT, type AssLine } from "../subtitles";

export type Desktop = {
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

/** What a desktop shows: boxes drawn with drawbox, ASS text, the pointer's path, and the events a proxy would send. */
export type DesktopPicture = { boxes: string[]; ass: string; pointerX: string; pointerY: string; events: SessionEventInput[] };

/**
 * Paints a desktop: windows opening, the taskbar with a button per window
 * (and a clock, unless `clock` is false: a clock changes every picture),
 * typing, and the pointer moving along its waypoints.
 */
export function paintDesktop(desktop: Desktop, { width, height, clock = true }: { width: number; height: number; clock?: boolean }): DesktopPicture {
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
  for (let s = 0; clock && s * 1000 < end; s += 1) {
    const time = new Date(Date.UTC(2026, 0, 1, 9, 41, s)).toISOString().slice(11, 19);
    lines.push({ start: s * 1000, end: Math.min(end, (s + 1) * 1000), style: "Task", x: width - 90, y: height - 27, text: time });
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
  events.sort((a, b) => a.t - b.t);
  return {
    boxes,
    ass: assDocument(width, height, styles, lines),
    pointerX: pointerExpression(pts, "x"),
    pointerY: pointerExpression(pts, "y"),
    events,
  };
}

/** The filter graph of a painted desktop: input 0 the background, input 1 the pointer's picture; the output is [out]. */
export function desktopFilter(picture: DesktopPicture, assFile: string, out = "v"): string {
  return [
    `[0:v]${picture.boxes.join(",")},${assFilter(assFile)}[desk]`,
    // The pointer: a white arrow-ish box with a dark edge, moved along the path.
    `[1:v]drawbox=x=0:y=0:w=12:h=18:color=0x111111:t=2[ptr]`,
    `[desk][ptr]overlay=x='${picture.pointerX}':y='${picture.pointerY}':eval=frame[${out}]`,
  ].join(";");
}

/** A desktop recording with sound from the remote machine, encoded as fragmented MP4 (H.264 + AAC). */
export async function renderDesktop(dir: string, name: string, desktop: Desktop, { width, height, fps }: { width: number; height: number; fps: number }) {
  const picture = paintDesktop(desktop, { width, height });
  const assFile = path.join(dir, `${name}.ass`);
  await writeFile(assFile, picture.ass);
  const out = path.join(dir, `${name}.mp4`);
  const seconds = (desktop.durationMs / 1000).toFixed(2);
  await ffmpeg([
    "-f",
    "lavfi",
    "-i",
    `color=c=${desktop.background}:s=${width}x${height}:r=${fps}:d=${seconds}`,
    "-f",
    "lavfi",
    "-i",
    `color=c=white:s=12x18:r=${fps}:d=${seconds}`,
    // Sound from the remote machine: a soft chime each few seconds over a low hum.
    "-f",
    "lavfi",
    "-i",
    `sine=frequency=523:beep_factor=3:sample_rate=44100:duration=${seconds}`,
    "-filter_complex",
    desktopFilter(picture, assFile),
    "-map",
    "[v]",
    "-map",
    "2:a",
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
    "-c:a",
    "aac",
    "-b:a",
    "64k",
    "-af",
    "volume=0.15",
    "-movflags",
    "frag_keyframe+empty_moov+default_base_moof",
    "-shortest",
    "-y",
    out,
  ]);
  return { file: out, events: picture.events };
}
