import { z } from "zod";
import type { Fmp4Layout } from "./fmp4";

/** Segments aim at this length; fragments (one per keyframe) are grouped up to it. */
export const SEGMENT_TARGET_S = 4;
/** No segment may be longer than this unless one keyframe interval is (see prepare.ts). */
export const SEGMENT_MAX_S = 6;

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

function extinf(ms: number) {
  return `#EXTINF:${(ms / 1000).toFixed(3)},`;
}

/**
 * The HLS media playlist (RFC 8216, version 7 for fMP4 with EXT-X-MAP):
 * every segment a byte range of one file, the init segment included.
 */
export function renderPlaylist(input: {
  mediaUrl: string;
  init: [number, number];
  segments: Segment[];
  /** "vod" is complete; "event" grows and has no ENDLIST yet. */
  kind: "vod" | "event";
}): string {
  const maxMs = input.segments.reduce((m, s) => Math.max(m, s[2]), 0);
  const lines = [
    "#EXTM3U",
    "#EXT-X-VERSION:7",
    `#EXT-X-TARGETDURATION:${Math.max(1, Math.ceil(maxMs / 1000))}`,
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
  if (input.kind === "vod") lines.push("#EXT-X-ENDLIST");
  return `${lines.join("\n")}\n`;
}
