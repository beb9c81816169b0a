import "server-only";
import { randomBytes } from "node:crypto";
import { open } from "node:fs/promises";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { execa } from "execa";
import { LOCK_CLASSES, withAdvisoryLock } from "@/lib/db/locks";
import { env } from "@/lib/env";
import { ffmpegPath } from "@/lib/media/binaries";
import { ffmpegHasBitstreamFilter, probeStreams, probeVideoReorderDelayS } from "@/lib/media/probe";
import { getStorage, storageKeys } from "@/lib/storage";
import { parseFmp4, type ByteSource } from "./fmp4";
import { groupSegments, SEGMENT_MAX_S, type StoredPlaylist } from "./playlist";
import { getRecordingById } from "@/lib/recordings/queries";
import { getStoredPlaylist, savePlayable } from "./queries";

const COPY_TIMEOUT_MS = 10 * 60_000;
const TRANSCODE_TIMEOUT_MS = 6 * 60 * 60_000;

export type PrepareMode = "auto" | "reencode";

/** What the probe of the recording found (recordings row); null fields when it has not run. */
export type ProbeFacts = { videoCodec: string | null; audioCodec: string | null; hasAudio: boolean | null; durationMs: number | null };

/** Thrown by an on-demand preparation when the source must be encoded: too slow for a request. */
export class NeedsBackgroundPreparation extends Error {
  constructor(readonly recordingId: number) {
    super(`Recording ${recordingId} must be encoded in the background before it can play`);
  }
}

/** Where a running encode writes how far it got, for the player's "processing" state. */
export const progressKey = storageKeys.playableProgress;

/** The progress (0..1) of a running encode of the recording, or null when none is running. */
export async function getPreparationProgress(recordingId: number): Promise<number | null> {
  const storage = getStorage();
  const stat = await storage.stat(progressKey(recordingId));
  // A progress file not touched for a minute belongs to a run that died.
  if (!stat || Date.now() - stat.modifiedAt.getTime() > 60_000) return null;
  try {
    const parts: Buffer[] = [];
    for await (const part of await storage.read(progressKey(recordingId))) parts.push(part as Buffer);
    const value = (JSON.parse(Buffer.concat(parts).toString("utf8")) as { progress?: unknown }).progress;
    return typeof value === "number" ? Math.max(0, Math.min(1, value)) : null;
  } catch {
    return null;
  }
}

/**
 * The ffmpeg arguments that make a playable fragmented MP4. H.264 and AAC are
 * copied (a remux, seconds for hours of video); anything else is encoded to
 * H.264/AAC, tuned for screen content, with a keyframe forced every 2 s so
 * that segments stay short and seeking is exact.
 */
export function playableArgs(input: {
  source: string;
  output: string;
  video: string | null;
  audio: string | null;
  mode: PrepareMode;
  /** probeVideoReorderDelayS of the source: how far a keyframe's decode time precedes its display time. */
  videoDelayS?: number;
}): { args: string[]; mode: StoredPlaylist["mode"] } {
  const copyVideo = input.video === "h264" && input.mode === "auto";
  const args = ["-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-i", input.source, "-map", "0:v:0", "-map", "0:a:0?"];
  if (copyVideo) {
    args.push("-c:v", "copy");
  } else {
    args.push(
      "-c:v",
      "libx264",
      "-preset",
      "veryfast",
      // stillimage: few, sharp changes on a mostly static screen (text stays crisp).
      "-tune",
      "stillimage",
      "-crf",
      "23",
      "-pix_fmt",
      "yuv420p",
      "-vf",
      "scale=trunc(iw/2)*2:trunc(ih/2)*2",
      "-force_key_frames",
      "expr:gte(t,n_forced*2)",
    );
  }
  if (input.audio === "aac") args.push("-c:a", "copy");
  else if (input.audio) args.push("-c:a", "aac", "-b:a", "128k");
  // Fragments are cut where a video keyframe arrives in decode order, and audio is interleaved by
  // decode time, so with B-frames (a copied keyframe decoded videoDelayS before it is shown) every
  // segment's audio began that much before its picture (Shaka: "Possible encoding problem
  // detected"). Decoding the audio that much earlier too, its display times unchanged (a
  // composition offset), puts each audio frame in the fragment of the picture it plays with.
  const delay = copyVideo && input.audio ? (input.videoDelayS ?? 0) : 0;
  if (delay > 0) args.push("-bsf:a", `setts=dts=DTS-${delay.toFixed(6)}/TB`);
  args.push(
    "-max_muxing_queue_size",
    "4096",
    // One fragment per keyframe; default_base_moof is what MSE and hls.js expect. delay_moov
    // writes the header once the first fragment is known, so it carries the audio's encoder
    // delay as an edit list; with empty_moov that delay is instead added to the first video
    // frame, every keyframe lands ~21 ms after its place on the timeline, and a seek to a
    // keyframe's time decodes the whole interval before it.
    "-movflags",
    "+frag_keyframe+delay_moov+default_base_moof",
    "-f",
    "mp4",
    input.output,
  );
  return { args, mode: copyVideo ? "copy" : "transcode" };
}

