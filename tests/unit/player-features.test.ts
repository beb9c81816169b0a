import { describe, expect, it } from "vitest";
import { thumbnailFilter, parseShowinfoTimes } from "@/lib/hls/thumbnail-index";
import { buildChapters } from "@/lib/player/chapters";
import { checkClip, clipAround } from "@/lib/player/clip";
import type { LogLine } from "@/lib/player/keylog";
import { markerAt, markersOf, nextMarker, previousMarker, type Marker } from "@/lib/player/markers";
import { thumbnailAt, thumbnailInterval, thumbnailSize, type ThumbnailIndex } from "@/lib/domain/thumbnails";

describe("thumbnail spacing and size", () => {
  it("takes the smallest round interval that keeps a recording under 720 thumbnails", () => {
    expect(thumbnailInterval(60_000)).toBe(1000);
    expect(thumbnailInterval(720_000)).toBe(1000);
    expect(thumbnailInterval(721_000)).toBe(2000);
    expect(thumbnailInterval(2 * 3600_000)).toBe(10_000);
    expect(thumbnailInterval(0)).toBe(1000);
    // Past the last round step: whatever keeps 720.
    expect(thumbnailInterval(720 * 1200_000)).toBe(1_200_000);
  });
  it("is 160 px wide with the picture's ratio in even pixels; a portrait picture fits a 160 px square", () => {
    expect(thumbnailSize(1920, 1080)).toEqual({ width: 160, height: 90 });
    expect(thumbnailSize(1280, 1024)).toEqual({ width: 160, height: 128 });
    expect(thumbnailSize(1080, 1920)).toEqual({ width: 90, height: 160 });
    expect(thumbnailSize(null, null)).toEqual({ width: 160, height: 90 });
  });
});

describe("thumbnailAt", () => {
  const index: ThumbnailIndex = {
    intervalMs: 1000,
    width: 160,
    height: 90,
    columns: 10,
    rows: 5,
    times: Array.from({ length: 60 }, (_, i) => i * 1000 + (i % 3 === 0 ? 0 : 40)),
    sheets: ["/s0.jpg", "/s1.jpg"],
    coveredMs: 60_000,
    complete: true,
  };
  it("shows the last picture taken at or before the moment, at its cell of its sheet", () => {
    expect(thumbnailAt(index, 0)).toEqual({ index: 0, tMs: 0, sheet: "/s0.jpg", x: 0, y: 0 });
    expect(thumbnailAt(index, 13_500)).toEqual({ index: 13, tMs: 13_040, sheet: "/s0.jpg", x: 3 * 160, y: 90 });
    // 13 040 is taken a little after 13 000: at 13 020 the screen showed picture 12.
    expect(thumbnailAt(index, 13_020)?.index).toBe(12);
    expect(thumbnailAt(index, 51_999)).toMatchObject({ index: 51, sheet: "/s1.jpg", x: 160, y: 0 });
  });
  it("has nothing past what is covered, before 0, or without an index", () => {
    expect(thumbnailAt(index, 60_000)).toBeNull();
    expect(thumbnailAt({ ...index, coveredMs: 50_000 }, 55_000)).toBeNull();
    expect(thumbnailAt(index, -1)).toBeNull();
    expect(thumbnailAt(null, 10)).toBeNull();
    // A thumbnail whose sheet is not published yet.
    expect(thumbnailAt({ ...index, sheets: ["/s0.jpg"] }, 55_000)).toBeNull();
  });
});

describe("the thumbnails' ffmpeg filter and output", () => {
  it("selects the first frame of every interval from a bucket on, shifted for a live excerpt", () => {
    const vf = thumbnailFilter({ intervalS: 10, fromBucket: 3, offsetS: null, width: 160, height: 90, columns: 10, rows: 5 });
    expect(vf).toBe(
      "select='gte(floor(t/10+0.000001),3)*(eq(n,0)+gt(floor(t/10+0.000001),floor(prev_t/10+0.000001)))',showinfo,scale=160:90:flags=bicubic,tile=10x5",
    );
    expect(thumbnailFilter({ intervalS: 5, fromBucket: 0, offsetS: 12.5, width: 160, height: 90, columns: 10, rows: 5 })).toMatch(
      /^setpts=PTS-STARTPTS,select='.*floor\(\(t\+12\.5\)\/5/,
    );
  });
  it("reads the times of showinfo's lines", () => {
    const text = [
      "[Parsed_showinfo_1 @ 0x1] n:   0 pts:      0 pts_time:0       duration:512",
      "[Parsed_showinfo_1 @ 0x1] n:   1 pts:  15360 pts_time:1.0004  duration:512",
      "frame=    1 fps=0.0",
    ].join("\n");
    expect(parseShowinfoTimes(text)).toEqual([0, 1.0004]);
  });
});

