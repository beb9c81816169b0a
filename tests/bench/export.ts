/**
 * `npm run bench:export`: converts a 2-hour screen recording (1280x720, 15 fps,
 * H.264/AAC, made once by encoding a one-minute terminal-like segment and
 * repeating it by stream copy; cached in the temp folder) through the real
 * export job, in a child process like a worker, and next to it the same ffmpeg
 * command run by hand as the baseline. Two cases: stream copy (the default
 * MP4 export) and a watermark transcode. Reports wall time, realtime factor
 * and peak memory (VmHWM) of the job's process and of ffmpeg. Each case runs
 * BENCH_COPY_RUNS (5) / BENCH_TRANSCODE_RUNS (1) times, job and hand-run alternating.
 *
 * Environment: BENCH_DATABASE_URL (use that server instead of an embedded one),
 * BENCH_SECONDS (recording length, default 7200), BENCH_TRANSCODE_SECONDS
 * (length of the recording used for the transcode case, default BENCH_SECONDS).
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

const RUN_JOB = process.argv.indexOf("--run-job");

// ─── Memory sampling ─────────────────────────────────────────────────────────

function readKb(pid: number | "self", field: string): number | null {
  try {
    const line = readFileSync(`/proc/${pid}/status`, "utf8")
      .split("\n")
      .find((l) => l.startsWith(`${field}:`));
    return line ? Number(line.split(/\s+/)[1]) : null;
  } catch {
    return null;
  }
}

function children(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function commOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return "";
  }
}

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return null;
  }
}

/** Polls the peak resident memory (VmHWM) of `root` and of any ffmpeg below it, and ffmpeg's CPU time, until stopped. */
function sampleMemory(root: number) {
  const peaks = { root: 0, ffmpeg: 0, ffmpegCpu: 0 };
  const cpu = new Map<number, number>();
  const tick = () => {
    peaks.root = Math.max(peaks.root, readKb(root, "VmHWM") ?? 0);
    const stack = children(root);
    while (stack.length) {
      const pid = stack.pop()!;
      if (commOf(pid) === "ffmpeg") {
        peaks.ffmpeg = Math.max(peaks.ffmpeg, readKb(pid, "VmHWM") ?? 0);
        const used = cpuSeconds(pid);
        if (used !== null) cpu.set(pid, used);
        peaks.ffmpegCpu = [...cpu.values()].reduce((a, b) => a + b, 0);
      }
      stack.push(...children(pid));
    }
  };
  const timer = setInterval(tick, 50);
  return {
    stop: () => {
      tick();
      clearInterval(timer);
      return peaks;
    },
  };
}

// ─── The job, in its own process like a worker ───────────────────────────────

async function runJobInThisProcess(exportId: string) {
  const { useDatabaseUrl, closeDb } = await import("@/lib/db/client");
  useDatabaseUrl(process.env.BENCH_CHILD_DATABASE_URL!);
  const { runExportConversion } = await import("@/lib/exports/convert");
  // A worker is a long-running process: its database pool is already open when a job arrives.
  const { getPool } = await import("@/lib/db/client");
  await getPool().query("select 1");
  const started = performance.now();
  const outcome = await runExportConversion({ exportId });
  const wallMs = performance.now() - started;
  await closeDb();
  process.stdout.write(`${JSON.stringify({ outcome, wallMs, vmHwmKb: readKb("self", "VmHWM") })}\n`);
}

