/**
 * ASS subtitles: the text drawn on the demo pictures (terminal screens, window
 * titles, the taskbar clock), burnt in by ffmpeg's `ass` filter.
 */
import { existsSync } from "node:fs";

export const FONT_DIR = "/usr/share/fonts/truetype/dejavu";
export const MONO_FONT = "DejaVu Sans Mono";
export const SANS_FONT = "DejaVu Sans";

export const assTime = (ms: number) => {
  const cs = Math.max(0, Math.round(ms / 10));
  const h = Math.floor(cs / 360000);
  const m = Math.floor((cs % 360000) / 6000);
  const s = Math.floor((cs % 6000) / 100);
  return `${h}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}.${String(cs % 100).padStart(2, "0")}`;
};

/** Text for an ASS line: braces and backslashes would be read as tags; spaces must not collapse. */
export const assText = (text: string) => text.replace(/[{}]/g, "").replace(/\\/g, "/").replace(/ /g, "\\h");

export type AssLine = { start: number; end: number; style: string; x: number; y: number; text: string };

export function assDocument(width: number, height: number, styles: string[], lines: AssLine[]): string {
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
    ...lines.filter((l) => l.end > l.start).map((l) => `Dialogue: 0,${assTime(l.start)},${assTime(l.end)},${l.style},,0,0,0,,{\\pos(${l.x},${l.y})}${l.text}`),
    "",
  ].join("\n");
}

/** The `ass` filter, with the DejaVu fonts when they are installed (libass falls back to any font otherwise). */
export function assFilter(file: string) {
  const escaped = file.replace(/\\/g, "/").replace(/:/g, "\\:").replace(/'/g, "");
  return existsSync(FONT_DIR) ? `ass='${escaped}':fontsdir=${FONT_DIR}` : `ass='${escaped}'`;
}
