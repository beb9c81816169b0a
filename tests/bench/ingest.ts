/**
 * `npm run bench:ingest`: uploads a recording in chunks through the ingestion
 * API of the built app (`next start`), with curl as the client, and compares
 * the throughput with a plain copy of the same bytes on the same disk, copy
 * and upload taking turns; reads the server's peak memory (VmHWM of the server
 * process) after the 100 MiB and after the 1 GiB uploads, each size on a
 * freshly started server, to show that memory stays flat.
 *
 * Environment: NEXT_DIST_DIR (the build to serve; default .next),
 * BENCH_INGEST_SIZES_MIB (default "100,1024"), BENCH_CHUNK_MIB (default 8),
 * BENCH_PARALLEL (uploads in flight; default 2), BENCH_RUNS (copy and upload
 * pairs per size; default 3),
 * BENCH_PROFILE=<dir> (the server writes a V8 CPU profile there when it stops).
 * Targets: upload ≥ 0.7 × copy throughput; peak RSS < 250 MB and flat.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes, randomFillSync } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, open, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { execa } from "execa";
import { closeDb, useDatabaseUrl } from "@/lib/db/client";
import { startEmbeddedPostgres } from "@/lib/setup/embedded-postgres";
import { applyMigrations } from "@/lib/db/migrate";
import { IngestClient } from "@/lib/ingest/client";
import { createApiToken } from "@/lib/tokens";
import { freePort } from "@/lib/setup/free-port";

const SIZES_MIB = (process.env.BENCH_INGEST_SIZES_MIB ?? "100,1024").split(",").map(Number);
const CHUNK = Math.round(Number(process.env.BENCH_CHUNK_MIB ?? 8) * 1024 * 1024);
const PARALLEL = Number(process.env.BENCH_PARALLEL ?? 2);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const MIB = 1024 * 1024;
const root = path.resolve("data/bench-ingest");

/** Peak resident memory (VmHWM, bytes) of a process and its descendants, the largest of them. */
async function peakRss(pid: number): Promise<number> {
  const pids = [pid];
  for (let i = 0; i < pids.length; i++) {
    const children = await readFile(`/proc/${pids[i]}/task/${pids[i]}/children`, "utf8").catch(() => "");
    pids.push(...children.split(" ").filter(Boolean).map(Number));
  }
  let peak = 0;
  for (const p of pids) {
    const status = await readFile(`/proc/${p}/status`, "utf8").catch(() => "");
    const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
    peak = Math.max(peak, kb * 1024);
  }
  return peak;
}

