import "server-only";
import { execa } from "execa";
import { ffmpegPath } from "@/lib/media/binaries";
import { activitySchema, type Activity } from "@/lib/recordings/activity";

const MAX_BINS = 14_400;

/**
 * Measures, once, how much the screen changes and how loud the audio is over
 * time: ffmpeg's scene score on a small copy of the picture (4 frames a
 * second) and the RMS level of one-second audio windows. Both are summed into
 * bins of at least one second (at most 14 400 bins, whatever the length).
 * @see https://ffmpeg.org/ffmpeg-filters.html#select_002c-aselect (scene)
 * @see https://ffmpeg.org/ffmpeg-filters.html#astats
 */
export async function measureActivity(input: { file: string; durationMs: number; hasAudio: boolean; signal?: AbortSignal }): Promise<Activity> {
  const binMs = Math.max(1000, Math.ceil(input.durationMs / MAX_BINS / 1000) * 1000);
  const bins = Math.max(1, Math.ceil(input.durationMs / binMs));
  const screen = new Array<number>(bins).fill(0);
  const audio = input.hasAudio ? new Array<number>(bins).fill(0) : null;

  const graph = ["[0:v:0]fps=4,scale=320:-2,select='gt(scene,0.001)',metadata=print:key=lavfi.scene_score[v]"];
  const maps = ["-map", "[v]"];
  if (input.hasAudio) {
    graph.push("[0:a:0]aresample=8000,asetnsamples=n=8000:p=0,astats=metadata=1:reset=1,ametadata=print:key=lavfi.astats.Overall.RMS_level[a]");
    maps.push("-map", "[a]");
  }
  const run = execa(ffmpegPath(), ["-hide_banner", "-nostdin", "-i", input.file, "-filter_complex", graph.join(";"), ...maps, "-f", "null", "-"], {
    timeout: 3 * 60 * 60_000,
    cancelSignal: input.signal,
    reject: false,
    buffer: false,
    stderr: "pipe",
  });

  // Lines come in pairs: "[Parsed_metadata_N @ …] frame:… pts_time:T" then "… key=value";
  // the video and audio filters write concurrently, so each keeps its own pending time.
  const lastTime: Record<"v" | "a", number | null> = { v: null, a: null };
  let rest = "";
  run.stderr?.setEncoding("utf8");
  run.stderr?.on("data", (chunk: string) => {
    const lines = (rest + chunk).split("\n");
    rest = lines.pop() ?? "";
    for (const line of lines) {
      const kind = line.startsWith("[Parsed_metadata") ? "v" : line.startsWith("[Parsed_ametadata") ? "a" : null;
      if (!kind) continue;
      const time = /pts_time:([\d.]+)/.exec(line);
      if (time) {
        lastTime[kind] = Number(time[1]);
        continue;
      }
      const value = /=(-?[\d.]+|-?inf)/.exec(line);
      const t = lastTime[kind];
      if (!value || t === null) continue;
      const bin = Math.min(bins - 1, Math.floor((t * 1000) / binMs));
      if (kind === "v") {
        screen[bin]! += Number(value[1]);
      } else if (audio) {
        const db = value[1]!.includes("inf") ? -Infinity : Number(value[1]);
        // dBFS to 0..1: -60 dB and quieter count as silence.
        const level = Number.isFinite(db) ? Math.max(0, Math.min(1, (db + 60) / 60)) : 0;
        audio[bin] = Math.max(audio[bin]!, level);
      }
      lastTime[kind] = null;
    }
  });
  const result = await run;
  if (result.failed && !input.signal?.aborted) {
    throw new Error(`ffmpeg could not measure the activity (exit ${result.exitCode ?? "?"})`);
  }
  input.signal?.throwIfAborted();
  return activitySchema.parse({
    v: 1,
    binMs,
    screen: screen.map((x) => Math.round(x * 1000) / 1000),
    audio: audio?.map((x) => Math.round(x * 1000) / 1000) ?? null,
  });
}
