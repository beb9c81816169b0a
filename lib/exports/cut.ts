import "server-only";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { execa } from "execa";
import { ffmpegPath, ffprobePath } from "@/lib/media/binaries";
import { copySeekS, delayOptions, planCut, x264Profile, type CutPlan, type VideoPacket } from "./cut-plan";

/**
 * A clip exact to the frame with the recording's own packets in between
 * (cut-plan.ts says which part is which): the head and the tail are encoded
 * into pieces of their own, the middle is copied into one, and the caller's
 * last ffmpeg run joins them with the concat demuxer (which puts each piece's
 * H.264 parameter sets in band, so a player switches at each keyframe) and
 * adds the sound and subtitles. Only for H.264 into MP4 without a watermark;
 * anything this cannot do returns null and the clip is encoded whole.
 */

const STEP_TIMEOUT_MS = 10 * 60_000;
/** How far past the clip's end the packets are read: enough for the GOP after the last keyframe to show it is closed. */
const READ_PAST_END_S = 2;

type VideoStream = { time_base?: string; has_b_frames?: number; profile?: string; pix_fmt?: string; codec_name?: string; width?: number; height?: number };

export type PreparedCut = {
  plan: Extract<CutPlan, { kind: "cut" }>;
  /** The concat demuxer's list of the pieces. */
  list: string;
};

async function probeStream(source: string, signal: AbortSignal) {
  const { stdout } = await execa(
    ffprobePath(),
    [
      "-v",
      "error",
      "-select_streams",
      "v:0",
      "-show_entries",
      "stream=codec_name,time_base,has_b_frames,profile,pix_fmt,width,height:format=start_time",
      "-of",
      "json",
      source,
    ],
    { timeout: STEP_TIMEOUT_MS, cancelSignal: signal },
  );
  const json = JSON.parse(stdout) as { streams?: VideoStream[]; format?: { start_time?: string } };
  return { stream: json.streams?.[0] ?? null, fileStartS: Number(json.format?.start_time ?? 0) || 0 };
}

async function probePackets(source: string, fromS: number, toS: number, signal: AbortSignal): Promise<VideoPacket[]> {
  const { stdout } = await execa(
    ffprobePath(),
    [
      "-v",
      "error",
      "-select_streams",
      "v:0",
      "-read_intervals",
      `${Math.max(0, fromS).toFixed(6)}%${toS.toFixed(6)}`,
      "-show_entries",
      "packet=pts,dts,flags",
      "-of",
      "csv=p=0",
      source,
    ],
    { timeout: STEP_TIMEOUT_MS, cancelSignal: signal, maxBuffer: 64 * 1024 * 1024 },
  );
  const packets: VideoPacket[] = [];
  for (const line of stdout.split("\n")) {
    const [pts, dts, flags] = line.trim().split(",");
    if (!pts || pts === "N/A" || !dts || dts === "N/A") continue;
    packets.push({ pts: Number(pts), dts: Number(dts), key: (flags ?? "").startsWith("K") });
  }
  return packets;
}

/** The first packet of a piece and how many there are: what the copy must have written. */
async function checkCopiedPiece(file: string, signal: AbortSignal): Promise<{ frames: number; firstKey: boolean; firstPts: number }> {
  const { stdout } = await execa(ffprobePath(), ["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts,flags", "-of", "csv=p=0", file], {
    timeout: STEP_TIMEOUT_MS,
    cancelSignal: signal,
    maxBuffer: 64 * 1024 * 1024,
  });
  const lines = stdout.split("\n").filter((l) => l.trim());
  const [pts, flags] = (lines[0] ?? "").split(",");
  return { frames: lines.length, firstKey: (flags ?? "").startsWith("K"), firstPts: Number(pts) };
}

const seconds = (s: number) => s.toFixed(6);

/**
 * Plans the cut and writes the encoded and copied pieces into `dir`; null
 * (with the reason logged) when the clip must be encoded whole.
 */