function runChild(args: string[], env: Record<string, string>) {
  return new Promise<{ stdout: string; peaks: { root: number; ffmpeg: number; ffmpegCpu: number }; wallMs: number }>((resolve, reject) => {
    const started = performance.now();
    const child = spawn(args[0]!, args.slice(1), { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
    const sampler = sampleMemory(child.pid!);
    let stdout = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.on("error", reject);
    child.on("exit", (code) => {
      const peaks = sampler.stop();
      const wallMs = performance.now() - started;
      if (code !== 0) reject(new Error(`${path.basename(args[0]!)} exited with ${code}`));
      else resolve({ stdout, peaks, wallMs });
    });
  });
}

// ─── Bench ───────────────────────────────────────────────────────────────────

async function main() {
  const seconds = Number(process.env.BENCH_SECONDS ?? 7200);
  const transcodeSeconds = Number(process.env.BENCH_TRANSCODE_SECONDS ?? seconds);
  const work = await mkdtemp(path.join(os.tmpdir(), "sv-bench-export-"));
  process.env.DATA_DIR = path.join(work, "data");

  const { makeScreenRecording, probe } = await import("../support/export-fixtures");
  const recordingsCache = async (len: number) => {
    const file = path.join(os.tmpdir(), `sv-bench-screen-${len}s-720p15.mp4`);
    if (!existsSync(file)) {
      console.log(`Making a ${len} s screen recording (one-minute segment repeated by stream copy)…`);
      const dir = await mkdtemp(path.join(os.tmpdir(), "sv-bench-make-"));
      const made = await makeScreenRecording({ seconds: len, segmentSeconds: Math.min(60, len), size: "1280x720", rate: 15, dir });
      const { rename } = await import("node:fs/promises");
      await rename(made.file, file);
      await made.cleanup();
    }
    return file;
  };

  // Database: the given server, or an embedded one under ./data (removed afterwards).
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
  const { users, videoExports } = await import("@/lib/db/schema");
  const { getStorage } = await import("@/lib/storage");
  const { getExportById } = await import("@/lib/exports/queries");
  const { planConversion } = await import("@/lib/exports/plan");
  const { buildCues, toWebVtt } = await import("@/lib/exports/subtitles");
  const { WATERMARK_FONT } = await import("@/lib/exports/convert");
  const { ffmpegPath } = await import("@/lib/media/binaries");
  const { createSessionWithRecording } = await import("../support/export-fixtures");

  const [requester] = await db
    .insert(users)
    .values({ email: `bench-${Date.now()}@example.test`, name: "Bench Auditor", role: "auditor", passwordHash: "x" })
    .returning();

  // A busy terminal session: a key every ~0.7 s with Enter every 30 keys.
  const events = (len: number) =>
    Array.from({ length: Math.floor((len * 1000) / 700) }, (_, i) => ({
      tMs: i * 700,
      type: "key" as const,
      data: i % 30 === 29 ? { key: "Enter" } : { key: String.fromCharCode(97 + (i % 26)) },
    }));

  type Row = {
    name: string;
    mode: string;
    runs: number;
    mediaSeconds: number;
    jobWallMs: number;
    handWallMs: number;
    jobWallMedianMs: number;
    handWallMedianMs: number;
    jobProcessMb: number;
    jobFfmpegMb: number;
    handFfmpegMb: number;
    jobFfmpegCpu: number;
    handFfmpegCpu: number;
  };
  const rows: Row[] = [];
  // The machine is shared: other work only ever adds time, so the best run is the fairest estimate of the cost.
  const best = (xs: number[]) => Math.min(...xs);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const { sessionEvents } = await import("@/lib/db/schema");

  const cases = [
    { name: "MP4, stream copy", watermark: false, len: seconds, runs: Number(process.env.BENCH_COPY_RUNS ?? 5) },
    { name: "MP4, watermark transcode (15 fps)", watermark: true, len: transcodeSeconds, runs: Number(process.env.BENCH_TRANSCODE_RUNS ?? 1) },
  ];
  for (const c of cases) {
    const file = await recordingsCache(c.len);
    const facts = await probe(file);
    const evs = events(c.len);
    const { session, recording } = await createSessionWithRecording({
      storage: getStorage(),
      file,
      kind: "h264-aac-mp4",
      durationMs: facts.durationMs,
      events: [],
    });
    for (let i = 0; i < evs.length; i += 2000) {
      await db.insert(sessionEvents).values(evs.slice(i, i + 2000).map((e) => ({ ...e, sessionId: session.id })));
    }
    // The same command by hand: same source, same subtitle file, same watermark text.
    const hand = path.join(work, "hand");
    await mkdir(hand, { recursive: true });
    const vtt = path.join(hand, "log.vtt");
    await writeFile(vtt, toWebVtt(buildCues(evs)));
    const wm = path.join(hand, "watermark.txt");
    await writeFile(wm, `Requested by ${requester!.name} <${requester!.email}>\n2026-01-01 00:00:00 UTC\nSession ${session.hash}`);
    const local = await getStorage().localPath(`recordings/${recording.id}/media`);
    const plan = planConversion({
      source: local.path,
      output: path.join(hand, "video.mp4"),
      format: "mp4",
      facts: recording,
      subtitles: vtt,
      watermarkFile: c.watermark ? wm : null,
      fontFile: existsSync(WATERMARK_FONT) ? WATERMARK_FONT : null,
      title: `Session ${session.hash}`,
    });

    console.log(`\n${c.name}: ${c.len} s recording, ${c.runs} run(s) each, alternating job and hand-run`);
    const jobRuns: { wallMs: number; processKb: number; ffmpegKb: number; cpu: number }[] = [];
    const handRuns: { wallMs: number; ffmpegKb: number; cpu: number }[] = [];
    for (let run = 0; run < c.runs; run++) {
      const [exp] = await db
        .insert(videoExports)
        .values({
          sessionId: session.id,
          requestedBy: requester!.id,
          format: "mp4",
          watermark: c.watermark,
          optionsKey: `bench-${c.watermark ? "watermark" : "plain"}-${run}`,
        })
        .returning();
      const job = await runChild([process.execPath, "--conditions=react-server", "--import", "tsx", "tests/bench/export.ts", "--run-job", exp!.id], {
        BENCH_CHILD_DATABASE_URL: databaseUrl,
        DATA_DIR: process.env.DATA_DIR!,
      });
      const lines = job.stdout.trim().split("\n");
      for (const l of lines.slice(0, -1)) console.log(`  | ${l}`);
      const report = JSON.parse(lines.pop()!) as { outcome: string; wallMs: number; vmHwmKb: number };
      const done = await getExportById({ id: exp!.id });
      if (report.outcome !== "done" || done?.status !== "done") throw new Error(`export ended ${report.outcome}: ${done?.error}`);
      jobRuns.push({ wallMs: report.wallMs, processKb: Math.max(report.vmHwmKb, job.peaks.root), ffmpegKb: job.peaks.ffmpeg, cpu: job.peaks.ffmpegCpu });
      console.log(`  job ${run + 1}: ${(report.wallMs / 1000).toFixed(1)} s, output ${(done.sizeBytes! / 1e6).toFixed(1)} MB`);
      await getStorage().delete(done.storageKey!);

      // Wrapped in a small node parent so the sampler sees ffmpeg as a child, as in the job.
      const baseline = await runChild(
        [
          process.execPath,
          "-e",
          `const r=require("child_process").spawnSync(process.argv[1],JSON.parse(process.argv[2]),{stdio:["ignore","ignore","inherit"]});process.exit(r.status??1)`,
          ffmpegPath(),
          JSON.stringify(plan.args),
        ],
        {},
      );
      handRuns.push({ wallMs: baseline.wallMs, ffmpegKb: baseline.peaks.ffmpeg, cpu: baseline.peaks.ffmpegCpu });
      console.log(`  hand-run ${run + 1}: ${(baseline.wallMs / 1000).toFixed(1)} s`);
    }
    rows.push({
      name: c.name,
      mode: plan.mode,
      runs: c.runs,
      mediaSeconds: facts.durationMs / 1000,
      jobWallMs: best(jobRuns.map((r) => r.wallMs)),
      handWallMs: best(handRuns.map((r) => r.wallMs)),
      jobWallMedianMs: median(jobRuns.map((r) => r.wallMs)),
      handWallMedianMs: median(handRuns.map((r) => r.wallMs)),
      jobProcessMb: Math.max(...jobRuns.map((r) => r.processKb)) / 1024,
      jobFfmpegMb: Math.max(...jobRuns.map((r) => r.ffmpegKb)) / 1024,
      handFfmpegMb: Math.max(...handRuns.map((r) => r.ffmpegKb)) / 1024,
      jobFfmpegCpu: median(jobRuns.map((r) => r.cpu)),
      handFfmpegCpu: median(handRuns.map((r) => r.cpu)),
    });
    await local.release();
    await rm(hand, { recursive: true, force: true });
  }

  console.log("\nResults (1280x720 15 fps screen recording, H.264/AAC source; wall times are the best of the runs, medians in brackets; memory is VmHWM)");
  const header = ["case", "media", "job wall", "realtime", "hand-run", "job/hand", "ffmpeg CPU job/hand", "job process", "ffmpeg (job)", "ffmpeg (hand)"];
  const table = rows.map((r) => [
    `${r.name} [${r.mode}]`,
    `${(r.mediaSeconds / 60).toFixed(0)} min`,
    `${(r.jobWallMs / 1000).toFixed(1)} s (${(r.jobWallMedianMs / 1000).toFixed(1)})`,
    `${(r.mediaSeconds / (r.jobWallMs / 1000)).toFixed(0)}×`,
    `${(r.handWallMs / 1000).toFixed(1)} s (${(r.handWallMedianMs / 1000).toFixed(1)})`,
    `${(r.jobWallMs / r.handWallMs).toFixed(2)}× (${(r.jobWallMedianMs / r.handWallMedianMs).toFixed(2)})`,
    `${r.jobFfmpegCpu.toFixed(1)} s / ${r.handFfmpegCpu.toFixed(1)} s`,
    `${r.jobProcessMb.toFixed(0)} MB`,
    `${r.jobFfmpegMb.toFixed(0)} MB`,
    `${r.handFfmpegMb.toFixed(0)} MB`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ");
  console.log(line(header));
  console.log(widths.map((w) => "─".repeat(w)).join("  "));
  for (const t of table) console.log(line(t));

  const copy = rows[0]!;
  const transcode = rows[1]!;
  const rt = (r: Row) => r.mediaSeconds / (r.jobWallMs / 1000);
  const verdict = (ok: boolean) => (ok ? "met" : "NOT met");
  console.log("\nTargets");
  console.log(`  stream copy ≥ 200× realtime: ${rt(copy).toFixed(0)}× — ${verdict(rt(copy) >= 200)}`);
  // Judged on medians of alternating runs: on a noisy machine one lucky hand run
  // would otherwise decide the ratio (best-of is printed in the table too).
  const copyRatio = copy.jobWallMedianMs / copy.handWallMedianMs;
  console.log(`  stream copy within 1.1× of hand-run (medians): ${copyRatio.toFixed(2)}× — ${verdict(copyRatio <= 1.1)}`);
  console.log(`  transcode ≥ 8× realtime: ${rt(transcode).toFixed(1)}× — ${verdict(rt(transcode) >= 8)}`);
  const peak = Math.max(...rows.map((r) => Math.max(r.jobProcessMb, r.jobFfmpegMb)));
  console.log(`  peak memory of our processes < 300 MB: ${peak.toFixed(0)} MB — ${verdict(peak < 300)}`);
  const cpuRealtime = transcode.mediaSeconds / (transcode.jobFfmpegCpu / os.cpus().length);
  console.log(`  (transcode if ffmpeg had all ${os.cpus().length} cores to itself, from its CPU time: ${cpuRealtime.toFixed(1)}× realtime)`);
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
