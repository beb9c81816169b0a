import { z } from "zod";
import type { Fmp4Layout } from "./fmp4";

/** Segments aim at this length; fragments (one per keyframe) are grouped up to it. */
export const SEGMENT_TARGET_S = 4;
/** No segment may be longer than this unless one keyframe interval is (see prepare.ts). */
export const SEGMENT_MAX_S = 6;
/**
 * The EXT-X-TARGETDURATION of every live (EVENT) playlist, announced from the
 * first one. RFC 8216 §6.2.1 lets an EVENT playlist only append segments (and
 * finally EXT-X-ENDLIST), and §4.3.3.1 lets no segment be longer than the
 * target duration, so the bound must hold before the proxy's keyframe
 * interval is known: 10 s covers x264's default (250 frames) at 25 fps and
 * more. A live segment longer than this is never listed (see liveSegments).
 */
export const LIVE_TARGET_DURATION_S = 10;

/**
 * What `recordings.playlist` holds: the byte layout of the playable file, so
 * that serving the playlist or a segment never reads or parses the media.
 * Segments are tuples `[offset, length, durationMs]` to keep 10-hour
 * recordings (≈ 9 000 segments) small in the row.
 */
export const storedPlaylistSchema = z.object({
  v: z.literal(1),
  /** Changes whenever the playable file is replaced; part of segment URLs, so caches never mix files. */
  generation: z.string().regex(/^[a-z0-9]{6,32}$/),
  mode: z.enum(["copy", "transcode"]),
  size: z.number().int().nonnegative(),
  durationMs: z.number().int().nonnegative(),
  init: z.tuple([z.number().int().nonnegative(), z.number().int().positive()]),
  segments: z.array(z.tuple([z.number().int().nonnegative(), z.number().int().positive(), z.number().int().nonnegative()])),
  hasAudio: z.boolean(),
  /** The longest keyframe interval was over SEGMENT_MAX_S: a re-encode with forced keyframes is due. */
  longGop: z.boolean(),
  preparedAt: z.string(),
});
export type StoredPlaylist = z.infer<typeof storedPlaylistSchema>;
export type Segment = StoredPlaylist["segments"][number];

/**
 * Groups consecutive fragments into segments of about SEGMENT_TARGET_S. A
 * segment always starts at a fragment boundary, which is a keyframe.
 */
export function groupSegments(layout: Pick<Fmp4Layout, "fragments">, target = SEGMENT_TARGET_S): Segment[] {
  const out: Segment[] = [];
  let offset = -1;
  let length = 0;
  let duration = 0;
  for (const f of layout.fragments) {
    const canCut = f.keyframe && offset >= 0;
    if (canCut && duration + f.duration > target + 0.05) {
      out.push([offset, length, Math.round(duration * 1000)]);
      offset = -1;
    }
    if (offset < 0) {
      offset = f.offset;
      length = 0;
      duration = 0;
    }
    length = f.offset + f.length - offset;
    duration += f.duration;
  }
  if (offset >= 0) out.push([offset, length, Math.round(duration * 1000)]);
  return out;
}

/**
 * The segments a live (EVENT) playlist may list: every complete segment while
 * the recording grows (the last group may still grow, so it waits until it
 * reaches `target` or the recording finished), and never one longer than
 * LIVE_TARGET_DURATION_S, nor any after it: an EVENT playlist can only be
 * extended, so the live edge stops before a keyframe interval over the bound
 * (the finished recording is prepared and plays in full from its own playlist).
 */
export function liveSegments(segments: Segment[], input: { finished: boolean; target: number }): Segment[] {
  let out = segments;
  const last = out[out.length - 1];
  if (!input.finished && last && last[2] < input.target * 1000) out = out.slice(0, -1);
  const tooLong = out.findIndex((s) => s[2] > LIVE_TARGET_DURATION_S * 1000);
  return tooLong < 0 ? out : out.slice(0, tooLong);
}

function extinf(ms: number) {
  return `#EXTINF:${(ms / 1000).toFixed(3)},`;
}

/**
 * The HLS media playlist (RFC 8216, version 7 for fMP4 with EXT-X-MAP):
 * every segment a byte range of one file, the init segment included. A VOD
 * playlist's target duration is its longest segment; an EVENT playlist's is
 * LIVE_TARGET_DURATION_S from the first to the last, and it stays EVENT when
 * the recording finishes, only gaining EXT-X-ENDLIST (RFC 8216 §6.2.1).
 */
export function renderPlaylist(
  input: {
    mediaUrl: string;
    init: [number, number];
    segments: Segment[];
  } & ({ kind: "vod" } | { kind: "event"; ended: boolean }),
): string {
  const maxMs = input.segments.reduce((m, s) => Math.max(m, s[2]), 0);
  if (input.kind === "event" && maxMs > LIVE_TARGET_DURATION_S * 1000) {
    throw new Error(`A live segment of ${maxMs} ms is longer than the announced target duration`);
  }
  const target = input.kind === "event" ? LIVE_TARGET_DURATION_S : Math.max(1, Math.ceil(maxMs / 1000));
  const lines = [
    "#EXTM3U",
    "#EXT-X-VERSION:7",
    `#EXT-X-TARGETDURATION:${target}`,
    "#EXT-X-MEDIA-SEQUENCE:0",
    `#EXT-X-PLAYLIST-TYPE:${input.kind === "vod" ? "VOD" : "EVENT"}`,
    "#EXT-X-INDEPENDENT-SEGMENTS",
    `#EXT-X-MAP:URI="${input.mediaUrl}",BYTERANGE="${input.init[1]}@${input.init[0]}"`,
  ];
  for (const [offset, length, ms] of input.segments) {
    lines.push(extinf(ms));
    // Always with "@offset": a client that joins mid-playlist (live) needs no earlier line.
    lines.push(`#EXT-X-BYTERANGE:${length}@${offset}`);
    lines.push(input.mediaUrl);
  }
  if (input.kind === "vod" || input.ended) lines.push("#EXT-X-ENDLIST");
  return `${lines.join("\n")}\n`;
}
