import "server-only";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import path from "node:path";
import { execa } from "execa";
import { env } from "@/lib/env";
import { ffmpegPath } from "@/lib/media/binaries";
import { probeMedia } from "@/lib/media/probe";
import { SHEET_COLUMNS, SHEET_ROWS, thumbnailInterval, thumbnailSize } from "@/lib/domain/thumbnails";
import { makeThumbnailsJob } from "@/lib/jobs/make-thumbnails";
import { getRecordingById, type RecordingFacts } from "@/lib/recordings/queries";
import { getStorage, storageKeys } from "@/lib/storage";
import { writeLiveExcerpt } from "./live";
import { getStoredPlaylist, getThumbnails, saveThumbnails } from "./queries";
import { parseShowinfoTimes, thumbnailFilter, thumbnailsWanted, type StoredThumbnails } from "./thumbnail-index";

/**
 * Timeline thumbnails.
 *
 * A recording's thumbnails are the first frame at or after each multiple of
 * an interval (1 s for a short recording, 10 s for a 2-hour one: at most
 * MAX_THUMBNAILS), 160 px wide, tiled 10 × 5 on JPEG sprite sheets in storage.
 * `recordings.thumbnails` holds their index: the interval, the size, the time
 * of every thumbnail and how many each published sheet holds. The player
 * fetches it once (the index route), loads the sheets, and hovering the
 * timeline needs no request at all.
 *
 * One ffmpeg run decodes the playable file (the one the player plays, so the
 * times agree) and selects the frames; ffmpeg writes each sheet as soon as it
 * is full (atomically) and the run publishes it at once: a 2-hour recording
 * has its first sheet after 50 intervals of video are decoded, seconds after
 * the job starts, and the rest follows while the job runs.
 *
 * Runs extend what exists: a run starts after the last full sheet (a partial
 * last sheet is made again), so a crashed job resumes, and a live session
 * gets its thumbnails round after round from the chunks received (every
 * LIVE_ROUND_MS), then the finished recording continues the same index.
 */

const STALE_SHEET_POLL_MS = 300;
const LIVE_INTERVAL_MS = 5_000;
/** A live session's index is started again with a coarser interval when the finished recording would need more than this. */
const MAX_KEPT_THUMBNAILS = 2 * 720;
export const LIVE_ROUND_MS = 15_000;
const RUN_TIMEOUT_MS = 6 * 60 * 60_000;

/**
 * For the player page: queues a run when the recording has no thumbnails
 * yet, or not all (made before thumbnails existed, a run that died, a live
 * session), and says whether more are coming.
 */
export async function queueThumbnailsFor({ recordingId, live }: { recordingId: number; live: boolean }): Promise<{ pending: boolean }> {
  const stored = await getThumbnails({ recordingId });
  if (!thumbnailsWanted(stored, live)) return { pending: false };
  await makeThumbnailsJob.send({ recordingId }).catch((error: unknown) => console.error("[thumbnails] could not queue a run", error));
  return { pending: true };
}

type Source =
  | { kind: "playable"; file: string; release: () => Promise<void>; durationMs: number; width: number | null; height: number | null }
  | { kind: "live"; file: string; release: () => Promise<void>; startMs: number; endMs: number; width: number | null; height: number | null };

function newIndex(source: Source["kind"], intervalMs: number, size: { width: number; height: number }): StoredThumbnails {
  return {
    v: 1,
    generation: randomBytes(6).toString("hex"),
    status: "running",
    source,
    intervalMs,
    ...size,
    columns: SHEET_COLUMNS,
    rows: SHEET_ROWS,
    times: [],
    sheets: [],
    coveredMs: 0,
    error: null,
    updatedAt: new Date().toISOString(),
  };
}

export type ThumbnailsOutcome = "complete" | "extended" | "nothing-new" | "not-playable" | "failed";

/**
 * Makes or extends the thumbnails of a recording from what it has now (its
 * playable file, or the chunks of a live session). Safe to run twice and to
 * stop at any point; the job runs one at a time per recording.
 */
export async function extendThumbnails(recordingId: number): Promise<ThumbnailsOutcome> {
  const recording = await getRecordingById({ id: recordingId });
  if (!recording) return "not-playable";
  const previous = await getThumbnails({ recordingId });
  if (previous?.status === "failed") return "failed";
  if (previous?.status === "complete" && previous.source === "playable") return "complete";
  if (recording.status === "ready" && recording.videoCodec === null && recording.hasAudio) {
    await saveThumbnails({
      recordingId,
      thumbnails: { ...newIndex("playable", 1000, { width: 2, height: 2 }), status: "failed", error: "The recording has no picture." },
    });
    return "failed";
  }

  await mkdir(path.join(env.DATA_DIR, "tmp"), { recursive: true });
  const dir = await mkdtemp(path.join(env.DATA_DIR, "tmp", `thumbnails-${recordingId}-`));
  let source: Source | null = null;
  try {
    source = await openSource(recording, previous, dir);
    if (!source) return "not-playable";
    return await run(recording, previous, source, dir);
  } finally {
    await source?.release().catch(() => {});
    await rm(dir, { recursive: true, force: true });
  }
}