/**
 * A file as a ByteSource with a read-ahead window: the parser asks for a box
 * header, then the moof, then the mdat header, all within a few thousand
 * bytes, so one read serves several of them (a 2-hour file: ~3 600 reads
 * instead of ~11 000).
 */
export function fileSource(handle: Awaited<ReturnType<typeof open>>, size: number, windowSize = 8 * 1024): ByteSource {
  let windowStart = 0;
  let window = Buffer.alloc(0);
  return {
    size,
    read: async (offset, length) => {
      if (offset >= windowStart && offset + length <= windowStart + window.length) {
        return window.subarray(offset - windowStart, offset - windowStart + length);
      }
      const want = Math.max(length, windowSize);
      const buf = Buffer.allocUnsafe(Math.min(want, Math.max(0, size - offset)));
      const { bytesRead } = await handle.read(buf, 0, buf.length, offset);
      windowStart = offset;
      window = buf.subarray(0, bytesRead);
      return window.subarray(0, Math.min(length, bytesRead));
    },
  };
}

/** Lays out a local fragmented MP4 into the stored playlist form. */
export async function layoutPlayable(file: string, mode: StoredPlaylist["mode"]): Promise<StoredPlaylist> {
  const handle = await open(file, "r");
  try {
    const { size } = await handle.stat();
    const layout = await parseFmp4(fileSource(handle, size));
    if (!layout.fragments.length || layout.initLength <= 0) throw new Error("The playable file has no fragments");
    const segments = groupSegments(layout);
    const last = layout.fragments[layout.fragments.length - 1]!;
    const first = layout.fragments[0]!;
    const durationMs = Math.round((last.start + last.duration - first.start) * 1000);
    const longest = layout.fragments.reduce((m, f) => Math.max(m, f.duration), 0);
    return {
      v: 1,
      generation: randomBytes(8).toString("hex"),
      mode,
      size,
      durationMs,
      init: [0, layout.initLength],
      segments,
      hasAudio: layout.hasAudio,
      longGop: longest > SEGMENT_MAX_S + 0.5,
      preparedAt: new Date().toISOString(),
    };
  } finally {
    await handle.close();
  }
}

