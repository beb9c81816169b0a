/**
 * Timeline thumbnails as the player uses them: which picture to show for a
 * moment, from an index fetched once. Pure, shared by the server (what it
 * generates) and the player (what it shows).
 *
 * A recording's thumbnails are small pictures taken every `intervalMs`
 * (the first frame at or after each multiple of it), laid out left to
 * right, top to bottom on JPEG sprite sheets of `columns` × `rows`.
 */

/** The index the player fetches: where each thumbnail is, and what it shows. */
export type ThumbnailIndex = {
  intervalMs: number;
  /** Size of one thumbnail in pixels. */
  width: number;
  height: number;
  columns: number;
  rows: number;
  /** The time of each thumbnail's picture (ms), in order. */
  times: number[];
  /** The URL of each sheet published so far. */
  sheets: string[];
  /** Thumbnails exist for [0, coveredMs); later moments have none yet (still generating, or live). */
  coveredMs: number;
  complete: boolean;
};

/** Thumbnail widths in pixels; the height follows the picture's aspect ratio. */
export const THUMBNAIL_WIDTH = 160;
/** At most this many thumbnails per recording: about one per 1.5 px of a wide timeline. */
export const MAX_THUMBNAILS = 720;
export const SHEET_COLUMNS = 10;
/** Five rows: a sheet holds 50 thumbnails, so the first one of a long recording is out after 50 intervals. */
export const SHEET_ROWS = 5;
const INTERVALS_S = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600];

/** The spacing of thumbnails for a recording of this length: the smallest "round" step giving at most MAX_THUMBNAILS. */
export function thumbnailInterval(durationMs: number): number {
  const seconds = Math.max(0, durationMs) / 1000;
  const step = INTERVALS_S.find((s) => seconds / s <= MAX_THUMBNAILS) ?? Math.ceil(seconds / MAX_THUMBNAILS);
  return step * 1000;
}

/** The size of one thumbnail of a picture of `width` × `height` (even numbers, as encoders want them). */
export function thumbnailSize(width: number | null, height: number | null): { width: number; height: number } {
  const w = width && width > 0 ? width : 16;
  const h = height && height > 0 ? height : 9;
  const tall = Math.round((THUMBNAIL_WIDTH * h) / w / 2) * 2;
  // A portrait picture is fitted into a square instead of making a very tall preview.
  if (tall > THUMBNAIL_WIDTH) return { width: Math.max(2, Math.round((THUMBNAIL_WIDTH * w) / h / 2) * 2), height: THUMBNAIL_WIDTH };
  return { width: THUMBNAIL_WIDTH, height: Math.max(2, tall) };
}

export type ThumbnailSpot = { index: number; tMs: number; sheet: string; x: number; y: number };

/**
 * The thumbnail to show at `tMs`: the last one taken at or before it (what
 * was on the screen then), or null when there is none yet for that moment.
 */
export function thumbnailAt(index: ThumbnailIndex | null, tMs: number): ThumbnailSpot | null {
  if (!index || !index.times.length || tMs < 0 || tMs >= index.coveredMs) return null;
  const { times } = index;
  let lo = 0;
  let hi = times.length - 1;
  let found = -1;
  // 1 ms of slack: the pointer's time is rounded, the picture's is the frame's own.
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! <= tMs + 1) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  if (found < 0) found = 0;
  const perSheet = index.columns * index.rows;
  const sheet = index.sheets[Math.floor(found / perSheet)];
  if (!sheet) return null;
  const cell = found % perSheet;
  return {
    index: found,
    tMs: times[found]!,
    sheet,
    x: (cell % index.columns) * index.width,
    y: Math.floor(cell / index.columns) * index.height,
  };
}
