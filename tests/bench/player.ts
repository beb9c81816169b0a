/**
 * `npm run bench:player`: the session player's HLS, measured in headless
 * Chromium with hls.js, for a 1-minute and a 2-hour H.264 recording:
 *   - playlist response time (signed in, warm) and one segment request's time,
 *   - loadSource → first decoded frame (requestVideoFrameCallback),
 *   - seek to 90 % → a decoded frame there, and where that time goes (hls.js
 *     asks for the segment, has it, has appended it),
 *   - one segment served 200 times in a row on a keep-alive connection,
 * next to a baseline: the same recordings pre-segmented by `ffmpeg -f hls`
 * (fMP4 segments) into static files on a plain static file server. It also
 * times the on-demand segmenting of the 2-hour recording (the first playlist
 * request, which runs the stream copy).
 *
 * Starts its own embedded PostgreSQL and `next start` (build: NEXT_DIST_DIR,
 * default .next). The 2-hour recording is made cheaply: one minute encoded,
 * then concatenated 120 times by stream copy. Environment: BENCH_RUNS (5),
 * BENCH_VERBOSE=1 (every run's seek time), BENCH_PROFILE=<dir> (the app
 * server writes a V8 CPU profile there when it stops).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import http from "node:http";
import type net from "node:net";
import path from "node:path";
import { execa } from "execa";
import { chromium, type Browser, type BrowserContext } from "playwright-core";
import parseRange from "range-parser";
import { hashPassword } from "@/lib/users/password";
import { closeDb, db, useDatabaseUrl } from "@/lib/db/client";
import { startEmbeddedPostgres } from "@/lib/setup/embedded-postgres";
import { applyMigrations } from "@/lib/db/migrate";
import { recordings, remoteSessions, users } from "@/lib/db/schema";
import { ffmpegPath } from "@/lib/media/binaries";
import { storageKeys } from "@/lib/storage/keys";
import { LocalDiskStorage } from "@/lib/storage/local";
import { freePort } from "@/lib/setup/free-port";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

// ─── Media ───────────────────────────────────────────────────────────────────

async function makeRecordings(dir: string) {
  const ff = ffmpegPath();
  const oneMinute = path.join(dir, "one-minute.mp4");
  // Screen-recording-like: 960×540, 10 fps, a keyframe every 2 s, AAC audio.
  await execa(
    ff,
    [
      "-hide_banner",
      "-loglevel",
      "error",
      "-y",
      "-f",
      "lavfi",
      "-i",
      "testsrc2=size=960x540:rate=10",
      "-f",
      "lavfi",
      "-i",
      "sine=frequency=440:sample_rate=48000",
      "-t",
      "60",
      "-c:v",
      "libx264",
      "-preset",
      "ultrafast",
      "-b:v",
      "250k",
      "-g",
      "20",
      "-keyint_min",
      "20",
      "-sc_threshold",
      "0",
      "-pix_fmt",
      "yuv420p",
      "-c:a",
      "aac",
      "-b:a",
      "48k",
      oneMinute,
    ],
    { timeout: 300_000 },
  );
  // Video and audio are joined separately, each from a file of its own: joined together, every
  // minute would be placed after the previous one's audio (60.022 s, its last AAC frame) and shifted
  // by the audio's encoder delay, so that the 2-hour recording's keyframes would drift off the 2 s
  // grid of the 1-minute one and seeking to 90 % would land at a different place in a keyframe
  // interval (more frames to decode, or a gap before the keyframe) in the two.
  const videoOnly = path.join(dir, "one-minute-video.mp4");
  const audioOnly = path.join(dir, "one-minute-audio.m4a");
  await execa(ff, ["-hide_banner", "-loglevel", "error", "-y", "-i", oneMinute, "-map", "0:v", "-c", "copy", videoOnly]);
  await execa(ff, ["-hide_banner", "-loglevel", "error", "-y", "-i", oneMinute, "-map", "0:a", "-c", "copy", audioOnly]);
  const videoList = path.join(dir, "video.txt");
  const audioList = path.join(dir, "audio.txt");
  await writeFile(videoList, Array.from({ length: 120 }, () => `file '${videoOnly}'`).join("\n"));
  await writeFile(audioList, Array.from({ length: 120 }, () => `file '${audioOnly}'`).join("\n"));
  const twoHours = path.join(dir, "two-hours.mp4");
  await execa(
    ff,
    [
      "-hide_banner",
      "-loglevel",
      "error",
      "-y",
      "-f",
      "concat",
      "-safe",
      "0",
      "-i",
      videoList,
      "-f",
      "concat",
      "-safe",
      "0",
      "-i",
      audioList,
      "-map",
      "0:v",
      "-map",
      "1:a",
      "-c",
      "copy",
      "-t",
      "7200",
      twoHours,
    ],
    { timeout: 600_000 },
  );
  return { oneMinute, twoHours };
}

/** The baseline: ffmpeg's own HLS muxer, fMP4 segments of 4 s as separate static files. */
async function segmentStatic(source: string, outDir: string) {
  await mkdir(outDir, { recursive: true });
  await execa(
    ffmpegPath(),
    [
      "-hide_banner",
      "-loglevel",
      "error",
      "-y",
      "-i",
      source,
      "-c",
      "copy",
      "-f",
      "hls",
      "-hls_time",
      "4",
      "-hls_playlist_type",
      "vod",
      "-hls_segment_type",
      "fmp4",
      "-hls_segment_filename",
      path.join(outDir, "seg%05d.m4s"),
      "-hls_fmp4_init_filename",
      "init.mp4",
      path.join(outDir, "index.m3u8"),
    ],
    { timeout: 600_000 },
  );
}

