import { formatDuration } from "@/lib/format";

/** A position in seconds as the player shows it (00:00:12); never negative. */
export function clock(s: number) {
  return formatDuration(Math.max(0, s) * 1000);
}
