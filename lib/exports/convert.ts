import "server-only";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import type { VideoExport } from "@/lib/db/schema";
import type { ExportFormat } from "@/lib/domain/recordings";
import { isAdvisoryLocked, LOCK_CLASSES, tryAdvisoryLock } from "@/lib/db/locks";
import { getParameter } from "@/lib/settings/queries";
import { formatDateTime } from "@/lib/format";
import { ffmpegPath } from "@/lib/media/binaries";
import { probeDurationMs } from "@/lib/media/probe";
import { getRecordingBySession } from "@/lib/recordings/queries";
import { getStorage, storageKeys } from "@/lib/storage";
import { prepareCut } from "./cut";
import { clipMayCopy, planConversion, planCutJoin, parseProgressLine, type ConversionPlan } from "./plan";
import { failExport, finishExport, getExportById, getExportForEmail, getExportStatus, listLoggedEvents, startExportRun, updateExportProgress } from "./queries";
import { buildCommandCues, buildCues, clipCues, cuesOfClip, toWebVtt } from "./subtitles";

export const WATERMARK_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
const TEMP_PREFIX = "sv-export-";
const PROGRESS_WRITE_MS = 1_000;
const CANCEL_POLL_MS = 1_000;
const STDERR_LINES = 12;

/**
 * The text burned into a watermarked video: who it is for (an assessor's
 * video names the assessor of the link, an account's the requester), when
 * it was asked for, and the session.
 */
export function watermarkText({
  row,
  info,
}: {
  row: Pick<VideoExport, "requestedBy" | "createdAt" | "sessionId">;
  info: Awaited<ReturnType<typeof getExportForEmail>>;
}): string {
  const who = info?.shareRecipient ? `Shared with ${info.shareRecipient}` : `Requested by ${info ? `${info.name} <${info.to}>` : row.requestedBy}`;
  return `${who}\n${formatDateTime(row.createdAt, "UTC")}\nSession ${info?.session.hash ?? row.sessionId}`;
}

export type ConversionOutcome = "done" | "failed" | "cancelled" | "skipped" | "not-ready";

const lockKey = (id: string) => ({ class: LOCK_CLASSES.export, id });

/**
 * Holds the export's advisory lock for as long as one worker converts it. A
 * killed worker's connection closes and the lock goes with it, which is how
 * the sweep tells a crashed conversion from a live one.
 */
export function lockExport(id: string): Promise<{ release: () => Promise<void> } | null> {
  return tryAdvisoryLock(lockKey(id));
}

/** Whether a worker is converting this export right now. */
export function isExportLocked(id: string): Promise<boolean> {
  return isAdvisoryLocked(lockKey(id));
}

const SETPRIV = "/usr/bin/setpriv";

/**
 * ffmpeg ignores a closed progress pipe, so a killed worker would leave it
 * converting for nothing. Where util-linux's setpriv exists, ffmpeg is started
 * with a parent-death signal (it execs ffmpeg: same process, no shell).
 * @see https://man7.org/linux/man-pages/man2/PR_SET_PDEATHSIG.2const.html
 */
function withParentDeathSignal(binary: string, args: string[]): [string, string[]] {
  return existsSync(SETPRIV) ? [SETPRIV, ["--pdeathsig", "KILL", binary, ...args]] : [binary, args];
}

/** A temp dir left by a killed worker for this export is useless: the run restarts from scratch. */
async function removeStaleTempDirs(id: string) {
  const base = os.tmpdir();
  for (const name of await readdir(base).catch(() => [] as string[])) {
    if (name.startsWith(`${TEMP_PREFIX}${id}-`)) await rm(path.join(base, name), { recursive: true, force: true });
  }
}

function lastLines(text: string, n: number): string {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(-n)
    .join("\n");
}

/** What a conversion holds while it runs, released whatever happens. */
type Held = { tempDir: string | null; releaseMedia: (() => Promise<void>) | null };

type Prepared = {
  row: VideoExport;
  format: ExportFormat;
  durationMs: number;
  mediaPath: string;
  tempDir: string;
  output: string;
  plan: ConversionPlan;
  /** For a clip cut from pieces: the whole encode, run instead when the pieces do not join. */
  fallback: ConversionPlan | null;
};

/**
 * Converts one export: ffmpeg writes into a temp dir of this run, the file
 * moves into storage only when complete, and the row says done. Safe to run
 * twice: a second run while one is live does nothing; a run after a crash
 * starts again from scratch. "not-ready": the recording is still arriving or
 * being probed (the job tries again later).
 */