/** Runs ffmpeg on the stored media and stores the playable file and its playlist. */
async function makePlayable(
  recordingId: number,
  mode: PrepareMode,
  options: { signal?: AbortSignal; onDemand?: boolean; facts?: ProbeFacts },
): Promise<StoredPlaylist> {
  const { signal } = options;
  const storage = getStorage();
  const source = await storage.localPath(storageKeys.media(recordingId));
  // Work beside the data, not in /tmp: on the same file system the finished file is moved into
  // storage by a rename instead of copied (a 2-hour recording is hundreds of megabytes).
  await mkdir(path.join(env.DATA_DIR, "tmp"), { recursive: true });
  const dir = await mkdtemp(path.join(env.DATA_DIR, "tmp", `hls-${recordingId}-`));
  const started = Date.now();
  try {
    // The probe job (lib/ingest) already stored the codecs; ask ffprobe only when it has not run yet.
    const known = options.facts?.videoCodec
      ? {
          video: options.facts.videoCodec,
          audio: options.facts.hasAudio ? (options.facts.audioCodec ?? "unknown") : null,
          durationS: (options.facts.durationMs ?? 0) / 1000,
        }
      : null;
    const streams = known ?? (await probeStreams(source.path, signal));
    if (!streams.video) throw new Error("The recording has no video stream");
    const output = path.join(dir, "playable.mp4");
    // Needs ffmpeg's setts (4.4 and later; the npm-installed ffmpeg is older and leaves the lead).
    const alignAudio = streams.audio && streams.video === "h264" && mode === "auto" && (await ffmpegHasBitstreamFilter("setts"));
    const videoDelayS = alignAudio ? await probeVideoReorderDelayS(source.path, signal) : 0;
    const { args, mode: used } = playableArgs({ source: source.path, output, ...streams, mode, videoDelayS });
    if (used === "transcode" && options.onDemand) throw new NeedsBackgroundPreparation(recordingId);
    const run = execa(ffmpegPath(), ["-progress", "pipe:1", "-nostats", ...args], {
      timeout: used === "copy" ? COPY_TIMEOUT_MS : TRANSCODE_TIMEOUT_MS,
      cancelSignal: signal,
      reject: false,
      stdout: "pipe",
      buffer: { stdout: false, stderr: true },
    });
    let lastWrite = 0;
    run.stdout?.setEncoding("utf8");
    run.stdout?.on("data", (chunk: string) => {
      const m = /out_time_ms=(\d+)/.exec(chunk);
      if (!m || used !== "transcode" || !streams.durationS || Date.now() - lastWrite < 2000) return;
      lastWrite = Date.now();
      const progress = Number(m[1]) / 1e6 / streams.durationS;
      void getStorage()
        .write(progressKey(recordingId), Readable.from([JSON.stringify({ progress })]))
        .catch(() => {});
    });
    const result = await run;
    if (result.failed) {
      console.error(`[hls] ffmpeg failed for recording ${recordingId}:`, result.stderr);
      throw new Error(`ffmpeg could not make the recording playable: ${String(result.stderr).split("\n").filter(Boolean).pop() ?? "unknown error"}`);
    }
    const playlist = await layoutPlayable(output, used);
    const key = storageKeys.playable(recordingId, playlist.generation);
    await storage.importFile(key, output);
    const replaced = (await getRecordingById({ id: recordingId }))?.playableKey;
    await savePlayable({ recordingId, playableKey: key, playlist });
    // The old generation's URLs answer 404 from now on (their generation is no longer current).
    if (replaced && replaced !== key) await storage.delete(replaced);
    console.log(
      `[hls] recording ${recordingId} playable (${used}) in ${Date.now() - started} ms: ${playlist.segments.length} segments${playlist.longGop ? ", long keyframe intervals" : ""}`,
    );
    return playlist;
  } finally {
    await source.release();
    await rm(dir, { recursive: true, force: true });
    await storage.delete(progressKey(recordingId)).catch(() => {});
  }
}

const inFlight = new Map<string, Promise<StoredPlaylist>>();

/**
 * The playlist of a recording, making it playable first when needed. Within
 * this process concurrent callers share one promise; across processes a
 * Postgres advisory lock lets one ffmpeg run while the others wait and then
 * read its result. Returns the existing playlist when there is one (unless a
 * re-encode is asked for).
 */
export function ensurePlayable(
  recordingId: number,
  options: { mode?: PrepareMode; signal?: AbortSignal; onDemand?: boolean; facts?: ProbeFacts } = {},
): Promise<StoredPlaylist> {
  const mode = options.mode ?? "auto";
  const key = `${recordingId}:${mode}:${options.onDemand ? "now" : "bg"}`;
  const running = inFlight.get(key);
  if (running) return running;
  const promise = (async () => {
    if (mode === "auto") {
      const existing = await getStoredPlaylist({ recordingId });
      if (existing) return existing;
    }
    // Poll a try-lock rather than block in pg_advisory_lock: a cancelled request stops waiting,
    // and a waiter returns as soon as another process has stored the playlist.
    return withAdvisoryLock(
      { class: LOCK_CLASSES.playback, id: recordingId },
      async () => {
        const existing = await getStoredPlaylist({ recordingId });
        if (existing && (mode === "auto" || existing.mode === "transcode")) return existing;
        return makePlayable(recordingId, mode, options);
      },
      {
        pollMs: 150,
        signal: options.signal,
        until: async () => (mode === "auto" ? ((await getStoredPlaylist({ recordingId })) ?? undefined) : undefined),
      },
    );
  })().finally(() => inFlight.delete(key));
  inFlight.set(key, promise);
  return promise;
}
