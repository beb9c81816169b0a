/**
 * Where a clip can be copied instead of encoded again. Pure: the tests check
 * the choice on packet lists without running anything.
 *
 * A clip [start, end) is exact to the frame only if its first picture is the
 * frame at `start`, which a copy can give only when `start` is on a keyframe.
 * So a clip is cut in up to three pieces: the *head* from `start` to the first
 * keyframe at or after it (encoded again), the *middle* from that keyframe on
 * (the recording's own packets, copied), and, when the picture has B-frames,
 * the *tail* from the last keyframe before `end` (encoded again: a B-frame
 * stream cut short in decode order may lose a picture that the last shown
 * ones refer to). Without B-frames the middle runs to `end` itself: P-frames
 * refer only backwards, so the first packets of a GOP decode on their own.
 *
 * The encoded pieces must join the copied one without a jump in decode
 * timestamps, so they are encoded with the same reordering delay as the
 * recording (0, 1 or 2 frames, what x264 makes with no B-frames, B-frames
 * without or with pyramid); an edge of no more frames than that delay (which
 * x264 would encode without it) takes in the GOP beside it. A recording with another delay, an open GOP
 * (a frame shown before a keyframe but decoded after it), or no keyframe
 * inside the clip is encoded whole, as before.
 */

/** One video packet as ffprobe lists them, in decode order; times in the stream's time base. */
export type VideoPacket = { pts: number; dts: number; key: boolean };

/** A part of the clip: where it starts in the recording, how long it lasts, and how many of the recording's frames are shown in it. */
export type CutPiece = { startS: number; durationS: number; frames: number };

export type CutPlan =
  | {
      kind: "cut";
      /** Encoded again from `start` to the first keyframe; null when `start` is on a keyframe. */
      head: CutPiece | null;
      /** Copied: `frames` packets from the keyframe at `keyPts` (its exact time, in the time base). */
      middle: CutPiece & { keyPts: number };
      /** Encoded again from the last keyframe to `end`; null when the middle runs to the end. */
      tail: CutPiece | null;
      /** Reordering delay of the recording in frames (0: no B-frames). */
      delayFrames: 0 | 1 | 2;
    }
  | { kind: "encode"; reason: string };

/** Half a millisecond: clip limits are whole milliseconds, frame times are not. */
const EPSILON_S = 0.0005;

