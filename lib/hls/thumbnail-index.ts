/**
 * The index of a recording's timeline thumbnails as `recordings.thumbnails`
 * stores it, and the pure parts of making them (the ffmpeg filter, reading
 * its output). The making itself is thumbnails.ts.
 */
import { z } from "zod";
import type { ThumbnailIndex } from "@/lib/domain/thumbnails";

export const storedThumbnailsSchema = z.object({
  v: z.literal(1),
  /** Part of the sheets' keys and URLs; a new index (another interval) gets a new one. */
  generation: z.string().regex(/^[a-z0-9]{6,32}$/),
  status: z.enum(["running", "complete", "failed"]),
  /** What the last run read: the playable file, or the chunks of a session still recorded. */
  source: z.enum(["playable", "live"]),
  intervalMs: z.number().int().positive(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  columns: z.number().int().positive(),
  rows: z.number().int().positive(),
  times: z.array(z.number().int().nonnegative()),
  /** How many thumbnails each published sheet holds (all full but the last). */
  sheets: z.array(z.number().int().positive()),
  coveredMs: z.number().int().nonnegative(),
  error: z.string().nullable(),
  updatedAt: z.string(),
});
export type StoredThumbnails = z.infer<typeof storedThumbnailsSchema>;

/** The index as the player gets it: sheet URLs instead of storage keys. */
export function thumbnailIndexFor(stored: StoredThumbnails, sheetUrl: (generation: string, sheet: number, count: number) => string): ThumbnailIndex {
  return {
    intervalMs: stored.intervalMs,
    width: stored.width,
    height: stored.height,
    columns: stored.columns,
    rows: stored.rows,
    times: stored.times.slice(
      0,
      stored.sheets.reduce((a, b) => a + b, 0),
    ),
    sheets: stored.sheets.map((count, n) => sheetUrl(stored.generation, n, count)),
    coveredMs: stored.coveredMs,
    complete: stored.status === "complete",
  };
}

/** Whether the page should queue a run: the recording has no thumbnails yet, or a run died half-way. */
export function thumbnailsWanted(stored: StoredThumbnails | null, live: boolean): boolean {
  if (!stored) return true;
  if (stored.status === "failed") return false;
  return live || stored.status !== "complete";
}

/**
 * The filter graph of one run: the first frame of every interval from
 * bucket `fromBucket` on, its time printed by showinfo, scaled and tiled.
 * `offsetS` is added to the frames' times when the input is an excerpt
 * whose timestamps start at 0 (a live session); a playable file is read with
 * its own timestamps (-copyts).
 */
export function thumbnailFilter(input: {
  intervalS: number;
  fromBucket: number;
  offsetS: number | null;
  width: number;
  height: number;
  columns: number;
  rows: number;
}): string {
  const shifted = (t: string) => (input.offsetS === null ? t : `(${t}+${input.offsetS})`);
  // The 1e-6 keeps a frame stored exactly on a multiple (10.000000) in that multiple's bucket.
  const bucket = (t: string) => `floor(${shifted(t)}/${input.intervalS}+0.000001)`;
  const select = `gte(${bucket("t")},${input.fromBucket})*(eq(n,0)+gt(${bucket("t")},${bucket("prev_t")}))`;
  return [
    input.offsetS === null ? null : "setpts=PTS-STARTPTS",
    `select='${select}'`,
    "showinfo",
    `scale=${input.width}:${input.height}:flags=bicubic`,
    `tile=${input.columns}x${input.rows}`,
  ]
    .filter(Boolean)
    .join(",");
}

/** The pictures' times from ffmpeg's showinfo lines (one per selected frame), in seconds. */
export function parseShowinfoTimes(text: string): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(/\] n:\s*\d+\s+pts:\s*-?\d+\s+pts_time:(-?[0-9.]+(?:e[-+]?\d+)?)/g)) out.push(Number(m[1]));
  return out;
}
