/**
 * Which ffmpeg command turns a recording into a video for download. Pure:
 * the tests check the choice without running anything.
 */
import type { ExportFormat } from "@/lib/domain/recordings";

export type SourceFacts = {
  videoCodec: string | null;
  audioCodec: string | null;
  hasAudio: boolean | null;
  height: number | null;
};

export type ConversionPlan = {
  /** "copy": the picture is copied as is; "transcode": it is encoded again; "cut": a clip joined from encoded edges and a copied middle (cut-plan.ts). */
  mode: "copy" | "transcode" | "cut";
  args: string[];
};

const FITS: Record<ExportFormat, { video: string[]; audio: string[] }> = {
  mp4: { video: ["h264"], audio: ["aac"] },
  webm: { video: ["vp8", "vp9"], audio: ["opus", "vorbis"] },
};

/** Seconds between keyframes: lets players seek quickly in long, mostly still screen recordings. */
const KEYFRAME_SECONDS = 4;

export function videoFits(format: ExportFormat, facts: SourceFacts): boolean {
  return FITS[format].video.includes((facts.videoCodec ?? "").toLowerCase());
}

export function audioFits(format: ExportFormat, facts: SourceFacts): boolean {
  return FITS[format].audio.includes((facts.audioCodec ?? "").toLowerCase());
}

/**
 * Arguments for one ffmpeg run. Stream copy when the picture already fits the
 * format and nothing is burnt in; otherwise an encode tuned for screen content
 * (large still areas, sharp text): x264 `stillimage` tuning or VP9 realtime
 * with row multithreading, a keyframe every few seconds.
 *
 * @see https://trac.ffmpeg.org/wiki/Encode/H.264
 * @see https://developers.google.com/media/vp9/live-encoding
 */
export function planConversion(input: {
  source: string;
  output: string;
  format: ExportFormat;
  facts: SourceFacts;
  /** WebVTT file with the keystroke / query log, or null when there is nothing to show. */
  subtitles: string | null;
  /** A text file with the watermark lines, or null for no watermark. */
  watermarkFile: string | null;
  fontFile: string | null;
  title: string;
  /**
   * A clip: only [startMs, endMs) of the recording, encoded again whole
   * (picture and sound), so that it starts and ends on the exact frames asked
   * for whatever the keyframes; the subtitles must already be the clip's
   * (clipCues). Where the picture can be copied, planCutJoin does better.
   */
  clip?: { startMs: number; endMs: number } | null;
}): ConversionPlan {
  const { format, facts } = input;
  const clip = input.clip ?? null;
  const copy = videoFits(format, facts) && !input.watermarkFile && !clip;
  const args = ["-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-nostats", "-progress", "pipe:1"];
  // As an input option with an encode, -ss decodes from the keyframe before and drops the frames before the start: exact to the frame.
  if (clip) args.push("-ss", (clip.startMs / 1000).toFixed(3));
  args.push("-i", input.source);
  if (input.subtitles) args.push("-i", input.subtitles);
  args.push("-map", "0:v:0");
  if (facts.hasAudio !== false) args.push("-map", "0:a:0?");
  if (input.subtitles) args.push("-map", "1:0");

  if (copy) {
    args.push("-c:v", "copy");
  } else {
    if (input.watermarkFile) args.push("-vf", drawtext(input.watermarkFile, input.fontFile, facts.height));
    const keyframes = `expr:gte(t,n_forced*${KEYFRAME_SECONDS})`;
    if (format === "mp4") {
      args.push("-c:v", "libx264", "-preset", "superfast", "-tune", "stillimage", "-crf", "26", "-pix_fmt", "yuv420p", "-force_key_frames", keyframes);
    } else {
      args.push(
        "-c:v",
        "libvpx-vp9",
        "-deadline",
        "realtime",
        "-cpu-used",
        "8",
        "-row-mt",
        "1",
        "-b:v",
        "0",
        "-crf",
        "40",
        "-pix_fmt",
        "yuv420p",
        "-force_key_frames",
        keyframes,
      );
    }
  }
  if (facts.hasAudio !== false) {
    if (audioFits(format, facts) && !clip) args.push("-c:a", "copy");
    else if (format === "mp4") args.push("-c:a", "aac", "-b:a", "96k");
    else args.push("-c:a", "libopus", "-b:a", "64k");
  }
  if (input.subtitles) {
    // MP4: mov_text (plain text, from the unescaped cues). WebM: the WebVTT cues as written, escaped;
    // re-encoding them (-c:s webvtt) writes `<`, `>` and `&` raw and players then read typed text as tags.
    args.push("-c:s", format === "mp4" ? "mov_text" : "copy");
    args.push("-metadata:s:s:0", "title=Keystroke log", "-metadata:s:s:0", "language=eng");
  }
  if (clip) args.push("-t", ((clip.endMs - clip.startMs) / 1000).toFixed(3));
  args.push("-metadata", `title=${input.title}`);
  // Fast start: the index goes to the front so a browser can play while downloading.
  if (format === "mp4") args.push("-movflags", "+faststart");
  args.push("-f", format, input.output);
  return { mode: copy ? "copy" : "transcode", args };
}

