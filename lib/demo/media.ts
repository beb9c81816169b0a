/** What every demo painter shares: seeded randomness and one way to run ffmpeg. */
import { execa } from "execa";
import { ffmpegPath } from "@/lib/media/binaries";

/** Deterministic pseudo-random numbers, so every demo looks the same. */
export function random(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = s;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const weighted = <T>(list: ReadonlyArray<readonly [T, number]>): T => {
    let r = next() * list.reduce((sum, [, w]) => sum + w, 0);
    for (const [value, w] of list) if ((r -= w) < 0) return value;
    return list[list.length - 1]![0];
  };
  return { next, int, pick, weighted };
}

export async function ffmpeg(args: string[], timeoutMs = 240_000) {
  await execa(ffmpegPath(), ["-hide_banner", "-loglevel", "error", ...args], { timeout: timeoutMs });
}
