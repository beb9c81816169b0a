import { describe, expect, it } from "vitest";
import { copySeekS, planCut, type VideoPacket } from "@/lib/exports/cut-plan";

/** 10 fps in a 1/1000 time base, a keyframe every `gop` frames; with `bFrames`, IPBB… reordered with a delay of `delay` frames. */
function stream(frames: number, gop: number, bFrames = false, delay = 2): VideoPacket[] {
  const out: VideoPacket[] = [];
  for (let i = 0; i < frames; i++) out.push({ pts: i * 100, dts: (i - (bFrames ? delay : 0)) * 100, key: i % gop === 0 });
  if (!bFrames) return out;
  // Within each GOP after its keyframe, swap pairs in decode order: a P shown after the B decoded next.
  const ordered: VideoPacket[] = [];
  for (let g = 0; g < frames; g += gop) {
    const gopPackets = out.slice(g, g + gop);
    const [key, ...rest] = gopPackets;
    ordered.push(key!);
    for (let i = 0; i + 1 < rest.length; i += 2) ordered.push(rest[i + 1]!, rest[i]!);
    if (rest.length % 2) ordered.push(rest[rest.length - 1]!);
  }
  return ordered.map((p, i) => ({ ...p, dts: (i - (bFrames ? delay : 0)) * 100 }));
}

describe("cutting a clip from pieces", () => {
  it("without B-frames: encodes up to the first keyframe, copies from it to the end", () => {
    const plan = planCut({ packets: stream(300, 20), tickS: 0.001, fileStartS: 0, clip: { startMs: 4500, endMs: 14_500 } });
    expect(plan).toEqual({
      kind: "cut",
      head: { startS: 4.5, durationS: expect.closeTo(1.5, 6), frames: 15 },
      middle: { startS: 6, durationS: expect.closeTo(8.5, 6), keyPts: 6000, frames: 85 },
      tail: null,
      delayFrames: 0,
    });
  });

  it("counts the frames shown in an encoded piece, whatever its limits fall between", () => {
    // 10 fps from 0.03 s on: a clip from 4.5 s shows 4.53 … 5.93 before the keyframe at 6.03.
    const packets = stream(300, 20).map((p) => ({ ...p, pts: p.pts + 30, dts: p.dts + 30 }));
    expect(planCut({ packets, tickS: 0.001, fileStartS: 0, clip: { startMs: 4500, endMs: 14_500 } })).toMatchObject({
      head: { startS: 4.5, frames: 15 },
      middle: { startS: 6.03, frames: 85 },
    });
  });

  it("with B-frames, an edge of no more frames than the delay takes in the GOP beside it (x264 would encode it without the delay)", () => {
    // Keyframes every 2 s, 10 fps: 5.85 s leaves 1 frame before 6 s, 14.15 s 2 frames from 14 s.
    const plan = planCut({ packets: stream(300, 20, true), tickS: 0.001, fileStartS: 0, clip: { startMs: 5850, endMs: 14_150 } });
    expect(plan).toMatchObject({ head: { startS: 5.85, frames: 21 }, middle: { startS: 8, frames: 40 }, tail: { startS: 12, frames: 22 } });
    // Three frames are enough.
    expect(planCut({ packets: stream(300, 20, true), tickS: 0.001, fileStartS: 0, clip: { startMs: 5650, endMs: 14_250 } })).toMatchObject({
      head: { frames: 3 },
      middle: { startS: 6, frames: 80 },
      tail: { frames: 3 },
    });
  });

  it("a start on a keyframe has no head", () => {
    const plan = planCut({ packets: stream(300, 20), tickS: 0.001, fileStartS: 0, clip: { startMs: 6000, endMs: 9000 } });
    expect(plan).toMatchObject({ kind: "cut", head: null, middle: { startS: 6, frames: 30 } });
  });

  it("with B-frames: copies whole GOPs to the last keyframe and encodes the tail, with the recording's delay", () => {
    const plan = planCut({ packets: stream(300, 20, true), tickS: 0.001, fileStartS: 0, clip: { startMs: 4500, endMs: 14_500 } });
    expect(plan).toMatchObject({
      kind: "cut",
      head: { startS: 4.5, frames: 15 },
      middle: { startS: 6, frames: 80 },
      tail: { startS: 14, frames: 5 },
      delayFrames: 2,
    });
  });

  it("encodes whole what a copy cannot join: no keyframe inside, one keyframe with B-frames, a delay x264 does not make, an open GOP", () => {
    expect(planCut({ packets: stream(300, 200), tickS: 0.001, fileStartS: 0, clip: { startMs: 1000, endMs: 5000 } })).toMatchObject({ kind: "encode" });
    expect(planCut({ packets: stream(300, 100, true), tickS: 0.001, fileStartS: 0, clip: { startMs: 9000, endMs: 15_000 } })).toMatchObject({
      kind: "encode",
      reason: "one keyframe inside the clip",
    });
    expect(planCut({ packets: stream(300, 20, true, 3), tickS: 0.001, fileStartS: 0, clip: { startMs: 4500, endMs: 14_500 } })).toMatchObject({
      kind: "encode",
      reason: "reordering delay of 3 frames",
    });
    // An open GOP: a frame shown just before the keyframe at 14 s (the last one inside the clip) is decoded after it.
    const open = stream(300, 20, true);
    const at = open.findIndex((p) => p.pts === 14_000);
    const [before] = open.splice(at - 1, 1);
    open.splice(at, 0, before!);
    expect(planCut({ packets: open, tickS: 0.001, fileStartS: 0, clip: { startMs: 4500, endMs: 14_500 } })).toMatchObject({
      kind: "encode",
      reason: "open GOP",
    });
  });

  it("counts times from the file's start, and aims a copy's seek past ffmpeg's B-frame guess", () => {
    const packets = stream(300, 20).map((p) => ({ ...p, pts: p.pts + 1500, dts: p.dts + 1500 }));
    expect(planCut({ packets, tickS: 0.001, fileStartS: 1.5, clip: { startMs: 6000, endMs: 9000 } })).toMatchObject({ head: null, middle: { keyPts: 7500 } });
    expect(copySeekS(6, false)).toBeCloseTo(6.0005, 6);
    expect(copySeekS(6, true) - 3 / 23).toBeCloseTo(6.0005, 6);
  });
});
