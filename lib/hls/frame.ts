import "server-only";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import { ffmpegPath } from "@/lib/media/binaries";

const CAPTION_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

/** The caption strip's font size for a picture `height` pixels high. */
export function captionFontSize(height: number): number {
  return Math.max(14, Math.round(height / 45));
}

/** The strip's height for `lines` lines of text under a picture `height` pixels high (even: the picture is 4:2:0 while it is padded). */
export function captionHeight(height: number, lines: number): number {
  const size = captionFontSize(height);
  return 2 * Math.round((lines * size * 1.5 + size) / 2);
}

/** Escapes a value for a filter-graph option (inside single quotes). */
function filterValue(value: string): string {
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "'\\\\''").replace(/:/g, "\\:")}'`;
}

/**
 * "Save frame": the PNG of the frame shown at `atS` of the media file, at
 * the recording's own size, with a strip under it holding `caption` (one
 * line per entry: what a ticket needs to say where the picture comes from).
 * The text goes through a file (expansion off), never through the filter
 * string, so a host or user name cannot change the filter. Null when there
 * is no frame at or after `atS`.
 */
export async function captureFrame(input: { file: string; atS: number; height: number; caption: string[] }): Promise<Buffer | null> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "sv-frame-"));
  try {
    const textFile = path.join(dir, "caption.txt");
    await writeFile(textFile, input.caption.join("\n"));
    const size = captionFontSize(input.height);
    const strip = captionHeight(input.height, input.caption.length);
    const drawtext = [
      existsSync(CAPTION_FONT) ? `fontfile=${filterValue(CAPTION_FONT)}` : null,
      `textfile=${filterValue(textFile)}`,
      `fontsize=${size}`,
      "fontcolor=white",
      "expansion=none",
      `line_spacing=${Math.round(size / 2)}`,
      `x=${size}`,
      `y=h-${strip}+${Math.round(size / 2)}`,
    ].filter(Boolean);
    const { stdout } = await execa(
      ffmpegPath(),
      [
        "-hide_banner",
        "-nostdin",
        "-loglevel",
        "error",
        // An input seek with a decode lands on the frame at that time, not on the keyframe before it.
        "-ss",
        input.atS.toFixed(3),
        "-i",
        input.file,
        "-map",
        "0:v:0",
        "-frames:v",
        "1",
        "-vf",
        `pad=iw:ih+${strip}:0:0:color=0x0f1c2e,drawtext=${drawtext.join(":")}`,
        "-c:v",
        "png",
        "-f",
        "image2pipe",
        "-",
      ],
      { encoding: "buffer", timeout: 60_000, stdin: "ignore" },
    );
    const png = Buffer.from(stdout);
    return png.length > 8 ? png : null;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