/** A plain static file server (with byte ranges), serving `root` and a blank page for the harness. */
function startStaticServer(root: string): Promise<{ url: string; close: () => Promise<void> }> {
  const types: Record<string, string> = { ".m3u8": "application/vnd.apple.mpegurl", ".mp4": "video/mp4", ".m4s": "video/iso.segment" };
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname === "/") {
      res.writeHead(200, { "Content-Type": "text/html" });
      res.end("<!doctype html><title>baseline</title><body></body>");
      return;
    }
    const file = path.join(root, path.normalize(url.pathname).replace(/^(\.\.[/\\])+/, ""));
    const s = await stat(file).catch(() => null);
    if (!s?.isFile()) {
      res.writeHead(404).end();
      return;
    }
    const headers = { "Content-Type": types[path.extname(file)] ?? "application/octet-stream", "Accept-Ranges": "bytes" };
    const range = req.headers.range ? parseRange(s.size, req.headers.range, { combine: true }) : null;
    if (range && range !== -1 && range !== -2 && range.length === 1) {
      const { start, end } = range[0]!;
      res.writeHead(206, { ...headers, "Content-Length": end - start + 1, "Content-Range": `bytes ${start}-${end}/${s.size}` });
      createReadStream(file, { start, end }).pipe(res);
    } else {
      res.writeHead(200, { ...headers, "Content-Length": s.size });
      createReadStream(file).pipe(res);
    }
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const a = server.address() as net.AddressInfo;
      resolve({ url: `http://127.0.0.1:${a.port}`, close: () => new Promise((r) => server.close(() => r())) });
    }),
  );
}

// ─── The app ────────────────────────────────────────────────────────────────

