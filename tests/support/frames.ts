/** Pictures compared as gray pixels, decoded by ffmpeg: a thumbnail against the frame it claims to show. */
import { execa } from "execa";
import { ffmpegPath } from "@/lib/media/binaries";

/** The gray pixels of `file` (an image or a video) after `filter`; `atS` seeks a video to that moment first (accurately). */
export async function grayPixels(file: string, filter: string, atS?: number): Promise<Buffer> {
  const args = ["-hide_banner", "-loglevel", "error"];
  if (atS !== undefined) args.push("-ss", atS.toFixed(3));
  args.push("-i", file, "-frames:v", "1", "-vf", `${filter},format=gray`, "-f", "rawvideo", "-");
  const { stdout } = await execa(ffmpegPath(), args, { encoding: "buffer", timeout: 60_000 });
  return Buffer.from(stdout);
}

/** Mean absolute difference of two gray pictures of the same size, 0 (same) to 255. */
export function meanDifference(a: Buffer, b: Buffer): number {
  if (a.length !== b.length || a.length === 0) throw new Error(`pictures of different sizes: ${a.length} and ${b.length} bytes`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}
