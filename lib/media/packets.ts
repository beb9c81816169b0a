import { execa } from "execa";
import { ffprobePath } from "./binaries";

/** A video packet as the container stores it: presentation and decoding time (s), and whether it is a keyframe. */
export type VideoPacket = { pts: number; dts: number; key: boolean };

/**
 * The video packets of `file` around [fromS, toS], in decoding order, read
 * by ffprobe from the container without decoding: what a cut needs to know
 * (where the keyframes are, which frame is on screen at a moment). ffprobe
 * starts at the keyframe before `fromS`; `toS` gets 2 s of margin because, with
 * B-frames, a frame shown before `toS` can be stored after one shown later.
 */
export async function listVideoPackets(file: string, fromS: number, toS: number, { signal }: { signal?: AbortSignal } = {}): Promise<VideoPacket[]> {
  const from = Math.max(0, fromS);
  const result = await execa(
    ffprobePath(),
    [
      "-v",
      "error",
      "-select_streams",
      "v:0",
      "-read_intervals",
      `${from.toFixed(3)}%${(Math.max(from, toS) + 2).toFixed(3)}`,
      "-show_entries",
      "packet=pts_time,dts_time,flags",
      "-of",
      "csv=p=0",
      file,
    ],
    { timeout: 120_000, cancelSignal: signal, maxBuffer: 64 * 1024 * 1024 },
  );
  const packets: VideoPacket[] = [];
  for (const line of String(result.stdout).split("\n")) {
    const [pts, dts, flags] = line.trim().split(",");
    const p = Number(pts);
    if (!pts || !Number.isFinite(p)) continue;
    const d = Number(dts);
    packets.push({ pts: p, dts: dts && Number.isFinite(d) ? d : p, key: (flags ?? "").includes("K") });
  }
  return packets;
}

/** The packet whose frame is on screen at `tS`: the last one shown at or before it (the first frame when `tS` is before it). */
export function frameOnScreenAt(packets: VideoPacket[], tS: number): VideoPacket | null {
  let best: VideoPacket | null = null;
  let first: VideoPacket | null = null;
  // 0.1 ms of slack for times printed with 6 decimals.
  for (const p of packets) {
    if (!first || p.pts < first.pts) first = p;
    if (p.pts <= tS + 0.0001 && (!best || p.pts > best.pts)) best = p;
  }
  return best ?? first;
}