export function planCut(input: {
  /** Video packets from at or before the clip's start to a little after its end, in decode order. */
  packets: VideoPacket[];
  /** Seconds per tick of the stream's time base. */
  tickS: number;
  /** The file's start time in seconds (what -ss counts from). */
  fileStartS: number;
  clip: { startMs: number; endMs: number };
}): CutPlan {
  const { packets, tickS, fileStartS } = input;
  const startS = input.clip.startMs / 1000;
  const endS = input.clip.endMs / 1000;
  const t = (p: VideoPacket) => p.pts * tickS - fileStartS;
  if (packets.length < 2) return { kind: "encode", reason: "no packets" };

  // Reordering: a packet shown before one decoded earlier means B-frames.
  let reordered = false;
  let maxPts = -Infinity;
  for (const p of packets) {
    if (p.pts < maxPts) reordered = true;
    maxPts = Math.max(maxPts, p.pts);
  }
  const sortedTimes = packets.map(t).sort((a, b) => a - b);
  const steps = sortedTimes
    .slice(1)
    .map((x, i) => x - sortedTimes[i]!)
    .filter((d) => d > 0)
    .sort((a, b) => a - b);
  const frameS = steps[Math.floor(steps.length / 2)] ?? 0;
  if (frameS <= 0) return { kind: "encode", reason: "no frame rate" };

  // The keyframes inside the clip, in decode order (one exactly at the end counts: the tail is then empty).
  const keys = packets.flatMap((p, i) => (p.key && t(p) >= startS - EPSILON_S && t(p) < endS + EPSILON_S ? [i] : []));
  if (!keys.length || t(packets[keys[0]!]!) >= endS - EPSILON_S) return { kind: "encode", reason: "no keyframe inside the clip" };
  const delay = reordered ? Math.round(((packets[keys[0]!]!.pts - packets[keys[0]!]!.dts) * tickS) / frameS) : 0;
  if (delay !== 0 && delay !== 1 && delay !== 2) return { kind: "encode", reason: `reordering delay of ${delay} frames` };
  // How many frames are shown in [from, to): an encoded piece is limited by its count, not by its length, since
  // ffmpeg counts an encode's times from its first frame (moved onto 0), so a length would take in the frame at `to`.
  const shownIn = (from: number, to: number) => packets.filter((p) => t(p) >= from - EPSILON_S && t(p) < to - EPSILON_S).length;
  // x264 gives an encode of no more frames than the delay no delay at all, and its decode times would then run into
  // the copied ones': such an edge takes in the GOP beside it.
  const tooShort = (frames: number) => frames > 0 && frames <= delay;

  let k = 0;
  while (k < keys.length && tooShort(shownIn(startS, t(packets[keys[k]!]!)))) k++;
  if (k >= keys.length || t(packets[keys[k]!]!) >= endS - EPSILON_S) return { kind: "encode", reason: "no keyframe inside the clip" };
  const firstKey = keys[k]!;
  const k1 = packets[firstKey]!;
  const k1S = t(k1);
  const head = k1S - startS > EPSILON_S ? { startS, durationS: k1S - startS, frames: shownIn(startS, k1S) } : null;
  if (head && head.frames === 0) return { kind: "encode", reason: "no frame before the first keyframe" };

  if (!reordered) {
    // Decode order is display order: copy every packet shown before the end.
    let frames = 0;
    for (let i = firstKey; i < packets.length && t(packets[i]!) < endS - EPSILON_S; i++) frames++;
    return { kind: "cut", head, middle: { startS: k1S, durationS: endS - k1S, keyPts: k1.pts, frames }, tail: null, delayFrames: 0 };
  }

  // B-frames: copy whole GOPs up to the last keyframe before the end, encode the rest.
  let last = keys.length - 1;
  while (last > k && tooShort(shownIn(t(packets[keys[last]!]!), endS))) last--;
  if (last <= k) return { kind: "encode", reason: "one keyframe inside the clip" };
  const lastKey = keys[last]!;
  const k2S = t(packets[lastKey]!);
  // Closed GOPs only: the copied packets are exactly the frames shown in [k1, k2).
  for (let i = 0; i < packets.length; i++) {
    const inside = i >= firstKey && i < lastKey;
    const shown = t(packets[i]!) >= k1S - EPSILON_S && t(packets[i]!) < k2S - EPSILON_S;
    if (inside !== shown) return { kind: "encode", reason: "open GOP" };
  }
  const tail = endS - k2S > EPSILON_S ? { startS: k2S, durationS: endS - k2S, frames: shownIn(k2S, endS) } : null;
  return {
    kind: "cut",
    head,
    middle: { startS: k1S, durationS: k2S - k1S, keyPts: k1.pts, frames: lastKey - firstKey },
    tail,
    delayFrames: delay as 0 | 1 | 2,
  };
}

/** x264 options that give an encoded piece the recording's reordering delay. */
export function delayOptions(delayFrames: 0 | 1 | 2): string[] {
  if (delayFrames === 0) return ["-bf", "0"];
  return ["-bf", "3", "-b-pyramid", delayFrames === 1 ? "none" : "normal"];
}

/** ffmpeg's x264 profile for ffprobe's profile name, or null to leave x264's choice. */
export function x264Profile(profile: string | null | undefined): string | null {
  const p = (profile ?? "").toLowerCase();
  if (p.includes("baseline")) return "baseline";
  if (p === "main") return "main";
  if (p === "high") return "high";
  return null;
}

/**
 * How far ffmpeg's input -ss must aim past a keyframe to land on it: when a
 * stream of the input has B-frames, ffmpeg seeks 3/23 s before the time
 * asked (its guess at the decode delay), which would land a copy on the
 * keyframe before.
 * @see https://github.com/FFmpeg/FFmpeg/blob/n4.1/fftools/ffmpeg_opt.c (dts_heuristic)
 */
export function copySeekS(keyS: number, anyStreamReordered: boolean): number {
  return keyS + (anyStreamReordered ? 3 / 23 : 0) + EPSILON_S;
}
