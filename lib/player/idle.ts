import type { Activity } from "@/lib/recordings/activity";
import type { InputEvent } from "./heatmap";

/** Stretches shorter than this are kept: a pause to read is part of the session. */
export const IDLE_MIN_MS = 5_000;
/** A jump lands this long before the next activity, so the viewer sees it start. */
const LEAD_IN_MS = 500;

export type IdlePeriod = { startMs: number; endMs: number };

/**
 * Stretches with no screen change and no input, at least `minMs` long: what
 * "skip idle periods" jumps over. Screen activity comes in bins; a bin with
 * any change counts as active in full. Audio above a whisper counts as activity.
 */
export function idlePeriods(input: {
  durationMs: number;
  events: InputEvent[];
  activity: Activity | null;
  minMs?: number;
  /** Scene scores at or below this are compression noise, not a change. */
  screenThreshold?: number;
}): IdlePeriod[] {
  // Without the measured screen changes a quiet stretch may still be full of output
  // (a long build log, a video): claim nothing rather than skip what the viewer must see.
  if (!input.activity) return [];
  const minMs = input.minMs ?? IDLE_MIN_MS;
  const threshold = input.screenThreshold ?? 0.002;
  const active: IdlePeriod[] = input.events.map((e) => ({ startMs: e.tMs, endMs: e.tMs }));
  if (input.activity) {
    const { binMs } = input.activity;
    input.activity.screen.forEach((score, i) => {
      if (score > threshold) active.push({ startMs: i * binMs, endMs: (i + 1) * binMs });
    });
    input.activity.audio?.forEach((level, i) => {
      if (level > 0.05) active.push({ startMs: i * binMs, endMs: (i + 1) * binMs });
    });
  }
  active.sort((a, b) => a.startMs - b.startMs);
  const idle: IdlePeriod[] = [];
  let cursor = 0;
  for (const a of active) {
    if (a.startMs - cursor >= minMs) idle.push({ startMs: cursor, endMs: Math.max(cursor, a.startMs - LEAD_IN_MS) });
    cursor = Math.max(cursor, a.endMs);
  }
  if (input.durationMs - cursor >= minMs) idle.push({ startMs: cursor, endMs: input.durationMs });
  return idle.filter((p) => p.endMs - p.startMs >= minMs - LEAD_IN_MS);
}

/** Where playback at `tMs` should jump to, or null when it is not in an idle stretch. */
export function skipTarget(periods: IdlePeriod[], tMs: number): number | null {
  for (const p of periods) {
    if (tMs >= p.startMs && tMs < p.endMs - 250) return p.endMs;
    if (p.startMs > tMs) break;
  }
  return null;
}