/**
 * Whether a clip can keep the recording's own packets between its edges:
 * H.264 into MP4 with nothing burnt into the picture. A watermark (drawn
 * into every frame) means encoding it whole; so does WebM (its encoders
 * here make VP9 pieces that do not match a VP8 or VP9 recording's).
 */
export function clipMayCopy(format: ExportFormat, facts: SourceFacts, watermark: boolean): boolean {
  return format === "mp4" && (facts.videoCodec ?? "").toLowerCase() === "h264" && !watermark;
}

/**
 * The last run of a clip cut from pieces (lib/exports/cut.ts): the pieces
 * joined by the concat demuxer and copied, the sound of the same range
 * encoded again (AAC frames do not fall on the clip's limits), the clip's
 * subtitles. The picture is never encoded here.
 */
export function planCutJoin(input: {
  list: string;
  source: string;
  output: string;
  facts: SourceFacts;
  subtitles: string | null;
  title: string;
  clip: { startMs: number; endMs: number };
}): ConversionPlan {
  const durationS = ((input.clip.endMs - input.clip.startMs) / 1000).toFixed(3);
  // Warnings too: a jump in decode times ("Non-monotonous DTS") means the pieces did not fit, and the clip is encoded whole.
  const args = ["-hide_banner", "-nostdin", "-y", "-loglevel", "warning", "-nostats", "-progress", "pipe:1"];
  args.push("-f", "concat", "-safe", "0", "-i", input.list);
  const audio = input.facts.hasAudio !== false;
  if (audio) args.push("-ss", (input.clip.startMs / 1000).toFixed(3), "-t", durationS, "-i", input.source);
  if (input.subtitles) args.push("-i", input.subtitles);
  args.push("-map", "0:v:0");
  if (audio) args.push("-map", "1:a:0?");
  if (input.subtitles) args.push("-map", `${audio ? 2 : 1}:0`);
  args.push("-c:v", "copy");
  if (audio) args.push("-c:a", "aac", "-b:a", "96k");
  if (input.subtitles) args.push("-c:s", "mov_text", "-metadata:s:s:0", "title=Keystroke log", "-metadata:s:s:0", "language=eng");
  args.push("-metadata", `title=${input.title}`, "-movflags", "+faststart", "-f", "mp4", input.output);
  return { mode: "cut", args };
}

/** Escapes a value for a filter-graph option (inside single quotes). */
function filterValue(value: string): string {
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "'\\\\''").replace(/:/g, "\\:")}'`;
}

function drawtext(textFile: string, fontFile: string | null, height: number | null): string {
  const size = Math.max(14, Math.round((height ?? 720) / 40));
  const options = [
    fontFile ? `fontfile=${filterValue(fontFile)}` : null,
    `textfile=${filterValue(textFile)}`,
    `fontsize=${size}`,
    "fontcolor=white@0.85",
    "box=1",
    "boxcolor=black@0.45",
    `boxborderw=${Math.round(size / 3)}`,
    "expansion=none",
    "line_spacing=4",
    "x=w-tw-20",
    "y=h-th-20",
  ].filter(Boolean);
  return `drawtext=${options.join(":")}`;
}

/** Reads ffmpeg's `-progress` output: the position reached, in milliseconds. */
export function parseProgressLine(line: string): number | null {
  const match = /^out_time=(-?)(\d+):(\d{2}):(\d{2}(?:\.\d+)?)\s*$/.exec(line.trim());
  if (!match || match[1] === "-") return null;
  return Math.round(((Number(match[2]) * 60 + Number(match[3])) * 60 + Number(match[4])) * 1000);
}