export async function runExportConversion({ exportId }: { exportId: string }): Promise<ConversionOutcome> {
  const lock = await lockExport(exportId);
  if (!lock) return "skipped";
  const held: Held = { tempDir: null, releaseMedia: null };
  try {
    const prepared = await prepareConversion(exportId, held);
    if (typeof prepared === "string") return prepared;
    let ran = await runFfmpeg(exportId, prepared, prepared.fallback !== null);
    if (ran === "retry" && prepared.fallback) {
      console.log(`[exports] ${exportId}: the clip's pieces did not join; encoding it whole`);
      ran = await runFfmpeg(exportId, { ...prepared, plan: prepared.fallback, fallback: null }, false);
    }
    if (ran !== "done") return ran === "retry" ? "failed" : ran;
    return await finishConversion(exportId, prepared);
  } finally {
    if (held.tempDir) await rm(held.tempDir, { recursive: true, force: true });
    await held.releaseMedia?.().catch(() => {});
    await lock.release().catch(() => {});
  }
}

/** Checks the export and its recording, marks it running, and writes the subtitles, the watermark and the ffmpeg plan. */
async function prepareConversion(exportId: string, held: Held): Promise<Prepared | ConversionOutcome> {
  const existing = await getExportById({ id: exportId });
  if (!existing || (existing.status !== "queued" && existing.status !== "running")) return "skipped";
  if (existing.status === "running") console.log(`[exports] ${exportId}: restarting a conversion that was interrupted`);

  const recording = await getRecordingBySession({ sessionId: existing.sessionId });
  if (!recording || recording.status === "failed" || recording.status === "incomplete") {
    const reason = !recording
      ? "The session has no recording."
      : `The recording cannot be converted (${recording.status}${recording.statusReason ? `: ${recording.statusReason}` : ""}).`;
    await failExport({ id: exportId, error: reason });
    return "failed";
  }
  if (recording.status !== "ready") {
    console.log(`[exports] ${exportId}: recording ${recording.id} is ${recording.status}; trying again later`);
    return "not-ready";
  }

  const row = await startExportRun({ id: exportId });
  if (!row) return "skipped";
  await removeStaleTempDirs(exportId);
  const tempDir = (held.tempDir = await mkdtemp(path.join(os.tmpdir(), `${TEMP_PREFIX}${exportId}-`)));

  const media = await getStorage()
    .localPath(storageKeys.media(recording.id))
    .catch(() => null);
  if (!media) {
    await failExport({ id: exportId, error: "The recording's media is missing from storage." });
    return "failed";
  }
  held.releaseMedia = media.release;

  const [info, events] = await Promise.all([getExportForEmail({ id: exportId }), listLoggedEvents({ sessionId: row.sessionId })]);
  const clip = row.clipStartMs !== null && row.clipEndMs !== null ? { startMs: row.clipStartMs, endMs: row.clipEndMs } : null;
  let cues = buildCues(events);
  if (cues.length === 0) cues = buildCommandCues(events);
  // A clip's cues are cut to it and counted from its start; the full video's are cut at the recording's end.
  cues = clip ? cuesOfClip(cues, clip.startMs, clip.endMs) : clipCues(cues, recording.durationMs);
  const subtitles = cues.length > 0 ? path.join(tempDir, "log.vtt") : null;
  if (subtitles) await writeFile(subtitles, toWebVtt(cues));

  let watermarkFile: string | null = null;
  if (row.watermark) {
    watermarkFile = path.join(tempDir, "watermark.txt");
    await writeFile(watermarkFile, watermarkText({ row, info }));
  }

  const format = row.format as ExportFormat;
  const output = path.join(tempDir, `video.${format}`);
  const title = `Session ${info?.session.hash ?? row.sessionId}`;
  let plan = planConversion({
    source: media.path,
    output,
    format,
    facts: recording,
    subtitles,
    watermarkFile,
    fontFile: existsSync(WATERMARK_FONT) ? WATERMARK_FONT : null,
    title,
    clip,
  });
  let fallback: ConversionPlan | null = null;
  if (clip && clipMayCopy(format, recording, row.watermark)) {
    // Exact to the frame with the recording's own packets in between; anything unusual falls back to the whole encode.
    const cut = await prepareCut({
      source: media.path,
      dir: tempDir,
      clip,
      signal: AbortSignal.timeout(30 * 60_000),
      log: (message) => console.log(`[exports] ${exportId}: ${message}`),
    }).catch((error: unknown) => {
      console.error(`[exports] ${exportId}: cutting the clip from pieces failed; encoding it whole`, error);
      return null;
    });
    if (cut) {
      fallback = plan;
      plan = planCutJoin({ list: cut.list, source: media.path, output, facts: recording, subtitles, title, clip });
    }
  }
  console.log(`[exports] ${exportId}: ${plan.mode} to ${format} (recording ${recording.id}${clip ? `, clip ${clip.startMs}-${clip.endMs} ms` : ""})`);
  // Progress is measured against what this run writes: the clip's length for a clip.
  const durationMs = clip ? clip.endMs - clip.startMs : (recording.durationMs ?? 0);
  return { row, format, durationMs, mediaPath: media.path, tempDir, output, plan, fallback };
}