/** The playable file of a finished recording, or an excerpt of a live one from where its thumbnails end. */
async function openSource(recording: RecordingFacts, previous: StoredThumbnails | null, dir: string): Promise<Source | null> {
  const storage = getStorage();
  if (recording.status === "receiving") {
    const fromMs = previous?.source === "live" ? resumePoint(previous).fromMs : 0;
    const file = path.join(dir, "live.mp4");
    const excerpt = await writeLiveExcerpt(recording.id, fromMs, file);
    if (!excerpt) return null;
    const facts = await probeMedia(file).catch(() => null);
    if (!facts?.videoCodec) return null;
    return { kind: "live", file, release: async () => {}, startMs: excerpt.startMs, endMs: excerpt.endMs, width: facts.width, height: facts.height };
  }
  if (recording.status !== "ready" || !recording.playableKey) return null;
  const playlist = await getStoredPlaylist({ recordingId: recording.id });
  if (!playlist) return null;
  const local = await storage.localPath(recording.playableKey).catch(() => null);
  if (!local) return null;
  return {
    kind: "playable",
    file: local.path,
    release: local.release,
    durationMs: playlist.durationMs || (recording.durationMs ?? 0),
    width: recording.width,
    height: recording.height,
  };
}

/** Where a run starts: after the last full sheet (thumbnails kept), at the next interval. */
function resumePoint(index: StoredThumbnails): { keptSheets: number; kept: number[]; fromBucket: number; fromMs: number } {
  const perSheet = index.columns * index.rows;
  const keptSheets = index.sheets.filter((count) => count === perSheet).length;
  const kept = index.times.slice(0, keptSheets * perSheet);
  const fromBucket = kept.length ? Math.floor(kept[kept.length - 1]! / index.intervalMs) + 1 : 0;
  return { keptSheets, kept, fromBucket, fromMs: fromBucket * index.intervalMs };
}

