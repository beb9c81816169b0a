/**
 * The part of a recording an auditor cuts out as a clip: its limits and how
 * the player sets them. Pure, shared by the player and the server's check.
 */

/** "Clip ±30 s" from a log line or a finding. */
export const CLIP_AROUND_MS = 30_000;
/** Shorter than this is not a clip worth a conversion (a still frame is "Save frame"). */
export const CLIP_MIN_MS = 500;

export type ClipRange = { startMs: number; endMs: number };

/** The clip around a moment: 30 s before and after, kept inside the recording. */
export function clipAround(tMs: number, durationMs: number): ClipRange {
  const startMs = Math.max(0, Math.round(tMs - CLIP_AROUND_MS));
  const endMs = Math.min(Math.round(durationMs), Math.round(tMs + CLIP_AROUND_MS));
  return { startMs, endMs: Math.max(endMs, Math.min(Math.round(durationMs), startMs + CLIP_MIN_MS)) };
}

/**
 * A valid clip of a recording of `durationMs`, or a reason why not: whole
 * milliseconds, start before end, at least CLIP_MIN_MS, inside the recording
 * (an end a little past it, from a rounded clock, is cut to it).
 */
export function checkClip(range: ClipRange, durationMs: number): ClipRange | { error: string } {
  const startMs = Math.round(range.startMs);
  let endMs = Math.round(range.endMs);
  if (!Number.isFinite(startMs) || !Number.isFinite(endMs) || startMs < 0) return { error: "The clip's start is not a moment of the recording." };
  if (durationMs > 0) {
    if (startMs >= durationMs) return { error: "The clip starts after the end of the recording." };
    endMs = Math.min(endMs, Math.round(durationMs));
  }
  if (endMs <= startMs) return { error: "The clip must end after it starts." };
  if (endMs - startMs < CLIP_MIN_MS) return { error: `A clip lasts at least ${CLIP_MIN_MS / 1000} s.` };
  return { startMs, endMs };
}
