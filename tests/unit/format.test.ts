import { describe, expect, it } from "vitest";
import { formatDateTime, formatDuration, formatSize, isValidTimeZone, shortHash } from "@/lib/format";

describe("formatSize", () => {
  it.each([
    [0, "0 B"],
    [1023, "1023 B"],
    [1024, "1.0 KB"],
    [1536, "1.5 KB"],
    [1024 * 1024 - 1, "1.0 MB"],
    [5 * 1024 * 1024 + 300 * 1024, "5.3 MB"],
    [3.25 * 1024 ** 3, "3.3 GB"],
    [2048 * 1024 ** 3, "2048.0 GB"],
  ])("%d bytes is %s", (bytes, text) => expect(formatSize(bytes)).toBe(text));
  it("rejects nonsense", () => expect(formatSize(-1)).toBe("—"));
});

describe("formatDuration", () => {
  it.each([
    [0, "00:00:00"],
    [999, "00:00:00"],
    [61_000, "00:01:01"],
    [3_600_000 * 2 + 5_000, "02:00:05"],
    [3_600_000 * 123, "123:00:00"],
  ])("%d ms is %s", (ms, text) => expect(formatDuration(ms)).toBe(text));
});

describe("dates", () => {
  const d = new Date("2026-03-01T23:30:05Z");
  it("formats in the viewer's zone", () => {
    expect(formatDateTime(d, "UTC")).toBe("2026-03-01 23:30:05 UTC");
    expect(formatDateTime(d, "Asia/Tokyo")).toMatch(/^2026-03-02 08:30:05 /);
  });
  it("validates zones", () => {
    expect(isValidTimeZone("Europe/Lisbon")).toBe(true);
    expect(isValidTimeZone("Mars/Olympus")).toBe(false);
    expect(isValidTimeZone("")).toBe(false);
  });
  it("shortens hashes", () => expect(shortHash("abcdef0123456789")).toBe("abcdef0123"));
});
