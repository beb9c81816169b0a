/**
 * The frame rate the player steps by with `,` and `.`, from the probe facts
 * stored at ingestion (ffprobe's rates are fractions such as "30000/1001").
 */

/** When the probe has no usable rate: the common screen-recording rate. */
export const DEFAULT_FPS = 30;
/** Rates above this are time bases, not frame rates (Matroska/WebM report "1000/1" for variable rates). */
const MAX_FPS = 240;

/** Frames per second of an ffprobe rate ("num/den" or a number), or null when it is 0/0, absurd or unreadable. */
export function parseRate(rate: string | null | undefined): number | null {
  if (!rate) return null;
  const [num, den = "1"] = rate.split("/");
  const fps = Number(num) / Number(den);
  return Number.isFinite(fps) && fps > 0 && fps <= MAX_FPS ? fps : null;
}

/**
 * The recording's frame rate: the average rate (what a variable-rate screen
 * recording really shows), else the base rate, else DEFAULT_FPS.
 */
export function frameRateOf(video: { avgFrameRate?: string | null; rFrameRate?: string | null } | null): number {
  return parseRate(video?.avgFrameRate) ?? parseRate(video?.rFrameRate) ?? DEFAULT_FPS;
}