async function run(recording: RecordingFacts, previous: StoredThumbnails | null, source: Source, dir: string): Promise<ThumbnailsOutcome> {
  const storage = getStorage();
  const size = thumbnailSize(source.width, source.height);
  let index: StoredThumbnails;
  if (source.kind === "live") {
    index = previous?.source === "live" ? { ...previous } : newIndex("live", LIVE_INTERVAL_MS, size);
    // Nothing new since the last round: the live edge has not passed the next thumbnail's moment
    // (the partial last sheet would only be made again, the same).
    const last = index.times.at(-1);
    const nextMs = last === undefined ? 0 : (Math.floor(last / index.intervalMs) + 1) * index.intervalMs;
    if (previous?.source === "live" && source.endMs <= nextMs) return "nothing-new";
  } else if (previous?.source === "playable") {
    index = { ...previous }; // a run that stopped half-way: go on
  } else if (previous?.source === "live" && source.durationMs / previous.intervalMs <= MAX_KEPT_THUMBNAILS) {
    index = { ...previous, source: "playable" }; // the session has ended: the finished file continues its live thumbnails
  } else {
    index = newIndex("playable", thumbnailInterval(source.durationMs), size);
  }
  const oldGeneration = previous && previous.generation !== index.generation ? previous : null;
  const { keptSheets, kept, fromBucket, fromMs } = resumePoint(index);
  const perSheet = index.columns * index.rows;
  const staleKeys = new Map<number, string>();
  if (!oldGeneration && previous) {
    previous.sheets.forEach((count, n) => {
      if (n >= keptSheets) staleKeys.set(n, storageKeys.thumbnailSheet(recording.id, previous.generation, n, count));
    });
  }

  const intervalS = index.intervalMs / 1000;
  const offsetS = source.kind === "live" ? source.startMs / 1000 : null;
  const args = ["-hide_banner", "-nostdin", "-nostats", "-loglevel", "info"];
  // A playable file is entered at the first missing moment and keeps its own times; a live excerpt starts where it starts.
  if (source.kind === "playable" && fromMs > 0) args.push("-ss", (fromMs / 1000 - 0.0005).toFixed(4), "-copyts");
  args.push("-i", source.file, "-map", "0:v:0", "-an", "-sn", "-dn");
  args.push("-vf", thumbnailFilter({ intervalS, fromBucket, offsetS, width: index.width, height: index.height, columns: index.columns, rows: index.rows }));
  args.push("-vsync", "passthrough", "-q:v", "5", "-f", "image2", "-atomic_writing", "1", "-start_number", String(keptSheets));
  args.push(path.join(dir, "sheet-%05d.jpg"));

  const times = [...kept];
  const sheets = index.sheets.slice(0, keptSheets);
  let stderrTail = "";
  let pending = "";
  const child = execa(ffmpegPath(), args, { buffer: false, stdin: "ignore", stdout: "ignore", reject: false, timeout: RUN_TIMEOUT_MS });
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    pending += chunk;
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      const [t] = parseShowinfoTimes(line);
      if (t !== undefined) times.push(Math.max(0, Math.round((t + (offsetS ?? 0)) * 1000)));
      else if (!line.includes("Parsed_showinfo")) stderrTail = `${stderrTail}\n${line}`.slice(-4000);
    }
  });

  let published = keptSheets;
  let publishing = Promise.resolve();
  const save = async (patch: Partial<StoredThumbnails>) => {
    index = {
      ...index,
      ...patch,
      times: times.slice(
        0,
        sheets.reduce((a, b) => a + b, 0),
      ),
      sheets: [...sheets],
      updatedAt: new Date().toISOString(),
    };
    await saveThumbnails({ recordingId: recording.id, thumbnails: index });
  };
  const publish = async (n: number, count: number) => {
    const key = storageKeys.thumbnailSheet(recording.id, index.generation, n, count);
    await storage.importFile(key, path.join(dir, `sheet-${String(n).padStart(5, "0")}.jpg`));
    sheets[n] = count;
    const last = times[sheets.reduce((a, b) => a + b, 0) - 1] ?? 0;
    await save({ coveredMs: Math.max(index.coveredMs, (Math.floor(last / index.intervalMs) + 1) * index.intervalMs) });
    const stale = staleKeys.get(n);
    if (stale && stale !== key) await storage.delete(stale).catch(() => {});
    staleKeys.delete(n);
    if (oldGeneration && n === 0) await removeGeneration(recording.id, oldGeneration.generation);
  };
  /** Publishes the sheets ffmpeg has finished: each file appears whole (atomic writing) once its last picture is in. */
  const collect = async (final: boolean) => {
    const names = (await readdir(dir)).filter((f) => /^sheet-\d{5}\.jpg$/.test(f)).sort();
    for (const name of names) {
      const n = Number(name.slice(6, 11));
      if (n < published) continue;
      const full = times.length >= (n + 1) * perSheet;
      if (!full && !final) break; // its times are still on their way through stderr
      await publish(n, full ? perSheet : times.length - n * perSheet);
      published = n + 1;
    }
  };
  const timer = setInterval(() => {
    publishing = publishing.then(() => collect(false)).catch((error) => console.error(`[thumbnails] recording ${recording.id}: publishing failed`, error));
  }, STALE_SHEET_POLL_MS);
  const started = Date.now();
  let result: Awaited<typeof child>;
  try {
    result = await child;
  } finally {
    clearInterval(timer);
  }
  await publishing;
  if (result.failed) {
    const reason =
      stderrTail.split(source.file).join("recording").trim().split("\n").filter(Boolean).slice(-3).join("\n") || `ffmpeg exited with ${result.exitCode}`;
    console.error(`[thumbnails] recording ${recording.id}: ffmpeg failed\n${reason}`);
    // Sheets already published stay usable; a live round is simply tried again next time.
    if (source.kind === "playable" && times.length === 0) await save({ status: "failed", error: reason.slice(0, 500) });
    throw new Error(`ffmpeg could not make the thumbnails: ${reason.split("\n").pop()}`);
  }
  await collect(true);
  for (const stale of staleKeys.values()) await storage.delete(stale).catch(() => {});
  if (source.kind === "live") {
    await save({ status: "running", coveredMs: Math.max(index.coveredMs, source.endMs) });
  } else {
    await save({ status: "complete", coveredMs: Math.max(source.durationMs, index.coveredMs), error: null });
  }
  if (oldGeneration && published === 0) await removeGeneration(recording.id, oldGeneration.generation);
  console.log(
    `[thumbnails] recording ${recording.id}: ${times.length - kept.length} thumbnails (${source.kind}) in ${Date.now() - started} ms, every ${intervalS} s, ${sheets.length} sheets`,
  );
  return source.kind === "live" ? "extended" : "complete";
}

async function removeGeneration(recordingId: number, generation: string) {
  const storage = getStorage();
  for await (const object of storage.list(storageKeys.thumbnailsPrefix(recordingId, generation))) await storage.delete(object.key).catch(() => {});
}