async function startServer(databaseUrl: string, dataDir: string): Promise<{ url: string; child: ChildProcess; stop: () => Promise<void> }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // BENCH_PROFILE=<dir>: the server writes a V8 CPU profile there when it stops.
  const profile = process.env.BENCH_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(process.env.BENCH_PROFILE)}`] : [];
  const child = spawn(process.execPath, [...profile, path.resolve("node_modules/next/dist/bin/next"), "start", "-p", String(port), "-H", "127.0.0.1"], {
    env: {
      NEXT_TELEMETRY_DISABLED: "1",
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      NEXTAUTH_URL: url,
      NEXTAUTH_SECRET: randomBytes(24).toString("hex"),
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const deadline = Date.now() + 60_000;
  while (
    !(await fetch(`${url}/api/v1/openapi.json`).then(
      (r) => r.ok,
      () => false,
    ))
  ) {
    if (child.exitCode !== null) throw new Error("next start exited: is there a build? (npm run build, or NEXT_DIST_DIR)");
    if (Date.now() > deadline) throw new Error("next start did not answer within 60 s");
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    child,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** CPU seconds a process has used so far, in user space and in the kernel. */
async function cpuSeconds(pid: number): Promise<{ user: number; system: number }> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { user: Number(fields[11]) / 100, system: Number(fields[12]) / 100 }; // utime, stime in clock ticks (100/s)
}

/** A source file of `mib` MiB of random bytes (incompressible, like encoded video). */
async function makeSource(file: string, mib: number) {
  const handle = await open(file, "w");
  const block = Buffer.alloc(8 * MIB);
  for (let written = 0; written < mib * MIB; written += block.length) {
    randomFillSync(block);
    await handle.write(block, 0, Math.min(block.length, mib * MIB - written));
  }
  await handle.sync();
  await handle.close();
}

async function plainCopy(from: string, to: string): Promise<number> {
  const t = performance.now();
  await pipeline(createReadStream(from, { highWaterMark: MIB }), createWriteStream(to));
  const handle = await open(to, "r+");
  await handle.sync();
  await handle.close();
  const ms = performance.now() - t;
  await rm(to, { force: true });
  return ms;
}

type Plan = { chunks: { file: string; sha256: string }[]; sha256: string };

/**
 * Cuts `source` into chunk files of their own in `dir`, with each chunk's
 * SHA-256 and the whole one's, before the clock starts: curl sends a whole
 * file per request (a proxy would send what it has recorded).
 */
async function chunkPlan(source: string, chunkSize: number, dir: string): Promise<Plan> {
  await mkdir(dir, { recursive: true });
  const whole = createHash("sha256");
  const chunks: Plan["chunks"] = [];
  for await (const piece of createReadStream(source, { highWaterMark: chunkSize })) {
    // highWaterMark = chunkSize: each piece is one chunk (the last may be shorter).
    const bytes = piece as Buffer;
    whole.update(bytes);
    const file = path.join(dir, String(chunks.length));
    await writeFile(file, bytes);
    chunks.push({ file, sha256: createHash("sha256").update(bytes).digest("hex") });
  }
  return { chunks, sha256: whole.digest("hex") };
}

/**
 * Uploads the chunks with curl, PARALLEL in flight over kept-alive
 * connections. The client shares this machine's two cores with the server;
 * curl costs a few hundredths of a second per GiB where a Node client cost
 * 0.5 to 2.5 s, so the figures are the server's. A proxy runs elsewhere.
 */
async function uploadWithCurl(url: string, token: string, hash: string, plan: Plan) {
  const config = plan.chunks
    .map((c, i) =>
      [
        `url = "${url}/api/v1/sessions/${hash}/chunks/${i}"`,
        `upload-file = "${c.file}"`,
        `header = "authorization: Bearer ${token}"`,
        `header = "x-chunk-sha256: ${c.sha256}"`,
        `header = "content-type: application/octet-stream"`,
        `output = "/dev/null"`,
        "fail-with-body",
      ].join("\n"),
    )
    .join("\nnext\n");
  const file = path.join(root, "curl.config");
  await writeFile(file, config);
  await execa("curl", ["--silent", "--show-error", "--parallel", "--parallel-max", String(PARALLEL), "--config", file]);
  return { totalChunks: plan.chunks.length, sha256: plan.sha256 };
}

/** CPU seconds this process's finished children (curl) have used, in user space and in the kernel. */
async function childrenCpuSeconds(): Promise<{ user: number; system: number }> {
  const stat = await readFile("/proc/self/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { user: Number(fields[13]) / 100, system: Number(fields[14]) / 100 }; // cutime, cstime
}

type Run = { copy: number; upload: number; ratio: number; serverUser: number; serverKernel: number; clientUser: number; clientKernel: number; finish: number };
type Row = { mib: number; runs: Run[]; rssIdle: number; rssPeak: number };

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** One upload of `source` as a new session, timed, with the CPU both sides spent, then its finish. */
async function timedUpload(api: IngestClient, server: { url: string; pid: number; token: string }, plan: Plan): Promise<Omit<Run, "copy" | "ratio">> {
  const hash = `bench${randomBytes(6).toString("hex")}`;
  await api.start({
    hash,
    protocol: "rdp",
    host: "bench",
    credentialUsername: "bench",
    user: "bench",
    userIp: "127.0.0.1",
    startedAt: new Date().toISOString(),
  });
  const serverBefore = await cpuSeconds(server.pid);
  const clientBefore = await childrenCpuSeconds();
  let t = performance.now();
  const uploaded = await uploadWithCurl(server.url, server.token, hash, plan);
  const upload = performance.now() - t;
  const clientAfter = await childrenCpuSeconds();
  const serverAfter = await cpuSeconds(server.pid);
  t = performance.now();
  const done = await api.finish(hash, { endedAt: new Date().toISOString(), totalChunks: uploaded.totalChunks, mediaSha256: uploaded.sha256 });
  const finish = performance.now() - t;
  if (done.body.recording?.status !== "processing") throw new Error(`finish gave ${JSON.stringify(done.body.recording)}`);
  return {
    upload,
    serverUser: serverAfter.user - serverBefore.user,
    serverKernel: serverAfter.system - serverBefore.system,
    clientUser: clientAfter.user - clientBefore.user,
    clientKernel: clientAfter.system - clientBefore.system,
    finish,
  };
}

async function main() {
  await rm(root, { recursive: true, force: true });
  await mkdir(root, { recursive: true });
  const db = await startEmbeddedPostgres(path.join(root, "postgres"));
  const rows: Row[] = [];
  try {
    await applyMigrations(db.url);
    useDatabaseUrl(db.url);
    const { token } = await createApiToken({ name: "bench", createdBy: null });
    for (const mib of SIZES_MIB) {
      const dataDir = path.join(root, `data-${mib}`);
      const source = path.join(root, `source-${mib}.bin`);
      console.log(`[bench] ${mib} MiB: writing the source file`);
      await makeSource(source, mib);
      // Warm the page cache for copy and upload alike: read once.
      for await (const _ of createReadStream(source, { highWaterMark: 8 * MIB })) void _;
      // The proxy knows each chunk's SHA-256 as it records: hash before the clock starts,
      // so the upload measures the server (the client shares this machine's two cores).
      const plan = await chunkPlan(source, CHUNK, path.join(root, `parts-${mib}`));

      const server = await startServer(db.url, dataDir);
      try {
        const api = new IngestClient(server.url, token);
        // Warm-up: compile the routes once so the peak is the uploads', not the first request's.
        const warm = `warm${randomBytes(4).toString("hex")}`;
        await api.start({ hash: warm, protocol: "ssh", host: "h", credentialUsername: "c", user: "u", userIp: "1.1.1.1", startedAt: new Date().toISOString() });
        const w = randomBytes(1024);
        await api.putChunk(warm, 0, w);
        await api.finish(warm, { endedAt: new Date().toISOString(), totalChunks: 1, mediaSha256: createHash("sha256").update(w).digest("hex") });
        const rssIdle = await peakRss(server.child.pid!);

        // Copy and upload take turns, so a slow moment of the disk or the machine hits both
        // of a pair; the ratio is taken pair by pair and its median reported.
        const runs: Run[] = [];
        for (let i = 0; i < RUNS; i++) {
          console.log(`[bench] ${mib} MiB: run ${i + 1} of ${RUNS}: copy, then upload in ${CHUNK / MIB} MiB chunks`);
          const copy = await plainCopy(source, path.join(root, `copy-${mib}.bin`));
          const run = await timedUpload(api, { url: server.url, pid: server.child.pid!, token }, plan);
          runs.push({ copy, ...run, ratio: copy / run.upload });
        }
        rows.push({ mib, runs, rssIdle, rssPeak: await peakRss(server.child.pid!) });
      } finally {
        await server.stop();
        await rm(source, { force: true });
        await rm(path.join(root, `parts-${mib}`), { recursive: true, force: true });
        await rm(dataDir, { recursive: true, force: true });
      }
    }
  } finally {
    await closeDb();
    await db.stop();
    await rm(root, { recursive: true, force: true });
  }

  const rate = (mib: number, ms: number) => (mib * MIB) / 1e6 / (ms / 1000);
  const mbps = (rate: number) => `${rate.toFixed(0)} MB/s`;
  const range = (values: number[], show: (v: number) => string) => `${show(median(values))} (${show(Math.min(...values))}–${show(Math.max(...values))})`;
  console.log(`\nIngestion benchmark: chunks of ${CHUNK / MIB} MiB, ${PARALLEL} in flight, the server hashes every byte and fsyncs every chunk.`);
  console.log(`Medians of ${RUNS} runs, range in brackets.\n`);
  console.table(
    rows.map(({ mib, runs, rssIdle, rssPeak }) => {
      const of = (pick: (r: Run) => number) => runs.map(pick);
      return {
        size: `${mib} MiB`,
        "plain copy": range(
          of((r) => rate(mib, r.copy)),
          mbps,
        ),
        "upload (chunks)": range(
          of((r) => rate(mib, r.upload)),
          mbps,
        ),
        "upload / copy": `${range(
          of((r) => r.ratio),
          (v) => v.toFixed(2),
        )} target ≥ 0.70`,
        "server CPU: user + kernel": `${median(of((r) => r.serverUser)).toFixed(1)} + ${median(of((r) => r.serverKernel)).toFixed(1)} s`,
        "client CPU: user + kernel": `${median(of((r) => r.clientUser)).toFixed(1)} + ${median(of((r) => r.clientKernel)).toFixed(1)} s`,
        "finish (assemble)": `${(median(of((r) => r.finish)) / 1000).toFixed(1)} s`,
        "server RSS idle": `${(rssIdle / 1e6).toFixed(0)} MB`,
        "server peak RSS": `${(rssPeak / 1e6).toFixed(0)} MB (target < 250)`,
      };
    }),
  );
  const peaks = rows.map((r) => r.rssPeak);
  const flat = Math.max(...peaks) - Math.min(...peaks);
  console.log(`Peak RSS difference between sizes: ${(flat / 1e6).toFixed(0)} MB`);
}

await main();
