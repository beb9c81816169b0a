/**
 * Units: the pieces the demo's many recordings are joined from. A scene is
 * encoded once, at one picture a second with a keyframe opening every unit,
 * and cut into units of UNIT_MS by a stream copy; a recording of any length
 * is then some of its units joined, again by a stream copy. Hours of video
 * cost no encoding, and every unit of a scene has the same encoder settings,
 * so the joins are seamless.
 */
import { readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { ffmpeg } from "../media";

/**
 * One keyframe interval. The player groups fragments (one per keyframe) into
 * segments of at most 6 s and re-encodes a recording whose keyframes are
 * further apart, so a unit is at most that.
 */
export const UNIT_MS = 6000;
export const UNIT_FPS = 1;

/** The same for every unit: a keyframe every unit and nowhere else, no B-frames (each unit starts clean). */
const UNIT_CODEC = [
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
  "-r",
  String(UNIT_FPS),
  "-g",
  String((UNIT_MS / 1000) * UNIT_FPS),
  "-keyint_min",
  String((UNIT_MS / 1000) * UNIT_FPS),
  "-sc_threshold",
  "0",
  "-bf",
  "0",
];

/**
 * Encodes `units` units of a picture made by ffmpeg (`inputs` and a filter
 * graph whose output is labelled [v]) and cuts them apart. Returns the unit
 * files in order.
 */
export async function encodeUnits(dir: string, name: string, input: { inputs: string[]; filter: string; units: number }): Promise<string[]> {
  const whole = path.join(dir, `${name}.mp4`);
  await ffmpeg([...input.inputs, "-filter_complex", input.filter, "-map", "[v]", ...UNIT_CODEC, "-t", String((input.units * UNIT_MS) / 1000), "-y", whole]);
  const unitDir = path.join(dir, `${name}-units`);
  await ffmpeg([
    "-i",
    whole,
    "-map",
    "0:v",
    "-c",
    "copy",
    "-f",
    "segment",
    "-segment_time",
    String(UNIT_MS / 1000),
    "-reset_timestamps",
    "1",
    "-segment_format",
    "mp4",
    `${unitDir}-%04d.mp4`,
  ]);
  const prefix = `${name}-units-`;
  const files = (await readdir(dir))
    .filter((f) => f.startsWith(prefix))
    .sort()
    .map((f) => path.join(dir, f));
  if (files.length !== input.units) throw new Error(`${name}: cut into ${files.length} units, not ${input.units}`);
  return files;
}

/** Joins files of the same encoder settings into one fragmented MP4, by a stream copy. */
export async function joinUnits(dir: string, name: string, files: string[]): Promise<string> {
  const list = path.join(dir, `${name}.txt`);
  await writeFile(list, files.map((f) => `file '${f}'`).join("\n") + "\n");
  const out = path.join(dir, `${name}.mp4`);
  await ffmpeg(["-f", "concat", "-safe", "0", "-i", list, "-c", "copy", "-movflags", "frag_keyframe+empty_moov+default_base_moof", "-y", out]);
  return out;
}