describe("chapters", () => {
  const log: LogLine[] = [
    { kind: "window", tMs: 1000, text: "Server Manager" },
    { kind: "window", tMs: 2000, text: "Server  Manager " },
    { kind: "keys", tMs: 3000, endMs: 3500, text: "ls -la", masked: false },
    { kind: "keys", tMs: 4000, endMs: 4500, text: "••••••", masked: true },
    { kind: "window", tMs: 5000, text: "x".repeat(200) },
  ];
  it("makes one chapter per window title (a repeat right after counts once), and one per typed line of a terminal", () => {
    const chapters = buildChapters(log, "terminal");
    expect(chapters.map((c) => [c.tMs, c.label.length > 40 ? `${c.label.slice(0, 3)}…${c.label.length}` : c.label])).toEqual([
      [1000, "Server Manager"],
      [3000, "$ ls -la"],
      [5000, "xxx…120"],
    ]);
    expect(chapters.every((c) => c.kind === "chapter")).toBe(true);
  });
  it("uses the proxy's command events instead of typed lines when there are any; a graphical session has window chapters only", () => {
    const withCommands: LogLine[] = [...log, { kind: "command", tMs: 6000, text: "systemctl restart nginx" }];
    expect(buildChapters(withCommands, "terminal").map((c) => c.label)).toEqual(["Server Manager", `${"x".repeat(119)}…`, "$ systemctl restart nginx"]);
    expect(buildChapters(log, "graphical").map((c) => c.tMs)).toEqual([1000, 5000]);
  });
});

describe("markers", () => {
  const m = (tMs: number, kind: Marker["kind"] = "chapter"): Marker => ({ tMs, kind, label: String(tMs), criticality: null });
  const chapters = [m(0), m(10_000), m(20_000)];
  it("jumps to the next chapter, and back to the current one's start unless it began less than 1.5 s ago", () => {
    expect(nextMarker(chapters, 0)?.tMs).toBe(10_000);
    expect(nextMarker(chapters, 9_600)?.tMs).toBe(20_000);
    expect(nextMarker(chapters, 20_000)).toBeNull();
    expect(previousMarker(chapters, 15_000)?.tMs).toBe(10_000);
    expect(previousMarker(chapters, 11_000)?.tMs).toBe(0);
    expect(previousMarker(chapters, 1000)).toBeNull();
    expect(markerAt(chapters, 19_999)?.tMs).toBe(10_000);
  });
  it("sorts kinds into findings and chapters", () => {
    const all = [m(1, "finding"), m(2, "chapter"), m(3, "query-error")];
    expect(markersOf(all, "finding").map((x) => x.tMs)).toEqual([1, 3]);
    expect(markersOf(all, "chapter").map((x) => x.tMs)).toEqual([2]);
  });
});

describe("clip ranges", () => {
  it("cuts 30 s either side of a moment, inside the recording", () => {
    expect(clipAround(60_000, 600_000)).toEqual({ startMs: 30_000, endMs: 90_000 });
    expect(clipAround(10_000, 600_000)).toEqual({ startMs: 0, endMs: 40_000 });
    expect(clipAround(590_000, 600_000)).toEqual({ startMs: 560_000, endMs: 600_000 });
  });
  it("refuses a start outside the recording, an end before the start and a clip under half a second; cuts an end past the recording", () => {
    expect(checkClip({ startMs: 1000, endMs: 11_000 }, 60_000)).toEqual({ startMs: 1000, endMs: 11_000 });
    expect(checkClip({ startMs: 50_000, endMs: 70_000 }, 60_000)).toEqual({ startMs: 50_000, endMs: 60_000 });
    expect(checkClip({ startMs: -1, endMs: 10 }, 60_000)).toHaveProperty("error");
    expect(checkClip({ startMs: 60_000, endMs: 61_000 }, 60_000)).toHaveProperty("error");
    expect(checkClip({ startMs: 5000, endMs: 5000 }, 60_000)).toHaveProperty("error");
    expect(checkClip({ startMs: 5000, endMs: 5400 }, 60_000)).toHaveProperty("error");
    expect(checkClip({ startMs: Number.NaN, endMs: 5400 }, 60_000)).toHaveProperty("error");
  });
});
