import { createRequire } from "node:module";
import { env } from "@/lib/env";

const require = createRequire(import.meta.url);

/** ffmpeg from @ffmpeg-installer/ffmpeg unless FFMPEG_PATH says otherwise. */
export function ffmpegPath(): string {
  return env.FFMPEG_PATH ?? (require("@ffmpeg-installer/ffmpeg") as { path: string }).path;
}

/** ffprobe from @ffprobe-installer/ffprobe unless FFPROBE_PATH says otherwise. */
export function ffprobePath(): string {
  return env.FFPROBE_PATH ?? (require("@ffprobe-installer/ffprobe") as { path: string }).path;
}
