/**
 * `npm run bench:clips`: on a 2-hour screen recording (1280x720, 15 fps,
 * H.264 with B-frames and a keyframe every 4 s, AAC; the same file as
 * bench:export, made once by repeating a one-minute segment by stream copy
 * and cached in the temp folder):
 *
 * - timeline thumbnails through the real make-thumbnails code over the
 *   playable file: time to the first usable sprite sheet (published in the
 *   index), total time, number of thumbnails and bytes of the sheets;
 * - a 1-minute clip from the middle (starting between keyframes) through the
 *   real export job, in a child process like a worker, next to the same cut
 *   by hand: the frame-exact command (`-ss` before `-i`, encoded again: what
 *   the job ran before it copied the middle) as the baseline, and a plain
 *   stream-copy cut (`-c copy`, which starts on the keyframe before, not on
 *   the frame asked for) for scale. Runs alternate job and hand-runs,
 *   BENCH_CLIP_RUNS (5) of each; medians decide, best runs are shown too.
 *
 * Environment: BENCH_DATABASE_URL (use that server instead of an embedded
 * one), BENCH_SECONDS (recording length, default 7200), BENCH_CLIP_RUNS.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

const RUN_JOB = process.argv.indexOf("--run-job");

async function runJobInThisProcess(exportId: string) {
  const { useDatabaseUrl, closeDb, getPool } = await import("@/lib/db/client");
  useDatabaseUrl(process.env.BENCH_CHILD_DATABASE_URL!);
  const { runExportConversion } = await import("@/lib/exports/convert");
  // A worker is a long-running process: its database pool is already open when a job arrives.
  await getPool().query("select 1");
  const started = performance.now();
  const outcome = await runExportConversion({ exportId });
  const wallMs = performance.now() - started;
  await closeDb();
  process.stdout.write(`${JSON.stringify({ outcome, wallMs })}\n`);
}

function run(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ stdout: string; wallMs: number }>((resolve, reject) => {
    const started = performance.now();
    const child = spawn(args[0]!, args.slice(1), { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.on("error", reject);
    child.on("exit", (code) => {
      const wallMs = performance.now() - started;
      if (code !== 0) reject(new Error(`${path.basename(args[0]!)} exited with ${code}`));
      else resolve({ stdout, wallMs });
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const best = (xs: number[]) => Math.min(...xs);
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main() {
  const seconds = Number(process.env.BENCH_SECONDS ?? 7200);
  const runs = Number(process.env.BENCH_CLIP_RUNS ?? 5);
  const work = await mkdtemp(path.join(os.tmpdir(), "sv-bench-clips-"));
  process.env.DATA_DIR = path.join(work, "data");

  const { makeScreenRecording, probe, createSessionWithRecording } = await import("../support/export-fixtures");
  const file = path.join(os.tmpdir(), `sv-bench-screen-${seconds}s-720p15.mp4`);
  if (!existsSync(file)) {
    console.log(`Making a ${seconds} s screen recording (one-minute segment repeated by stream copy)…`);
    const dir = await mkdtemp(path.join(os.tmpdir(), "sv-bench-make-"));
    const made = await makeScreenRecording({ seconds, segmentSeconds: Math.min(60, seconds), size: "1280x720", rate: 15, dir });
    await rename(made.file, file);
    await made.cleanup();
  }

  let databaseUrl = process.env.BENCH_DATABASE_URL;
  let stopDb = async () => {};
  if (!databaseUrl) {
    const { startEmbeddedPostgres } = await import("@/lib/setup/embedded-postgres");
    await mkdir(path.resolve("data"), { recursive: true });
    const parent = await mkdtemp(path.resolve("data/bench-postgres-"));
    await chmod(parent, 0o755);
    const pg = await startEmbeddedPostgres(path.join(parent, "pg"));
    databaseUrl = pg.url;
    stopDb = async () => {
      await pg.stop();
      await rm(parent, { recursive: true, force: true });
    };
  }
  const { useDatabaseUrl, closeDb, db } = await import("@/lib/db/client");
  const { applyMigrations } = await import("@/lib/db/migrate");
  useDatabaseUrl(databaseUrl);
  await applyMigrations(databaseUrl);
  const { users, videoExports, sessionEvents } = await import("@/lib/db/schema");
  const { getStorage, storageKeys } = await import("@/lib/storage");
  const { ensurePlayable } = await import("@/lib/hls/prepare");
  const { extendThumbnails } = await import("@/lib/hls/thumbnails");
  const { getThumbnails } = await import("@/lib/hls/queries");
  const { getExportById } = await import("@/lib/exports/queries");
  const { planConversion } = await import("@/lib/exports/plan");
  const { buildCues, cuesOfClip, toWebVtt } = await import("@/lib/exports/subtitles");
  const { ffmpegPath, ffprobePath } = await import("@/lib/media/binaries");

  const facts = await probe(file);
  const [requester] = await db
    .insert(users)
    .values({ email: `bench-${Date.now()}@example.test`, name: "Bench Auditor", role: "auditor", passwordHash: "x" })
    .returning();
  const { session, recording } = await createSessionWithRecording({
    storage: getStorage(),
    file,
    kind: "h264-aac-mp4",
    durationMs: facts.durationMs,
    events: [],
  });
  // A busy terminal session: a key every ~0.7 s with Enter every 30 keys (the clip's subtitles).
  const events = Array.from({ length: Math.floor(facts.durationMs / 700) }, (_, i) => ({
    tMs: i * 700,
    type: "key" as const,
    data: i % 30 === 29 ? { key: "Enter" } : { key: String.fromCharCode(97 + (i % 26)) },
  }));
  for (let i = 0; i < events.length; i += 2000) await db.insert(sessionEvents).values(events.slice(i, i + 2000).map((e) => ({ ...e, sessionId: session.id })));

  // ─── Thumbnails ──────────────────────────────────────────────────────────
  console.log(`\n${(facts.durationMs / 60_000).toFixed(0)}-minute recording: making it playable, then its thumbnails`);
  let started = performance.now();
  await ensurePlayable(recording.id);
  const prepareMs = performance.now() - started;
  let firstSheetMs: number | null = null;
  started = performance.now();
  const watch = setInterval(() => {
    void getThumbnails({ recordingId: recording.id }).then((t) => {
      if (firstSheetMs === null && t && t.sheets.length > 0) firstSheetMs = performance.now() - started;
    });
  }, 50);
  const outcome = await extendThumbnails(recording.id);
  const thumbnailsMs = performance.now() - started;
  clearInterval(watch);
  const stored = (await getThumbnails({ recordingId: recording.id }))!;
  if (outcome !== "complete" || stored.status !== "complete") throw new Error(`thumbnails ended ${outcome}`);
  let sheetBytes = 0;
  for (const [n, count] of stored.sheets.entries()) {
    sheetBytes += (await getStorage().stat(storageKeys.thumbnailSheet(recording.id, stored.generation, n, count)))?.size ?? 0;
  }

  // ─── Clip: one minute from the middle, starting between keyframes ────────
  const clip = { startMs: Math.round(facts.durationMs / 2) + 1_400, endMs: Math.round(facts.durationMs / 2) + 61_400 };
  const local = await getStorage().localPath(storageKeys.media(recording.id));
  const hand = path.join(work, "hand");
  await mkdir(hand, { recursive: true });
  const vtt = path.join(hand, "log.vtt");
  await writeFile(vtt, toWebVtt(cuesOfClip(buildCues(events), clip.startMs, clip.endMs)));
  const exact = planConversion({
    source: local.path,
    output: path.join(hand, "exact.mp4"),
    format: "mp4",
    facts: recording,
    subtitles: vtt,
    watermarkFile: null,
    fontFile: null,
    title: `Session ${session.hash}`,
    clip,
  });
  const startS = (clip.startMs / 1000).toFixed(3);
  const copyCut = ["-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-ss", startS, "-i", local.path, "-i", vtt, "-t", "60"];
  copyCut.push("-map", "0:v:0", "-map", "0:a:0", "-map", "1:0", "-c", "copy", "-c:s", "mov_text", "-movflags", "+faststart", path.join(hand, "copy.mp4"));

  console.log(`\n1-minute clip ${startS}–${(clip.endMs / 1000).toFixed(3)} s: ${runs} run(s) each, alternating job and hand-runs`);
  const job: number[] = [];
  const handExact: number[] = [];
  const handCopy: number[] = [];
  let output = { frames: 0, durationS: 0, bytes: 0, copiedLog: "" };
  for (let r = 0; r < runs; r++) {
    const [row] = await db
      .insert(videoExports)
      .values({
        sessionId: session.id,
        requestedBy: requester!.id,
        format: "mp4",
        watermark: false,
        optionsKey: `bench-clip-${r}`,
        clipStartMs: clip.startMs,
        clipEndMs: clip.endMs,
      })
      .returning();
    const child = await run([process.execPath, "--conditions=react-server", "--import", "tsx", "tests/bench/clips.ts", "--run-job", row!.id], {
      BENCH_CHILD_DATABASE_URL: databaseUrl,
      DATA_DIR: process.env.DATA_DIR!,
    });
    const lines = child.stdout.trim().split("\n");
    const report = JSON.parse(lines.pop()!) as { outcome: string; wallMs: number };
    const done = await getExportById({ id: row!.id });
    if (report.outcome !== "done" || done?.status !== "done") throw new Error(`clip ended ${report.outcome}: ${done?.error}`);
    job.push(report.wallMs);
    if (r === 0) {
      const out = (await getStorage().localPath(done.storageKey!)).path;
      const { stdout } = await run([
        ffprobePath(),
        "-v",
        "error",
        "-select_streams",
        "v:0",
        "-count_packets",
        "-show_entries",
        "stream=nb_read_packets,duration",
        "-of",
        "csv=p=0",
        out,
      ]);
      const [duration, packets] = stdout.trim().split(",");
      output = { frames: Number(packets), durationS: Number(duration), bytes: done.sizeBytes ?? 0, copiedLog: lines.find((l) => l.includes(" cut: ")) ?? "" };
    }
    await getStorage().delete(done.storageKey!);
    console.log(`  job ${r + 1}: ${s(report.wallMs)}`);
    handExact.push((await run([ffmpegPath(), ...exact.args], {})).wallMs);
    console.log(`  hand-run, exact (encoded again) ${r + 1}: ${s(handExact.at(-1)!)}`);
    handCopy.push((await run([ffmpegPath(), ...copyCut], {})).wallMs);
    console.log(`  hand-run, stream copy ${r + 1}: ${s(handCopy.at(-1)!)}`);
  }
  await local.release();

  const table: string[][] = [
    ["thumbnails: prepare playback (before the job, for scale)", s(prepareMs), ""],
    ["thumbnails: first usable sprite sheet in the index", firstSheetMs === null ? "—" : s(firstSheetMs), ""],
    [
      `thumbnails: all ${stored.times.length} (every ${stored.intervalMs / 1000} s, ${stored.sheets.length} sheets of ${stored.columns}×${stored.rows}, ${stored.width}×${stored.height})`,
      s(thumbnailsMs),
      `${(sheetBytes / 1024).toFixed(0)} KiB`,
    ],
    [
      `clip job (${output.frames} frames, ${output.durationS.toFixed(3)} s)`,
      `${s(median(job))} (best ${s(best(job))})`,
      `${(output.bytes / 1e6).toFixed(1)} MB`,
    ],
    ["hand-run exact cut, encoded again (baseline)", `${s(median(handExact))} (best ${s(best(handExact))})`, ""],
    ["hand-run stream copy cut (not exact: from the keyframe before)", `${s(median(handCopy))} (best ${s(best(handCopy))})`, ""],
  ];
  const header = ["what", "time (median)", "bytes"];
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ");
  console.log(`\nResults (${(facts.durationMs / 60_000).toFixed(0)}-minute 1280x720 15 fps H.264 recording with B-frames, keyframe every 4 s)`);
  console.log(line(header));
  console.log(widths.map((w) => "─".repeat(w)).join("  "));
  for (const t of table) console.log(line(t));
  const ratio = median(job) / median(handExact);
  console.log(`\n  ${output.copiedLog.replace(/^.*\] /, "").trim()}`);
  console.log(`  clip job / hand-run exact cut (medians): ${ratio.toFixed(2)}× — target ≤ 1.1×: ${ratio <= 1.1 ? "met" : "NOT met"}`);
  console.log(`  clip job / hand-run stream copy (medians): ${(median(job) / median(handCopy)).toFixed(2)}×`);
  console.log(
    `  (machine: ${os.cpus().length} cores, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")})`,
  );

  await closeDb();
  await stopDb();
  await rm(work, { recursive: true, force: true });
}

if (RUN_JOB >= 0) {
  runJobInThisProcess(process.argv[RUN_JOB + 1]!).catch((error) => {
    console.error(error);
    process.exit(1);
  });
} else {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
