/**
 * `npm run bench:cluster`: two nodes (web server + worker each) on one
 * PostgreSQL and one S3-compatible server (lib/cli/local-s3.ts, in this
 * process), and a third node on local disk with a database of its own as the
 * same-run baseline. Measures:
 *
 * - ack → playable on B: a live session sent to node A one segment-sized
 *   chunk at a time; from each chunk's acknowledgement on A to node B's live
 *   playlist listing its segment and B serving its bytes (median, p95;
 *   target under 1 s);
 * - ingest: a 1 GiB upload to node A (8 MiB chunks, 2 in flight) next to the
 *   same bytes sent to the store with a plain PutObject loop of the SDK
 *   (same chunks, 2 in flight), taking turns (target ≥ 0.7);
 * - first decoded frame in headless Chromium (hls.js) on node B with a cold
 *   cache (a recording B never read) and a warm one (the same again), next to
 *   the local-disk node (targets ≤ 1.5× cold, ≤ 1.1× warm);
 * - peak memory (VmHWM) of each node's processes.
 *
 * Environment: NEXT_DIST_DIR (the build to serve; default .next),
 * BENCH_INGEST_MIB (default 1024), BENCH_RUNS (ingest pairs, default 2),
 * BENCH_FRAMES (first-frame recordings per case, default 5),
 * BENCH_LIVE_SECONDS (length of the live session, default 120).
 */
import { randomBytes, randomFillSync } from "node:crypto";
import { chmod, mkdir, mkdtemp, open, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { execa } from "execa";
import pg from "pg";
import { chromium, type Browser } from "playwright-core";
import { startLocalS3 } from "@/lib/cli/local-s3";
import { applyMigrations } from "@/lib/db/migrate";
import { DB_ROLES, provisionRoles, urlAs } from "@/lib/db/roles";
import { closeDb, db, useDatabaseUrl } from "@/lib/db/client";
import { recordings, remoteSessions, users } from "@/lib/db/schema";
import { parseFmp4 } from "@/lib/hls/fmp4";
import { groupSegments } from "@/lib/hls/playlist";
import { fileSource } from "@/lib/hls/prepare";
import { IngestClient, sha256Hex } from "@/lib/ingest/client";
import { ffmpegPath } from "@/lib/media/binaries";
import { startEmbeddedPostgres } from "@/lib/setup/embedded-postgres";
import { createS3Client } from "@/lib/storage/s3";
import { createApiToken } from "@/lib/tokens";
import { hashPassword } from "@/lib/users/password";
import { eq } from "drizzle-orm";
import { makeMedia } from "../support/player-media";
import { CHROMIUM_ARGS } from "../e2e/support/browser";
import { startClusterNode, type ClusterNodeProcess } from "../e2e/support/cluster";

const MIB = 1024 * 1024;
const INGEST_MIB = Number(process.env.BENCH_INGEST_MIB ?? 1024);
const RUNS = Number(process.env.BENCH_RUNS ?? 2);
const FRAMES = Number(process.env.BENCH_FRAMES ?? 5);
const LIVE_SECONDS = Number(process.env.BENCH_LIVE_SECONDS ?? 120);
const CHUNK = 8 * MIB;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2) : NaN;
};
const p95 = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)] ?? NaN;
};

async function peakRss(pid: number): Promise<number> {
  const pids = [pid];
  for (let i = 0; i < pids.length; i++) {
    const children = await readFile(`/proc/${pids[i]}/task/${pids[i]}/children`, "utf8").catch(() => "");
    pids.push(...children.split(" ").filter(Boolean).map(Number));
  }
  let peak = 0;
  for (const p of pids) {
    const status = await readFile(`/proc/${p}/status`, "utf8").catch(() => "");
    peak = Math.max(peak, Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024);
  }
  return peak;
}

const PAGE_FIRST_FRAME = `async function (src) {
  const video = document.createElement("video");
  video.muted = true;
  document.body.appendChild(video);
  const first = new Promise(function (resolve) { video.requestVideoFrameCallback(function () { resolve(performance.now()); }); });
  const hls = new Hls({ maxBufferLength: 10 });
  const t0 = performance.now();
  hls.loadSource(src);
  hls.attachMedia(video);
  hls.on(Hls.Events.MANIFEST_PARSED, function () { video.play().catch(function () {}); });
  const ms = (await first) - t0;
  hls.destroy();
  return ms;
}`;

