import { describe, expect, it } from "vitest";
import { DEFAULT_FPS, frameRateOf, parseRate } from "@/lib/player/frame-rate";

describe("parseRate", () => {
  it("reads ffprobe's fractions and plain numbers", () => {
    expect(parseRate("15/1")).toBe(15);
    expect(parseRate("30000/1001")).toBeCloseTo(29.97, 2);
    expect(parseRate("25")).toBe(25);
  });
  it("refuses 0/0, time bases posing as rates and garbage", () => {
    expect(parseRate("0/0")).toBeNull();
    expect(parseRate("1000/1")).toBeNull();
    expect(parseRate("abc")).toBeNull();
    expect(parseRate(null)).toBeNull();
  });
});

describe("frameRateOf", () => {
  it("prefers the average rate, then the base rate, then 30 fps", () => {
    expect(frameRateOf({ avgFrameRate: "10/1", rFrameRate: "20/1" })).toBe(10);
    expect(frameRateOf({ avgFrameRate: "0/0", rFrameRate: "12/1" })).toBe(12);
    expect(frameRateOf({ avgFrameRate: "0/0", rFrameRate: "1000/1" })).toBe(DEFAULT_FPS);
    expect(frameRateOf(null)).toBe(DEFAULT_FPS);
  });
});
