/**
 * When the demo is complete: every session sent has had its background work
 * done (recording probed, made playable and measured for the heatmap; commands
 * analyzed), not just arrived.
 */
import { analysisKind } from "@/lib/analysis/commands";
import { listSessionProgressByHash } from "./queries";

type Row = Awaited<ReturnType<typeof listSessionProgressByHash>>[number];

export type DemoProgress = { sessions: number; done: number; recordings: number; playable: number };

/** A session still being recorded waits for nothing; a finished one for its recording and its analysis. */
export function isSessionDone(row: Row): boolean {
  if (row.status === "active") return true;
  const media =
    row.recordingStatus === null ||
    row.recordingStatus === "incomplete" ||
    row.recordingStatus === "failed" ||
    (row.recordingStatus === "ready" && row.playable && row.measured);
  return media && (analysisKind(row.protocol) === null || row.analyzed);
}

export async function demoProgress(hashes: string[]): Promise<DemoProgress> {
  const rows = await listSessionProgressByHash({ hashes });
  return {
    sessions: rows.length,
    done: rows.filter(isSessionDone).length,
    recordings: rows.filter((r) => r.recordingStatus !== null).length,
    playable: rows.filter((r) => r.recordingStatus === "ready" && r.playable).length,
  };
}

/** Waits until every session is done (or the time is up), saying how far it got now and then. */
export async function waitForDemo(
  hashes: string[],
  { timeoutMs = 15 * 60_000, onProgress }: { timeoutMs?: number; onProgress?: (progress: DemoProgress) => void } = {},
): Promise<DemoProgress> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  for (;;) {
    const progress = await demoProgress(hashes);
    const summary = `${progress.done}/${hashes.length}`;
    if (summary !== last) onProgress?.(progress);
    last = summary;
    if (progress.done >= hashes.length || Date.now() > deadline) return progress;
    await new Promise((r) => setTimeout(r, 1000));
  }
}