export async function prepareCut(input: {
  source: string;
  dir: string;
  clip: { startMs: number; endMs: number };
  signal: AbortSignal;
  log: (message: string) => void;
}): Promise<PreparedCut | null> {
  const { source, dir, clip, signal, log } = input;
  const { stream, fileStartS } = await probeStream(source, signal);
  if (!stream || stream.codec_name !== "h264") return null;
  const [num, den] = (stream.time_base ?? "").split("/").map(Number);
  if (!num || !den) return null;
  if (stream.pix_fmt !== "yuv420p" && stream.pix_fmt !== "yuvj420p") {
    log(`encoding the whole clip: pixel format ${stream.pix_fmt ?? "unknown"}`);
    return null;
  }
  const packets = await probePackets(source, fileStartS + clip.startMs / 1000, fileStartS + clip.endMs / 1000 + READ_PAST_END_S, signal);
  const plan = planCut({ packets, tickS: num / den, fileStartS, clip });
  if (plan.kind === "encode") {
    log(`encoding the whole clip: ${plan.reason}`);
    return null;
  }

  const common = ["-hide_banner", "-nostdin", "-y", "-loglevel", "error"];
  const timescale = num === 1 ? ["-video_track_timescale", String(den)] : [];
  const profile = x264Profile(stream.profile);
  const encodePiece = async (piece: { startS: number; frames: number }, name: string) => {
    const file = path.join(dir, name);
    // As an input option with an encode, -ss decodes from the keyframe before and drops the frames before the start.
    await execa(
      ffmpegPath(),
      [
        ...common,
        "-ss",
        seconds(piece.startS),
        "-i",
        source,
        // The frames shown in the piece, counted: a length (-t) would take in the frame at its end (cut-plan.ts).
        "-frames:v",
        String(piece.frames),
        "-map",
        "0:v:0",
        "-an",
        "-sn",
        "-dn",
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-crf",
        "18",
        "-pix_fmt",
        stream.pix_fmt!,
        ...(profile ? ["-profile:v", profile] : []),
        ...delayOptions(plan.delayFrames),
        // Each picture keeps its own time: the piece must last exactly its part of the clip.
        "-vsync",
        "passthrough",
        ...timescale,
        "-f",
        "mp4",
        file,
      ],
      { timeout: STEP_TIMEOUT_MS, cancelSignal: signal },
    );
    return file;
  };

  const pieces: { file: string; durationS: number }[] = [];
  if (plan.head) pieces.push({ file: await encodePiece(plan.head, "head.mp4"), durationS: plan.head.durationS });

  const middle = path.join(dir, "middle.mp4");
  const keyS = plan.middle.keyPts * (num / den);
  await execa(
    ffmpegPath(),
    [
      ...common,
      "-ss",
      seconds(copySeekS(plan.middle.startS, (stream.has_b_frames ?? 0) > 0)),
      "-i",
      source,
      "-map",
      "0:v:0",
      "-c",
      "copy",
      // The recording's own times, moved so that the keyframe is 0 exactly (not the seek's rounded time).
      "-copyts",
      "-output_ts_offset",
      seconds(-keyS),
      "-frames:v",
      String(plan.middle.frames),
      ...timescale,
      "-f",
      "mp4",
      middle,
    ],
    { timeout: STEP_TIMEOUT_MS, cancelSignal: signal },
  );
  const copied = await checkCopiedPiece(middle, signal);
  if (copied.frames !== plan.middle.frames || !copied.firstKey || copied.firstPts !== 0) {
    log(`encoding the whole clip: the copy landed elsewhere (${copied.frames} packets, first at ${copied.firstPts})`);
    return null;
  }
  pieces.push({ file: middle, durationS: plan.middle.durationS });
  if (plan.tail) pieces.push({ file: await encodePiece(plan.tail, "tail.mp4"), durationS: plan.tail.durationS });

  const list = path.join(dir, "pieces.txt");
  // The durations say where each piece starts in the clip; paths are this run's temp files.
  await writeFile(list, pieces.map((p) => `file '${p.file.replace(/'/g, "'\\''")}'\nduration ${seconds(p.durationS)}\n`).join(""));
  log(
    `cut: ${plan.head ? `head ${plan.head.durationS.toFixed(3)} s encoded, ` : ""}${plan.middle.durationS.toFixed(3)} s copied (${plan.middle.frames} frames)${plan.tail ? `, tail ${plan.tail.durationS.toFixed(3)} s encoded` : ""}`,
  );
  return { plan, list };
}
