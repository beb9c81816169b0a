import type { Activity } from "@/lib/recordings/activity";

/** What the heatmap counts as input: the kinds of session events a person makes. */
/** `count` lets callers pass pre-aggregated rows (one per type and second) instead of every event. */
export type InputEvent = { tMs: number; type: string; count?: number };

export const HEATMAP_BUCKETS = 100;
/** Binomial 5-tap Gaussian kernel (σ ≈ 1 bucket). */
const KERNEL = [1, 4, 6, 4, 1].map((k) => k / 16);

/** How much each input counts: a pointer move is cheap, a key or click is a deliberate act. */
const INPUT_WEIGHT: Record<string, number> = { key: 1, click: 1, mouse: 0.25, clipboard: 1, command: 1, query: 1 };

export type Heatmap = {
  buckets: number;
  /** 0..1 per bucket, capped and smoothed. */
  input: number[];
  screen: number[];
  audio: number[] | null;
};

/**
 * Gaussian smoothing with the 5-tap kernel; the edges reuse the nearest value
 * so the curve does not sag at the start and the end.
 */
export function smooth(values: number[]): number[] {
  const n = values.length;
  return values.map((_, i) => {
    let sum = 0;
    for (let k = -2; k <= 2; k++) {
      const j = Math.min(n - 1, Math.max(0, i + k));
      sum += (values[j] ?? 0) * KERNEL[k + 2]!;
    }
    return sum;
  });
}

/**
 * Scales counts to 0..1 with a per-bucket cap: a burst of pasted text or a
 * video playing in the session must not flatten every other bucket. The cap
 * is the 90th percentile of the non-empty buckets (at least `minCap`).
 */
export function capAndScale(values: number[], minCap: number): number[] {
  const nonEmpty = values.filter((v) => v > 0).sort((a, b) => a - b);
  if (!nonEmpty.length) return values.map(() => 0);
  const p90 = nonEmpty[Math.min(nonEmpty.length - 1, Math.floor(nonEmpty.length * 0.9))]!;
  const cap = Math.max(minCap, p90);
  return values.map((v) => Math.min(v, cap) / cap);
}

/** Counts into `buckets` equal slices of [0, durationMs). */
export function bucketize(points: { tMs: number; weight: number }[], durationMs: number, buckets = HEATMAP_BUCKETS): number[] {
  const out = new Array<number>(buckets).fill(0);
  if (durationMs <= 0) return out;
  for (const p of points) {
    if (p.tMs < 0 || p.tMs > durationMs) continue;
    const i = Math.min(buckets - 1, Math.floor((p.tMs / durationMs) * buckets));
    out[i]! += p.weight;
  }
  return out;
}

/** The three activity curves of the timeline: input, screen changes, audio level. */
export function buildHeatmap(input: { durationMs: number; events: InputEvent[]; activity: Activity | null; buckets?: number }): Heatmap {
  const buckets = input.buckets ?? HEATMAP_BUCKETS;
  const inputCounts = bucketize(
    input.events.map((e) => ({ tMs: e.tMs, weight: (INPUT_WEIGHT[e.type] ?? 0) * (e.count ?? 1) })).filter((p) => p.weight > 0),
    input.durationMs,
    buckets,
  );
  let screen = new Array<number>(buckets).fill(0);
  let audio: number[] | null = null;
  if (input.activity) {
    const { binMs } = input.activity;
    screen = bucketize(
      input.activity.screen.map((score, i) => ({ tMs: i * binMs, weight: score })),
      input.durationMs,
      buckets,
    );
    if (input.activity.audio) {
      // Audio is a level, not a count: the bucket's mean level.
      const sums = bucketize(
        input.activity.audio.map((l, i) => ({ tMs: i * binMs, weight: l })),
        input.durationMs,
        buckets,
      );
      const counts = bucketize(
        input.activity.audio.map((_, i) => ({ tMs: i * binMs, weight: 1 })),
        input.durationMs,
        buckets,
      );
      audio = smooth(sums.map((s, i) => (counts[i] ? s / counts[i]! : 0)));
    }
  }
  return {
    buckets,
    input: smooth(capAndScale(inputCounts, 3)),
    screen: smooth(capAndScale(screen, 0.05)),
    audio,
  };
}

/**
 * An SVG path through the bucket values drawn as a smooth filled curve
 * (Catmull-Rom turned into cubic Béziers), in a `width` × `height` box with
 * 0 at the bottom.
 */
export function heatmapPath(values: number[], width: number, height: number): string {
  const n = values.length;
  if (!n) return "";
  const pts = values.map((v, i) => [((i + 0.5) / n) * width, height - Math.max(0, Math.min(1, v)) * height] as const);
  const f = (x: number) => Math.round(x * 100) / 100;
  let d = `M0,${height} L0,${f(pts[0]![1])} L${f(pts[0]![0])},${f(pts[0]![1])}`;
  for (let i = 0; i < n - 1; i++) {
    const p0 = pts[Math.max(0, i - 1)]!;
    const p1 = pts[i]!;
    const p2 = pts[i + 1]!;
    const p3 = pts[Math.min(n - 1, i + 2)]!;
    const c1 = [p1[0] + (p2[0] - p0[0]) / 6, p1[1] + (p2[1] - p0[1]) / 6];
    const c2 = [p2[0] - (p3[0] - p1[0]) / 6, p2[1] - (p3[1] - p1[1]) / 6];
    // Keep control points inside the box so the curve never dips below zero.
    const cy = (y: number) => Math.max(0, Math.min(height, y));
    d += ` C${f(c1[0]!)},${f(cy(c1[1]!))} ${f(c2[0]!)},${f(cy(c2[1]!))} ${f(p2[0])},${f(p2[1])}`;
  }
  const last = pts[n - 1]!;
  d += ` L${width},${f(last[1])} L${width},${height} Z`;
  return d;
}