/**
 * Runs ffmpeg with progress on the row; stops it when the export is cancelled.
 * With `mayRetry`, a failure (or a jump in decode times when joining a clip's
 * pieces) answers "retry" instead of failing the export.
 */
async function runFfmpeg(exportId: string, prepared: Prepared, mayRetry: boolean): Promise<"done" | "failed" | "cancelled" | "retry"> {
  const { durationMs } = prepared;
  const controller = new AbortController();
  let cancelled = false;
  const poll = setInterval(() => {
    getExportStatus({ id: exportId })
      .then((status) => {
        if (status !== "running") {
          cancelled = true;
          controller.abort();
        }
      })
      .catch((error) => console.error(`[exports] ${exportId}: status check failed`, error));
  }, CANCEL_POLL_MS);

  try {
    const startedAt = Date.now();
    let lastWrite = 0;
    let stderrTail = "";
    const [command, args] = withParentDeathSignal(ffmpegPath(), prepared.plan.args);
    const child = execa(command, args, {
      cancelSignal: controller.signal,
      // A stuck ffmpeg must not hold the worker forever; screen recordings convert far faster than this.
      timeout: Math.max(30 * 60_000, durationMs * 3),
      buffer: false,
      stdin: "ignore",
      reject: false,
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString("utf8")).slice(-8_000);
    });
    let pending = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      pending += chunk.toString("utf8");
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        const reachedMs = parseProgressLine(line);
        if (reachedMs === null || durationMs <= 0) continue;
        const now = Date.now();
        if (now - lastWrite < PROGRESS_WRITE_MS) continue;
        lastWrite = now;
        const progress = Math.min(0.99, reachedMs / durationMs);
        const rate = reachedMs / Math.max(1, now - startedAt);
        const etaSeconds = rate > 0 ? Math.round((durationMs - reachedMs) / rate / 1000) : null;
        updateExportProgress({ id: exportId, progress, etaSeconds }).catch((error) => console.error(`[exports] ${exportId}: progress write failed`, error));
      }
    });
    const result = await child;
    console.log(`[exports] ${exportId}: ffmpeg ran ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);

    if (cancelled || result.isCanceled) {
      console.log(`[exports] ${exportId}: cancelled, ffmpeg stopped`);
      return "cancelled";
    }
    if (mayRetry && (result.failed || /Non-monotonous DTS|non monotonically increasing dts/i.test(stderrTail))) {
      console.error(`[exports] ${exportId}: joining the clip failed\n${lastLines(stderrTail, STDERR_LINES)}`);
      return "retry";
    }
    if (result.failed) {
      // Server paths mean nothing to the person reading the reason.
      const tail = stderrTail.split(prepared.mediaPath).join("recording").split(prepared.tempDir).join(".");
      const reason =
        lastLines(tail, STDERR_LINES) || (result.timedOut ? "ffmpeg took too long and was stopped." : `ffmpeg exited with code ${result.exitCode ?? "?"}.`);
      console.error(`[exports] ${exportId}: ffmpeg failed\n${reason}`);
      await failExport({ id: exportId, error: reason });
      return "failed";
    }
    return "done";
  } finally {
    clearInterval(poll);
  }
}

/** Moves the finished file into storage and marks the export done, unless it was cancelled meanwhile. */
async function finishConversion(exportId: string, { format, durationMs, output }: Prepared): Promise<"done" | "cancelled"> {
  const storage = getStorage();
  const outputDurationMs = (await probeDurationMs(output)) ?? durationMs;
  const key = storageKeys.exportFile(exportId, format);
  const { size } = await storage.importFile(key, output);
  const retentionDays = await getParameter({ key: "remote_session.download_retention_days" });
  const finished = await finishExport({
    id: exportId,
    storageKey: key,
    sizeBytes: size,
    durationMs: outputDurationMs,
    expiresAt: new Date(Date.now() + retentionDays * 86_400_000),
  });
  if (!finished) {
    // Cancelled in the last moment: the file must not outlive its row.
    await storage.delete(key);
    return "cancelled";
  }
  console.log(`[exports] ${exportId}: done, ${size} bytes`);
  return "done";
}
