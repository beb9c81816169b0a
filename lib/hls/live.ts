import "server-only";
import { createWriteStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import { PassThrough, type Readable } from "node:stream";
import { env } from "@/lib/env";
import { getStorage, storageKeys } from "@/lib/storage";
import { parseFmp4, type ByteSource, type Fmp4Layout } from "./fmp4";
import { groupSegments, liveSegments, type Segment } from "./playlist";
import { listChunks } from "@/lib/recordings/queries";

/**
 * A session still being recorded plays from the chunks received so far, read
 * as one growing file: when the proxy records fragmented MP4 (ftyp + moov,
 * then moof + mdat pairs) every complete fragment is already playable, so the
 * EVENT playlist addresses byte ranges of the concatenated chunks directly,
 * without ffmpeg and without copying. Only the contiguous chunks from seq 0
 * count (a missing chunk stops the live edge until it arrives, and so does a
 * chunk held on another node's disk until it reaches the shared store). Other
 * containers (Matroska/WebM) cannot be cut this way and play once finished.
 */

type Piece = { seq: number; start: number; size: number };

/** The chunks received so far, contiguous from seq 0, and their total size. */
export async function getLiveChunks(recordingId: number): Promise<{ pieces: Piece[]; size: number }> {
  const rows = await listChunks({ recordingId });
  const pieces: Piece[] = [];
  let size = 0;
  for (const [i, row] of rows.entries()) {
    if (row.seq !== i || (row.heldBy !== null && row.heldBy !== env.NODE_NAME)) break;
    pieces.push({ seq: row.seq, start: size, size: row.sizeBytes });
    size += row.sizeBytes;
  }
  return { pieces, size };
}

async function readRange(recordingId: number, pieces: Piece[], offset: number, length: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  const stream = await streamRange(recordingId, pieces, offset, offset + length - 1);
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

/** Bytes [start, end] (inclusive) of the concatenated chunks, streamed chunk after chunk. */
export async function streamRange(recordingId: number, pieces: Piece[], start: number, end: number): Promise<Readable> {
  const storage = getStorage();
  const out = new PassThrough();
  const wanted = pieces.filter((p) => p.start + p.size > start && p.start <= end);
  void (async () => {
    try {
      for (const p of wanted) {
        const from = Math.max(0, start - p.start);
        const to = Math.min(p.size - 1, end - p.start);
        const part = await storage.read(storageKeys.chunk(recordingId, p.seq), { start: from, end: to });
        for await (const data of part) {
          if (!out.write(data)) await new Promise((r) => out.once("drain", r));
        }
      }
      out.end();
    } catch (error) {
      out.destroy(error as Error);
    }
  })();
  return out;
}

const layouts = new Map<number, { size: number; layout: Fmp4Layout }>();

/**
 * Segments of a live playlist are short: the player stays about three
 * segments behind the last one listed (hls.js's liveSyncDuration, set by the
 * player: the playlist's target duration is an upper bound,
 * LIVE_TARGET_DURATION_S), and a segment is listed only once complete, so the
 * picture trails the proxy by about 4 s with 1-s segments instead of about
 * 12 s with the 4-s segments of a finished recording (which keeps them: fewer
 * requests when seeking). Segments still start on keyframes: a proxy sending a
 * keyframe less often gets segments as long as its keyframe interval, up to
 * that bound (see liveSegments).
 */
export const LIVE_SEGMENT_TARGET_S = 1;

export type LiveView = {
  pieces: Piece[];
  size: number;
  init: [number, number] | null;
  segments: Segment[];
};

/** The playable part of a live recording: its init range and complete segments. */
export async function getLiveView(recordingId: number, { finished }: { finished: boolean }): Promise<LiveView> {
  const { pieces, size } = await getLiveChunks(recordingId);
  let layout = layouts.get(recordingId);
  if (!layout || layout.size !== size) {
    const source: ByteSource = { size, read: (offset, length) => readRange(recordingId, pieces, offset, length) };
    let parsed: Fmp4Layout;
    try {
      parsed = await parseFmp4(source);
    } catch {
      parsed = { initLength: 0, fragments: [], hasVideo: false, hasAudio: false, completeUpTo: 0 };
    }
    layout = { size, layout: parsed };
    layouts.set(recordingId, layout);
    if (layouts.size > 200) layouts.delete(layouts.keys().next().value!);
  }
  const { initLength, fragments } = layout.layout;
  if (!initLength || !fragments.length) return { pieces, size, init: null, segments: [] };
  // A segment listed in the playlist never changes afterwards (see liveSegments).
  const segments = liveSegments(groupSegments({ fragments }, LIVE_SEGMENT_TARGET_S), { finished, target: LIVE_SEGMENT_TARGET_S });
  return { pieces, size, init: [0, initLength], segments };
}

/** A part of a live recording written to a local file that ffmpeg can read: the init segment, then whole segments. */
export type LiveExcerpt = {
  /** Where the first segment of the file starts on the session's timeline (the EVENT playlist's), in ms. */
  startMs: number;
  /** Where the last complete segment ends: the live edge, in ms. */
  endMs: number;
  bytes: number;
};

/**
 * Writes the complete segments of a live recording from the one containing
 * `fromMs` to the live edge, after the init segment, into `file`: a
 * fragmented MP4 ffmpeg reads like any other. ffmpeg's mp4 demuxer starts such
 * a file's timestamps at 0 (it does not use the fragments' decode times), so
 * the caller adds `startMs`. Null when no complete segment lies at or after `fromMs`.
 */
export async function writeLiveExcerpt(recordingId: number, fromMs: number, file: string): Promise<LiveExcerpt | null> {
  const view = await getLiveView(recordingId, { finished: false });
  if (!view.init || !view.segments.length) return null;
  let t = 0;
  let first = -1;
  let firstStart = 0;
  for (const [i, segment] of view.segments.entries()) {
    if (first < 0 && t + segment[2] > fromMs) {
      first = i;
      firstStart = t;
    }
    t += segment[2];
  }
  if (first < 0) return null;
  const from = view.segments[first]!;
  const last = view.segments[view.segments.length - 1]!;
  const out = createWriteStream(file);
  const parts = [
    await streamRange(recordingId, view.pieces, view.init[0], view.init[0] + view.init[1] - 1),
    await streamRange(recordingId, view.pieces, from[0], last[0] + last[1] - 1),
  ];
  await pipeline(
    (async function* () {
      for (const part of parts) for await (const data of part) yield data as Buffer;
    })(),
    out,
  );
  return { startMs: firstStart, endMs: t, bytes: view.init[1] + last[0] + last[1] - from[0] };
}
