import { describe, expect, it } from "vitest";
import { bucketize, buildHeatmap, capAndScale, heatmapPath, smooth } from "@/lib/player/heatmap";
import { idlePeriods, skipTarget } from "@/lib/player/idle";

describe("heatmap", () => {
  it("counts events into equal buckets of the duration", () => {
    const b = bucketize(
      [
        { tMs: 0, weight: 1 },
        { tMs: 999, weight: 1 },
        { tMs: 1000, weight: 2 },
        { tMs: 10_000, weight: 5 },
      ],
      10_000,
      10,
    );
    expect(b).toEqual([2, 2, 0, 0, 0, 0, 0, 0, 0, 5]);
  });

  it("smooths with the 5-tap Gaussian kernel and keeps the total of an inner spike", () => {
    const s = smooth([0, 0, 0, 16, 0, 0, 0]);
    expect(s).toEqual([0, 1, 4, 6, 4, 1, 0]);
    expect(s.reduce((a, b) => a + b, 0)).toBe(16);
  });

  it("caps a burst so that it does not flatten every other bucket", () => {
    const values = [1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 500];
    const scaled = capAndScale(values, 1);
    expect(scaled[10]).toBe(1);
    expect(scaled[1]).toBe(1); // 2 is the cap (90th percentile), not 500
    expect(scaled[0]).toBe(0.5);
    expect(capAndScale([0, 0], 1)).toEqual([0, 0]);
  });

  it("builds input, screen and audio curves from events and measured activity", () => {
    const events = Array.from({ length: 50 }, (_, i) => ({ tMs: 10_000 + i * 10, type: "key" }));
    const h = buildHeatmap({
      durationMs: 100_000,
      events,
      activity: {
        v: 1,
        binMs: 1000,
        screen: Array.from({ length: 100 }, (_, i) => (i >= 80 ? 0.5 : 0)),
        audio: Array.from({ length: 100 }, (_, i) => (i < 20 ? 1 : 0)),
      },
    });
    expect(h.input).toHaveLength(100);
    const peak = h.input.indexOf(Math.max(...h.input));
    expect(peak).toBe(10);
    expect(h.input[50]).toBe(0);
    expect(h.screen[90]).toBeGreaterThan(0.9);
    expect(h.screen[40]).toBe(0);
    expect(h.audio?.[5]).toBeCloseTo(1);
    expect(h.audio?.[60]).toBe(0);
  });

  it("draws a closed smooth path inside the box", () => {
    const d = heatmapPath([0, 1, 0.5, 0], 100, 50);
    expect(d.startsWith("M0,50")).toBe(true);
    expect(d.endsWith("Z")).toBe(true);
    expect(d).toContain(" C");
    const numbers = d.match(/-?\d+(\.\d+)?/g)!.map(Number);
    expect(Math.min(...numbers)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...numbers)).toBeLessThanOrEqual(100);
  });
});

describe("idle periods", () => {
  it("finds stretches with no input and no screen change, and where to jump", () => {
    const screen = new Array(60).fill(0);
    screen[30] = 0.2;
    const periods = idlePeriods({
      durationMs: 60_000,
      events: [
        { tMs: 2000, type: "key" },
        { tMs: 45_000, type: "click" },
      ],
      activity: { v: 1, binMs: 1000, screen, audio: null },
    });
    expect(periods).toEqual([
      { startMs: 2000, endMs: 29_500 },
      { startMs: 31_000, endMs: 44_500 },
      { startMs: 45_000, endMs: 60_000 },
    ]);
    expect(skipTarget(periods, 10_000)).toBe(29_500);
    expect(skipTarget(periods, 30_500)).toBeNull();
    expect(skipTarget(periods, 1000)).toBeNull();
  });

  it("keeps short pauses, and claims nothing idle before the screen was measured", () => {
    const events = Array.from({ length: 30 }, (_, i) => ({ tMs: i * 2000, type: "key" }));
    const quiet = { v: 1 as const, binMs: 1000, screen: new Array(60).fill(0), audio: null };
    expect(idlePeriods({ durationMs: 60_000, events, activity: quiet })).toEqual([]);
    expect(idlePeriods({ durationMs: 60_000, events: [], activity: null })).toEqual([]);
    expect(idlePeriods({ durationMs: 60_000, events: [], activity: quiet })).toEqual([{ startMs: 0, endMs: 60_000 }]);
  });
});
