import { execa } from "execa";
import { ffmpegPath, ffprobePath } from "./binaries";

/** What ffprobe tells about a media file, as stored on the recording. */
export type MediaFacts = {
  container: string | null;
  durationMs: number | null;
  width: number | null;
  height: number | null;
  videoCodec: string | null;
  audioCodec: string | null;
  hasAudio: boolean;
  probe: ProbeOutput;
};

type ProbeStream = {
  index: number;
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  duration?: string;
  r_frame_rate?: string;
  sample_rate?: string;
  channels?: number;
};
type ProbeOutput = { format?: { format_name?: string; duration?: string; size?: string; bit_rate?: string }; streams?: ProbeStream[] };

/** ffprobe could not read the file: `reason` is its own words. */
export class ProbeError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = "ProbeError";
  }
}

/**
 * Reads a media file with ffprobe (format and streams as JSON). Throws
 * ProbeError with ffprobe's message when the file is not readable media.
 */
export async function probeMedia(file: string, { timeoutMs = 120_000, signal }: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<MediaFacts> {
  const result = await execa(ffprobePath(), ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", file], {
    timeout: timeoutMs,
    cancelSignal: signal,
    reject: false,
    maxBuffer: 16 * 1024 * 1024,
  });
  if (result.timedOut) throw new ProbeError(`ffprobe did not answer within ${Math.round(timeoutMs / 1000)} s`);
  const stderr = String(result.stderr ?? "").trim();
  if (result.exitCode !== 0) {
    // ffprobe prefixes its reason with the file path; keep the reason only.
    const reason = stderr.split("\n").filter(Boolean).pop()?.replace(`${file}: `, "") ?? `ffprobe exited with ${result.exitCode}`;
    throw new ProbeError(reason);
  }
  const probe = JSON.parse(String(result.stdout)) as ProbeOutput;
  const streams = probe.streams ?? [];
  const video = streams.find((s) => s.codec_type === "video");
  const audio = streams.find((s) => s.codec_type === "audio");
  if (!video && !audio) throw new ProbeError(stderr || "ffprobe found no audio or video stream");
  const seconds = Number(probe.format?.duration ?? video?.duration ?? audio?.duration ?? Number.NaN);
  return {
    container: probe.format?.format_name ?? null,
    durationMs: Number.isFinite(seconds) ? Math.round(seconds * 1000) : null,
    width: video?.width ?? null,
    height: video?.height ?? null,
    videoCodec: video?.codec_name ?? null,
    audioCodec: audio?.codec_name ?? null,
    hasAudio: Boolean(audio),
    probe,
  };
}

/** Streams of the source, as ffprobe sees them. */
export async function probeStreams(file: string, signal?: AbortSignal) {
  const { stdout } = await execa(ffprobePath(), ["-v", "error", "-show_entries", "stream=codec_type,codec_name:format=duration", "-of", "json", file], {
    timeout: 60_000,
    cancelSignal: signal,
  });
  const json = JSON.parse(stdout) as { streams?: { codec_type?: string; codec_name?: string }[]; format?: { duration?: string } };
  const streams = json.streams ?? [];
  return {
    video: streams.find((s) => s.codec_type === "video")?.codec_name ?? null,
    audio: streams.find((s) => s.codec_type === "audio")?.codec_name ?? null,
    durationS: Number(json.format?.duration ?? 0) || 0,
  };
}

/** The duration of a media file as its container says, in milliseconds (null when it says none). */
export async function probeDurationMs(file: string): Promise<number | null> {
  const { stdout } = await execa(ffprobePath(), ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", file], {
    timeout: 60_000,
  });
  const seconds = Number.parseFloat(stdout.trim());
  return Number.isFinite(seconds) ? Math.round(seconds * 1000) : null;
}

/**
 * How far the first video keyframe's decode time is ahead of its display time,
 * in seconds (0 without B-frames): the reordering delay of the encoder.
 */
export async function probeVideoReorderDelayS(file: string, signal?: AbortSignal): Promise<number> {
  const { stdout } = await execa(
    ffprobePath(),
    ["-v", "error", "-select_streams", "v:0", "-read_intervals", "%+#60", "-show_entries", "packet=pts_time,dts_time,flags", "-of", "json", file],
    { timeout: 60_000, cancelSignal: signal },
  );
  const packets = (JSON.parse(stdout) as { packets?: { pts_time?: string; dts_time?: string; flags?: string }[] }).packets ?? [];
  const key = packets.find((p) => p.flags?.startsWith("K") && p.pts_time !== undefined && p.dts_time !== undefined);
  const delay = key ? Number(key.pts_time) - Number(key.dts_time) : 0;
  // More than a second is no B-frame delay but a broken file: leave it alone.
  return Number.isFinite(delay) && delay > 0 && delay < 1 ? delay : 0;
}

const bitstreamFilters = new Map<string, Promise<Set<string>>>();

/** Whether the ffmpeg in use has the bitstream filter `name` (`setts` came with ffmpeg 4.4). */
export async function ffmpegHasBitstreamFilter(name: string): Promise<boolean> {
  const binary = ffmpegPath();
  let list = bitstreamFilters.get(binary);
  if (!list) {
    list = execa(binary, ["-hide_banner", "-bsfs"], { timeout: 30_000 }).then(
      ({ stdout }) =>
        new Set(
          stdout
            .split("\n")
            .map((l) => l.trim())
            .filter(Boolean),
        ),
      () => new Set<string>(),
    );
    bitstreamFilters.set(binary, list);
  }
  return (await list).has(name);
}
