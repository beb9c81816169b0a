import { describe, expect, it } from "vitest";
import { LIVE_TARGET_DURATION_S, liveSegments, renderPlaylist, type Segment } from "@/lib/hls/playlist";

const init: [number, number] = [0, 800];
const seg = (i: number, ms: number): Segment => [1000 * (i + 1), 1000, ms];

describe("live (EVENT) playlist rules", () => {
  it("announces the same target duration whatever segments it lists", () => {
    const short = renderPlaylist({ mediaUrl: "m", init, segments: [seg(0, 4000)], kind: "event", ended: false });
    const long = renderPlaylist({ mediaUrl: "m", init, segments: [seg(0, 4000), seg(1, 7000)], kind: "event", ended: false });
    expect(short).toContain(`#EXT-X-TARGETDURATION:${LIVE_TARGET_DURATION_S}\n`);
    expect(long).toContain(`#EXT-X-TARGETDURATION:${LIVE_TARGET_DURATION_S}\n`);
    expect(long.startsWith(short)).toBe(true);
  });

  it("stays EVENT when it ends, with ENDLIST appended", () => {
    const growing = renderPlaylist({ mediaUrl: "m", init, segments: [seg(0, 4000)], kind: "event", ended: false });
    const ended = renderPlaylist({ mediaUrl: "m", init, segments: [seg(0, 4000)], kind: "event", ended: true });
    expect(ended).toBe(`${growing}#EXT-X-ENDLIST\n`);
    expect(ended).toContain("#EXT-X-PLAYLIST-TYPE:EVENT\n");
    expect(ended).not.toContain("VOD");
  });

  it("refuses to list a segment longer than the announced target duration", () => {
    expect(() => renderPlaylist({ mediaUrl: "m", init, segments: [seg(0, LIVE_TARGET_DURATION_S * 1000 + 1)], kind: "event", ended: false })).toThrow();
  });

  it("a VOD playlist still announces its longest segment", () => {
    expect(renderPlaylist({ mediaUrl: "m", init, segments: [seg(0, 4000), seg(1, 6400)], kind: "vod" })).toContain("#EXT-X-TARGETDURATION:7\n");
  });

  it("lists complete segments only, and none from a segment over the bound on", () => {
    const segments = [seg(0, 4000), seg(1, 7000), seg(2, 4000), seg(3, 12_000), seg(4, 4000), seg(5, 2000)];
    expect(liveSegments(segments.slice(0, 3), { finished: false, target: 4 })).toEqual(segments.slice(0, 3));
    expect(liveSegments([...segments.slice(0, 2), seg(2, 3000)], { finished: false, target: 4 })).toEqual(segments.slice(0, 2));
    expect(liveSegments([...segments.slice(0, 2), seg(2, 3000)], { finished: true, target: 4 })).toEqual([...segments.slice(0, 2), seg(2, 3000)]);
    expect(liveSegments(segments, { finished: true, target: 4 })).toEqual(segments.slice(0, 3));
  });
});