async function main() {
  await mkdir(path.resolve("data"), { recursive: true });
  const work = await mkdtemp(path.resolve("data/bench-cluster-"));
  await chmod(work, 0o755);
  const pgServer = await startEmbeddedPostgres(path.join(work, "pg"));
  const s3 = await startLocalS3({ bucket: "bench-cluster" });
  const nodes: ClusterNodeProcess[] = [];
  let browser: Browser | null = null;
  let clusterClientRef: pg.Client | null = null;
  let localRef: pg.Client | null = null;
  try {
    const admin = new pg.Client({ connectionString: pgServer.url });
    await admin.connect();
    await admin.query("create database cluster");
    await admin.query("create database localdisk");
    await admin.end();
    const dbUrl = (name: string) => Object.assign(new URL(pgServer.url), { pathname: `/${name}` }).toString();
    // The nodes connect as the application's role; the schema is migrated as the owner's (lib/db/roles.ts).
    const appUrl = (name: string) => urlAs(dbUrl(name), { name: DB_ROLES.app, password: pgServer.rolePasswords.app });
    for (const name of ["cluster", "localdisk"]) {
      await provisionRoles(dbUrl(name), pgServer.rolePasswords);
      await applyMigrations(urlAs(dbUrl(name), { name: DB_ROLES.owner, password: pgServer.rolePasswords.owner }), { appRole: DB_ROLES.app });
    }
    const secret = randomBytes(32).toString("hex");
    const s3Env = { ...s3.env, S3_PREFIX: "" };

    console.log("Starting node-a and node-b (S3) and node-l (local disk)…");
    const [a, b, l] = await Promise.all([
      startClusterNode({ name: "node-a", databaseUrl: appUrl("cluster"), storageEnv: s3Env, secret, dataDir: path.join(work, "node-a") }),
      startClusterNode({ name: "node-b", databaseUrl: appUrl("cluster"), storageEnv: s3Env, secret, dataDir: path.join(work, "node-b") }),
      startClusterNode({ name: "node-l", databaseUrl: appUrl("localdisk"), storageEnv: { STORAGE: "local" }, secret, dataDir: path.join(work, "node-l") }),
    ]);
    nodes.push(a!, b!, l!);

    // The account and the token in the cluster's database, copied as they are into the local node's.
    const email = "bench-auditor@example.test";
    const password = "correct horse battery";
    useDatabaseUrl(dbUrl("cluster"));
    await db.insert(users).values({ email, name: "Bench Auditor", role: "auditor", passwordHash: await hashPassword(password) });
    const { token } = await createApiToken({ name: "bench", createdBy: null });
    const local = new pg.Client({ connectionString: dbUrl("localdisk") });
    local.on("error", () => undefined);
    localRef = local;
    await local.connect();
    const cluster = new pg.Client({ connectionString: dbUrl("cluster") });
    await cluster.connect();
    for (const table of ["users", "api_tokens"]) {
      const { rows } = await cluster.query(`select * from ${table}`);
      for (const row of rows) {
        const columns = Object.keys(row);
        await local.query(
          `insert into ${table} (${columns.join(", ")}) values (${columns.map((_, i) => `$${i + 1}`).join(", ")})`,
          columns.map((c) => row[c]),
        );
      }
    }
    await cluster.end();
    const tokens = { cluster: token, localdisk: token };
    const apiA = new IngestClient(a!.url, tokens.cluster);
    const apiL = new IngestClient(l!.url, tokens.localdisk);

    console.log(`Making a ${LIVE_SECONDS} s fragmented H.264 recording…`);
    const source = await makeMedia({ seconds: LIVE_SECONDS, kind: "h264", audio: true });
    const fragmented = path.join(work, "live.mp4");
    await execa(ffmpegPath(), [
      "-hide_banner",
      "-loglevel",
      "error",
      "-y",
      "-i",
      source,
      "-c",
      "copy",
      "-movflags",
      "+frag_keyframe+empty_moov+default_base_moof",
      fragmented,
    ]);
    const media = await readFile(fragmented);

    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: CHROMIUM_ARGS, headless: true });
    const cookiesFor = async (url: string) => {
      const context = await browser!.newContext();
      const page = await context.newPage();
      await page.goto(`${url}/signin`);
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Password").fill(password);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL((u) => !u.pathname.startsWith("/signin"), { timeout: 30_000 });
      const cookies = await context.cookies();
      await context.close();
      return cookies;
    };
    const cookiesB = await cookiesFor(b!.url);
    const cookiesL = await cookiesFor(l!.url);
    const header = (cookies: { name: string; value: string }[]) => cookies.map((c) => `${c.name}=${c.value}`).join("; ");
    const start = (api: IngestClient, hash: string) =>
      api.start({
        hash,
        protocol: "rdp",
        host: "10.0.0.1",
        credentialUsername: "administrator",
        user: "bench",
        userIp: "10.0.0.2",
        startedAt: new Date(Date.now() - 600_000).toISOString(),
      });

    // ─── ack → playable on B ──────────────────────────────────────────────
    console.log("Ack on node A → segment playable on node B…");
    const handle = await open(fragmented, "r");
    const layout = await parseFmp4(fileSource(handle, media.length));
    await handle.close();
    const segments = groupSegments(layout);
    const cuts = segments.map(([offset, length]) => offset + length);
    const liveHash = randomBytes(16).toString("hex");
    await start(apiA, liveHash);
    const latencies: number[] = [];
    let from = 0;
    // The last segment is shorter than the target: a live playlist lists it only once the session finishes.
    for (const [seq, end] of cuts.slice(0, -1).entries()) {
      const chunk = media.subarray(from, end);
      from = end;
      await apiA.putChunk(liveHash, seq, chunk);
      const acked = performance.now();
      // Poll B's live playlist until it lists a segment ending at this chunk's end, then fetch that segment from B.
      for (;;) {
        const res = await fetch(`${b!.url}/api/sessions/${liveHash}/hls/live.m3u8`, { headers: { cookie: header(cookiesB) } });
        const text = await res.text();
        const ranges = [...text.matchAll(/#EXT-X-BYTERANGE:(\d+)@(\d+)/g)].map((m) => [Number(m[2]), Number(m[1])] as const);
        const mine = ranges.find(([offset, length]) => offset + length === end);
        if (mine) {
          const seg = await fetch(`${b!.url}/api/sessions/${liveHash}/hls/live/media.mp4`, {
            headers: { cookie: header(cookiesB), range: `bytes=${mine[0]}-${mine[0] + mine[1] - 1}` },
          });
          const bytes = Buffer.from(await seg.arrayBuffer());
          if (seg.status === 206 && bytes.equals(media.subarray(mine[0], mine[0] + mine[1]))) break;
        }
        if (performance.now() - acked > 30_000) throw new Error(`segment ${seq} never became playable on B: ${text.slice(0, 300)}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      if (seq > 0) latencies.push(performance.now() - acked); // chunk 0 has the init part: its first segment is also the live playlist's first answer
    }

    // ─── first frame: B cold / warm vs local disk ───────────────────────────
    console.log(`First frame: ${FRAMES} recordings on each side, each played cold then warm…`);
    const upload = async (api: IngestClient, count: number) => {
      const hashes: string[] = [];
      for (let i = 0; i < count; i++) {
        const hash = randomBytes(16).toString("hex");
        await start(api, hash);
        const parts = [0, ...cuts.filter((_, k) => k % 4 === 3), media.length].filter((v, k, all) => k === 0 || v > all[k - 1]!);
        for (let k = 0; k + 1 < parts.length; k++) await api.putChunk(hash, k, media.subarray(parts[k], parts[k + 1]));
        await api.finish(hash, { endedAt: new Date().toISOString(), totalChunks: parts.length - 1, mediaSha256: sha256Hex(media) });
        hashes.push(hash);
      }
      return hashes;
    };
    const hashesB = await upload(apiA, FRAMES);
    const hashesL = await upload(apiL, FRAMES);
    const waitReady = async (client: pg.Client, hashes: string[]) => {
      const deadline = Date.now() + 180_000;
      for (const hash of hashes) {
        for (;;) {
          const { rows } = await client.query<{ status: string }>(
            "select r.status from recordings r join remote_sessions s on s.id = r.session_id where s.hash = $1",
            [hash],
          );
          if (rows[0]?.status === "ready") break;
          if (Date.now() > deadline) throw new Error(`recording ${hash} not ready: ${rows[0]?.status}`);
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    };
    const clusterClient = new pg.Client({ connectionString: dbUrl("cluster") });
    clusterClient.on("error", () => undefined);
    await clusterClient.connect();
    clusterClientRef = clusterClient;
    await waitReady(clusterClient, hashesB);
    await waitReady(local, hashesL);
    await local.end();
    localRef = null;
    // The playlist once (prepares playback by stream copy) on the node that will play it: not part of the first frame.
    for (const [node, hashes, cookies] of [
      [b!, hashesB, cookiesB],
      [l!, hashesL, cookiesL],
    ] as const) {
      for (const hash of hashes) {
        const res = await fetch(`${node.url}/api/sessions/${hash}/hls/playlist.m3u8`, { headers: { cookie: header(cookies) } });
        await res.text();
        if (!res.ok) throw new Error(`playlist on ${node.name}: ${res.status}`);
      }
    }
    const firstFrame = async (nodeUrl: string, cookies: Awaited<ReturnType<typeof cookiesFor>>, hash: string) => {
      // The harness injects hls.js into a JSON answer of the app, whose CSP (default-src 'none') would refuse it.
      const context = await browser!.newContext({ bypassCSP: true });
      await context.addCookies(cookies);
      const page = await context.newPage();
      await page.goto(`${nodeUrl}/api/auth/csrf`, { waitUntil: "networkidle" });
      await page.addScriptTag({ path: path.resolve("node_modules/hls.js/dist/hls.min.js") });
      const ms = (await page.evaluate(`(${PAGE_FIRST_FRAME})(${JSON.stringify(`${nodeUrl}/api/sessions/${hash}/hls/playlist.m3u8`)})`)) as number;
      await context.close();
      return ms;
    };
    const frames = { bCold: [] as number[], bWarm: [] as number[], lCold: [] as number[], lWarm: [] as number[] };
    // Warm-up of each page and of Chromium itself, on a recording not measured.
    await firstFrame(l!.url, cookiesL, hashesL[0]!);
    for (let i = 0; i < FRAMES; i++) {
      // Alternate which side goes first.
      const order = i % 2 ? ["l", "b"] : ["b", "l"];
      for (const side of order) {
        if (side === "b") {
          frames.bCold.push(await firstFrame(b!.url, cookiesB, hashesB[i]!));
          frames.bWarm.push(await firstFrame(b!.url, cookiesB, hashesB[i]!));
        } else {
          frames.lCold.push(await firstFrame(l!.url, cookiesL, hashesL[i]!));
          frames.lWarm.push(await firstFrame(l!.url, cookiesL, hashesL[i]!));
        }
      }
    }

    // ─── ingest: 1 GiB to node A vs a plain PutObject loop ──────────────────
    console.log(`Ingest: ${INGEST_MIB} MiB to node A vs a PutObject loop, ${RUNS} run(s) each, taking turns…`);
    const bigFile = path.join(work, "big.bin");
    {
      const out = await open(bigFile, "w");
      const buf = Buffer.allocUnsafe(CHUNK);
      for (let written = 0; written < INGEST_MIB * MIB; written += CHUNK) {
        randomFillSync(buf);
        await out.write(buf, 0, Math.min(CHUNK, INGEST_MIB * MIB - written));
      }
      await out.close();
    }
    const client = createS3Client({
      endpoint: s3.endpoint,
      region: "us-east-1",
      bucket: "bench-cluster",
      prefix: "",
      accessKeyId: "a",
      secretAccessKey: "b",
      forcePathStyle: true,
    });
    const putLoop = async () => {
      const fh = await open(bigFile, "r");
      const keys: string[] = [];
      const started = performance.now();
      let next = 0;
      const total = INGEST_MIB * MIB;
      const lane = async () => {
        for (;;) {
          const offset = next;
          next += CHUNK;
          if (offset >= total) return;
          const buf = Buffer.allocUnsafe(Math.min(CHUNK, total - offset));
          await fh.read(buf, 0, buf.length, offset);
          const key = `baseline/${offset}`;
          await client.send(new PutObjectCommand({ Bucket: "bench-cluster", Key: key, Body: buf }));
          keys.push(key);
        }
      };
      await Promise.all([lane(), lane()]);
      const seconds = (performance.now() - started) / 1000;
      await fh.close();
      return {
        seconds,
        cleanup: async () => {
          const { DeleteObjectCommand } = await import("@aws-sdk/client-s3");
          for (const key of keys) await client.send(new DeleteObjectCommand({ Bucket: "bench-cluster", Key: key }));
        },
      };
    };
    const ingestRuns: { app: number; baseline: number }[] = [];
    for (let run = 0; run < RUNS; run++) {
      const baseline = await putLoop();
      await baseline.cleanup();
      const hash = randomBytes(16).toString("hex");
      await start(apiA, hash);
      const t = performance.now();
      await apiA.uploadFile(hash, bigFile, { chunkSize: CHUNK, parallel: 2 });
      const app = (performance.now() - t) / 1000;
      ingestRuns.push({ app, baseline: baseline.seconds });
      // Free the store's memory: the chunks of this upload are not needed any more.
      const [row] = await db
        .select({ id: recordings.id })
        .from(recordings)
        .innerJoin(remoteSessions, eq(remoteSessions.id, recordings.sessionId))
        .where(eq(remoteSessions.hash, hash));
      const { DeleteObjectCommand } = await import("@aws-sdk/client-s3");
      for (let seq = 0; seq * CHUNK < INGEST_MIB * MIB; seq++) {
        await client.send(new DeleteObjectCommand({ Bucket: "bench-cluster", Key: `recordings/${row!.id}/chunks/${String(seq).padStart(8, "0")}` }));
      }
    }

    const memory: Record<string, string> = {};
    for (const n of nodes) {
      memory[n.name] =
        `web ${((await peakRss(n.web.pid!)) / 1e6).toFixed(0)} MB, worker ${n.worker ? ((await peakRss(n.worker.pid!)) / 1e6).toFixed(0) : "—"} MB`;
    }

    const mibps = (s: number) => INGEST_MIB / s;
    const appTp = median(ingestRuns.map((r) => mibps(r.app)));
    const baseTp = median(ingestRuns.map((r) => mibps(r.baseline)));
    console.log(
      `\nLoad: ${os
        .loadavg()
        .map((x) => x.toFixed(2))
        .join(", ")} (1, 5, 15 min) on ${os.cpus().length} cores\n`,
    );
    console.table({
      "ack on A → playable on B": {
        median: `${median(latencies).toFixed(0)} ms`,
        p95: `${p95(latencies).toFixed(0)} ms`,
        target: "< 1000 ms",
        n: latencies.length,
      },
    });
    console.table({
      [`ingest ${INGEST_MIB} MiB`]: {
        "node A (S3)": `${appTp.toFixed(0)} MiB/s`,
        "PutObject loop": `${baseTp.toFixed(0)} MiB/s`,
        ratio: `${(appTp / baseTp).toFixed(2)} (target ≥ 0.7)`,
        runs: ingestRuns.map((r) => `${mibps(r.app).toFixed(0)}/${mibps(r.baseline).toFixed(0)}`).join(" "),
      },
    });
    console.table({
      "first frame, cold": {
        "node B (S3)": `${median(frames.bCold).toFixed(0)} ms`,
        "local disk": `${median(frames.lCold).toFixed(0)} ms`,
        ratio: `${(median(frames.bCold) / median(frames.lCold)).toFixed(2)} (target ≤ 1.5)`,
      },
      "first frame, warm": {
        "node B (S3)": `${median(frames.bWarm).toFixed(0)} ms`,
        "local disk": `${median(frames.lWarm).toFixed(0)} ms`,
        ratio: `${(median(frames.bWarm) / median(frames.lWarm)).toFixed(2)} (target ≤ 1.1)`,
      },
    });
    console.table(memory);
    console.log(`S3 requests relayed: ${JSON.stringify(s3.requests)}`);
  } finally {
    await browser?.close();
    await Promise.all(nodes.map((n) => n.stop()));
    await clusterClientRef?.end().catch(() => undefined);
    await localRef?.end().catch(() => undefined);
    await closeDb().catch(() => undefined);
    await s3.stop();
    await pgServer.stop();
    await rm(work, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