async function startNext(databaseUrl: string, dataDir: string): Promise<{ url: string; child: ChildProcess }> {
  const distDir = process.env.NEXT_DIST_DIR || ".next";
  if (!existsSync(path.resolve(distDir, "BUILD_ID"))) throw new Error(`No build in ${distDir}: run \`NEXT_DIST_DIR=${distDir} npx next build\` first`);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const profile = process.env.BENCH_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(process.env.BENCH_PROFILE)}`] : [];
  const child = spawn(process.execPath, [...profile, path.resolve("node_modules/next/dist/bin/next"), "start", "-p", String(port), "-H", "127.0.0.1"], {
    env: {
      NEXT_TELEMETRY_DISABLED: "1",
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      NEXTAUTH_URL: url,
      NEXTAUTH_SECRET: randomBytes(32).toString("hex"),
      WORKER: "0",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error("next start exited early");
    try {
      if ((await fetch(`${url}/signin`)).ok) return { url, child };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error("next start did not answer in 60 s");
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function signInCookies(browser: Browser, url: string, email: string, password: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${url}/signin`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/signin"), { timeout: 30_000 });
  const cookies = await context.cookies();
  await context.close();
  return cookies;
}

// ─── One playback measurement in a fresh browser context (empty cache) ──────

/** Runs in the page: hls.js from loadSource to the first decoded frame, then a seek to 90 %. */
const PAGE_MEASURE = `async function (src) {
  const video = document.createElement("video");
  video.muted = true;
  document.body.appendChild(video);
  const first = new Promise(function (resolve) { video.requestVideoFrameCallback(function () { resolve(performance.now()); }); });
  const hls = new Hls({ maxBufferLength: 30 });
  hls.on(Hls.Events.ERROR, function (_e, data) { if (data.fatal) console.error("hls.js fatal", data.details); });
  const t0 = performance.now();
  hls.loadSource(src);
  hls.attachMedia(video);
  hls.on(Hls.Events.MANIFEST_PARSED, function () { video.play().catch(function () {}); });
  const firstFrameMs = (await first) - t0;
  await new Promise(function (r) { setTimeout(r, 300); });
  const target = video.duration * 0.9;
  const t1 = performance.now();
  // Where the seek's time goes: hls.js asks for the segment, has it, has appended it.
  const steps = { request: NaN, loaded: NaN, buffered: NaN };
  function at(key) { return function () { if (isNaN(steps[key])) steps[key] = performance.now() - t1; }; }
  hls.on(Hls.Events.FRAG_LOADING, at("request"));
  hls.on(Hls.Events.FRAG_LOADED, at("loaded"));
  hls.on(Hls.Events.FRAG_BUFFERED, at("buffered"));
  const seeked = new Promise(function (resolve) {
    function onFrame(_now, meta) {
      if (Math.abs(meta.mediaTime - target) < 5) resolve(performance.now());
      else video.requestVideoFrameCallback(onFrame);
    }
    video.requestVideoFrameCallback(onFrame);
  });
  video.currentTime = target;
  const seekMs = (await seeked) - t1;
  hls.destroy();
  return { firstFrameMs: firstFrameMs, seekMs: seekMs, steps: steps };
}`;

type Playback = { firstFrameMs: number; seekMs: number; steps: { request: number; loaded: number; buffered: number } };

/** The request for the segment in the middle of a playlist: its URL and, for byte-range playlists, its range. */
function middleSegment(playlist: string, playlistUrl: string): { url: string; range?: string } {
  const lines = playlist.split("\n");
  const uris = lines.flatMap((l, i) => (l && !l.startsWith("#") ? [i] : []));
  const at = uris[uris.length >> 1]!;
  const byterange = /^#EXT-X-BYTERANGE:(\d+)@(\d+)/.exec(lines[at - 1] ?? "");
  const url = new URL(lines[at]!, playlistUrl).href;
  return byterange ? { url, range: `bytes=${byterange[2]}-${Number(byterange[2]) + Number(byterange[1]) - 1}` } : { url };
}

async function measurePlayback(context: BrowserContext, pageUrl: string, playlistUrl: string): Promise<Playback> {
  const page = await context.newPage();
  try {
    // Both harness pages are documents without scripts of their own, so that only hls.js runs on the
    // page: the app's is a small JSON response on the app's origin (the cookie goes with its
    // requests), not one of its React pages, whose runtime would share the main thread with hls.js.
    await page.goto(pageUrl, { waitUntil: "networkidle" });
    await page.addScriptTag({ path: path.resolve("node_modules/hls.js/dist/hls.min.js") });
    // A string, not a function: tsx would wrap named functions in helpers the page does not have.
    return (await page.evaluate(`(${PAGE_MEASURE})(${JSON.stringify(playlistUrl)})`)) as Playback;
  } finally {
    await page.close();
  }
}

// ─── Main ────────────────────────────────────────────────────────────────────

async function main() {
  await mkdir(path.resolve("data"), { recursive: true });
  const work = await mkdtemp(path.resolve("data/bench-player-"));
  await chmod(work, 0o755);
  const pg = await startEmbeddedPostgres(path.join(work, "pg"));
  let next: { url: string; child: ChildProcess } | null = null;
  let browser: Browser | null = null;
  let staticServer: Awaited<ReturnType<typeof startStaticServer>> | null = null;
  try {
    await applyMigrations(pg.url);
    useDatabaseUrl(pg.url);
    const dataDir = path.join(work, "app-data");
    const storage = new LocalDiskStorage(path.join(dataDir, "recordings"));
    const email = "bench-auditor@example.test";
    const password = "correct horse battery";
    await db.insert(users).values({ email, name: "Bench Auditor", role: "auditor", passwordHash: await hashPassword(password) });

    console.log("Making the recordings (1 minute encoded, 2 hours by concatenation)…");
    const media = await makeRecordings(work);
    const cases = [
      { name: "1 minute", file: media.oneMinute, durationMs: 60_000 },
      { name: "2 hours", file: media.twoHours, durationMs: 7_200_000 },
    ];
    const sessions: { name: string; hash: string; staticDir: string }[] = [];
    for (const c of cases) {
      const hash = randomBytes(16).toString("hex");
      const startedAt = new Date(Date.now() - c.durationMs - 60_000);
      const [s] = await db
        .insert(remoteSessions)
        .values({
          hash,
          protocol: "rdp",
          host: "10.0.0.1",
          credentialUsername: "administrator",
          userName: "Bench",
          userIp: "10.0.0.2",
          startedAt,
          endedAt: new Date(startedAt.getTime() + c.durationMs),
          status: "closed",
        })
        .returning();
      const [r] = await db
        .insert(recordings)
        .values({ sessionId: s!.id, status: "ready", durationMs: c.durationMs, videoCodec: "h264", audioCodec: "aac", hasAudio: true, container: "mp4" })
        .returning();
      await storage.write(storageKeys.media(r!.id), createReadStream(c.file));
      const staticDir = path.join(work, "static", c.name.replace(/\W+/g, "-"));
      await segmentStatic(c.file, staticDir);
      sessions.push({ name: c.name, hash, staticDir: path.basename(staticDir) });
    }
    console.log(`  2-hour file: ${((await stat(media.twoHours)).size / 1e6).toFixed(0)} MB`);

    next = await startNext(pg.url, dataDir);
    staticServer = await startStaticServer(path.join(work, "static"));
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: CHROMIUM_ARGS, headless: true });
    const cookies = await signInCookies(browser, next.url, email, password);
    const cookieHeader = cookies.map((c) => `${c.name}=${c.value}`).join("; ");
    const playlistUrl = (hash: string) => `${next!.url}/api/sessions/${hash}/hls/playlist.m3u8`;

    // On-demand segmenting: the first playlist request of each recording runs the stream copy.
    const onDemand: Record<string, number> = {};
    for (const s of sessions) {
      const t = performance.now();
      const res = await fetch(playlistUrl(s.hash), { headers: { cookie: cookieHeader } });
      await res.text();
      if (!res.ok) throw new Error(`playlist of ${s.name}: HTTP ${res.status}`);
      onDemand[s.name] = performance.now() - t;
      console.log(`  on-demand segmenting of the ${s.name} recording (first playlist request): ${onDemand[s.name]!.toFixed(0)} ms`);
    }

    type Metric = "playlist" | "segment" | "first" | "seek";
    type Row = { name: string; source: "app" | "baseline"; steps: Playback["steps"][] } & Record<Metric, number[]>;
    const rows: Row[] = [];
    for (const s of sessions) {
      rows.push({ name: s.name, source: "app", playlist: [], segment: [], first: [], seek: [], steps: [] });
      rows.push({ name: s.name, source: "baseline", playlist: [], segment: [], first: [], seek: [], steps: [] });
    }
    console.log(`Measuring (${RUNS} runs each after a warm-up, round-robin alternating the order, a fresh browser context per run)…`);
    for (let run = 0; run < RUNS + 1; run++) {
      // Every other run in reverse order, so that neither source always runs right after the other.
      for (const row of run % 2 ? [...rows].reverse() : rows) {
        const s = sessions.find((x) => x.name === row.name)!;
        const app = row.source === "app";
        const url = app ? playlistUrl(s.hash) : `${staticServer.url}/${s.staticDir}/index.m3u8`;
        const t = performance.now();
        const res = await fetch(url, { headers: app ? { cookie: cookieHeader } : {} });
        const text = await res.text();
        const playlistMs = performance.now() - t;
        // One segment request on its own: what serving a segment costs (auth and lookup included).
        const segment = middleSegment(text, url);
        const t2 = performance.now();
        const segmentRes = await fetch(segment.url, {
          headers: { ...(app ? { cookie: cookieHeader } : {}), ...(segment.range ? { range: segment.range } : {}) },
        });
        await segmentRes.arrayBuffer();
        const segmentMs = performance.now() - t2;
        // The harness injects hls.js into a JSON answer of the app, whose CSP (default-src 'none') would refuse it.
        const context = await browser.newContext({ bypassCSP: true });
        if (app) await context.addCookies(cookies);
        const pb = await measurePlayback(context, app ? `${next.url}/api/auth/csrf` : `${staticServer.url}/`, url);
        await context.close();
        if (run === 0) continue; // warm-up
        row.playlist.push(playlistMs);
        row.segment.push(segmentMs);
        row.first.push(pb.firstFrameMs);
        row.seek.push(pb.seekMs);
        row.steps.push(pb.steps);
      }
    }

    // What serving a segment costs, measured over many requests rather than one: the middle
    // segment asked for again and again on one keep-alive connection, app and baseline in turns.
    const SERVE_N = 200;
    const serving: { name: string; source: Row["source"]; ms: number[] }[] = [];
    for (const s of sessions) {
      const sources: { source: Row["source"]; url: string; headers: Record<string, string> }[] = [
        { source: "app", url: playlistUrl(s.hash), headers: { cookie: cookieHeader } },
        { source: "baseline", url: `${staticServer.url}/${s.staticDir}/index.m3u8`, headers: {} },
      ];
      const targets = await Promise.all(
        sources.map(async (x) => ({ ...x, segment: middleSegment(await (await fetch(x.url, { headers: x.headers })).text(), x.url), ms: [] as number[] })),
      );
      for (let block = 0; block < 10; block++) {
        for (const x of block % 2 ? [...targets].reverse() : targets) {
          for (let i = 0; i < SERVE_N / 10; i++) {
            const t = performance.now();
            const res = await fetch(x.segment.url, { headers: { ...x.headers, ...(x.segment.range ? { range: x.segment.range } : {}) } });
            await res.arrayBuffer();
            x.ms.push(performance.now() - t);
          }
        }
      }
      for (const x of targets) serving.push({ name: s.name, source: x.source, ms: x.ms });
    }

    const m = (row: Row | undefined, k: Metric) => (row ? median(row[k]) : NaN);
    const find = (name: string, source: Row["source"]) => rows.find((r) => r.name === name && r.source === source);
    console.log("\nMedians (ms); ratio = app ÷ baseline (target ≤ 1.2 for first frame and seek):\n");
    console.log("| Recording | Source   | Playlist | Segment | First frame | Seek to 90 % | Playlist ratio | Segment ratio | First-frame ratio | Seek ratio |");
    console.log("|-----------|----------|---------:|--------:|------------:|-------------:|---------------:|--------------:|------------------:|-----------:|");
    for (const row of rows) {
      const base = find(row.name, "baseline");
      const ratio = (k: Metric) => (row.source === "app" ? (m(row, k) / m(base, k)).toFixed(2) : "");
      console.log(
        `| ${row.name.padEnd(9)} | ${row.source.padEnd(8)} | ${m(row, "playlist").toFixed(1).padStart(8)} | ${m(row, "segment").toFixed(1).padStart(7)} | ${m(row, "first").toFixed(0).padStart(11)} | ${m(row, "seek").toFixed(0).padStart(12)} | ${ratio("playlist").padStart(14)} | ${ratio("segment").padStart(13)} | ${ratio("first").padStart(17)} | ${ratio("seek").padStart(10)} |`,
      );
    }
    console.log("\nWhere the seek goes (medians, ms after the seek): hls.js requests the segment, has it loaded, has it appended; then the frame\n");
    console.log("| Recording | Source   | Request | Loaded | Appended | Frame |");
    console.log("|-----------|----------|--------:|-------:|---------:|------:|");
    for (const row of rows) {
      // A step hls.js reported after the frame was shown is left out (NaN), not counted as a time.
      const step = (k: keyof Playback["steps"]) =>
        median(row.steps.map((x) => x[k]).filter(Number.isFinite))
          .toFixed(1)
          .padStart(k === "buffered" ? 8 : k === "request" ? 7 : 6);
      console.log(
        `| ${row.name.padEnd(9)} | ${row.source.padEnd(8)} | ${step("request")} | ${step("loaded")} | ${step("buffered")} | ${m(row, "seek").toFixed(0).padStart(5)} |`,
      );
    }
    const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)]!;
    console.log(`\nServing the middle segment, ${SERVE_N} sequential requests on one keep-alive connection (ms):\n`);
    console.log("| Recording | Source   | Median |   p95 | Median ratio |");
    console.log("|-----------|----------|-------:|------:|-------------:|");
    for (const x of serving) {
      const base = serving.find((y) => y.name === x.name && y.source === "baseline")!;
      const ratio = x.source === "app" ? (median(x.ms) / median(base.ms)).toFixed(2) : "";
      console.log(
        `| ${x.name.padEnd(9)} | ${x.source.padEnd(8)} | ${median(x.ms).toFixed(2).padStart(6)} | ${p95(x.ms).toFixed(2).padStart(5)} | ${ratio.padStart(12)} |`,
      );
    }
    if (process.env.BENCH_VERBOSE) for (const row of rows) console.log(`${row.name} ${row.source} seeks: ${row.seek.map((x) => x.toFixed(0)).join(" ")}`);
    const a1 = find("1 minute", "app");
    const a2 = find("2 hours", "app");
    const longOverShort = (k: Metric) => (m(a2, k) / m(a1, k)).toFixed(2);
    console.log(
      `\n2 hours ÷ 1 minute (app, target ≤ 1.2): playlist ${longOverShort("playlist")}, segment ${longOverShort("segment")}, first frame ${longOverShort("first")}, seek ${longOverShort("seek")}`,
    );
    console.log(
      `On-demand segmenting (first playlist request, stream copy): 1 minute ${onDemand["1 minute"]!.toFixed(0)} ms, 2 hours ${onDemand["2 hours"]!.toFixed(0)} ms (target < 5000 ms)`,
    );
  } finally {
    await browser?.close();
    await staticServer?.close();
    if (next && next.child.exitCode === null) {
      const exited = new Promise((r) => next!.child.once("exit", r));
      next.child.kill("SIGTERM");
      await exited;
    }
    await closeDb();
    await pg.stop();
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
