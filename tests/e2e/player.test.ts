import { existsSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { execa } from "execa";
import { and, eq } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { auditLog, recordingChunks, recordings, users, type RemoteSession } from "@/lib/db/schema";
import { probeMedia } from "@/lib/media/probe";
import { storageKeys } from "@/lib/storage/keys";
import { LocalDiskStorage } from "@/lib/storage/local";
import { closeDb } from "../support/db";
import { insertEvents, insertSessionWithRecording, fragmentedMp4Bytes, makeMedia, storeMedia } from "../support/player-media";
import { createTestUser } from "../support/users";
import { launchBrowser, signIn } from "./support/browser";
import { startAppServer, type AppServer } from "./support/server";

let app: AppServer;
let browser: Browser;
let session: RemoteSession;
let auditor: Awaited<ReturnType<typeof createTestUser>>;
const DURATION_S = 24;

const typed = (t0: number, text: string) => [...text].map((c, i) => ({ tMs: t0 + i * 120, type: "key" as const, data: { key: c } }));

beforeAll(async () => {
  app = await startAppServer();
  browser = await launchBrowser();
  auditor = await createTestUser("auditor");
  const media = await makeMedia({ seconds: DURATION_S, kind: "h264", audio: true });
  const { probe } = await probeMedia(media);
  const created = await insertSessionWithRecording({ status: "ready", durationMs: DURATION_S * 1000, hasAudio: true, videoCodec: "h264", probe });
  session = created.session;
  await storeMedia(new LocalDiskStorage(path.join(app.dataDir, "recordings")), created.recording.id, media);
  await insertEvents(session.id, [
    ...typed(2000, "ls -la"),
    { tMs: 2800, type: "key", data: { key: "Enter" } },
    ...typed(12_000, "cat notes.txt"),
    { tMs: 13_700, type: "key", data: { key: "Enter" } },
    { tMs: 16_000, type: "clipboard", data: { direction: "from-remote", length: 5, preview: "hello" } },
  ]);
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await closeDb();
});

async function videoState(page: Page) {
  return page.evaluate(() => {
    const v = document.querySelector("video")!;
    const q = v.getVideoPlaybackQuality();
    return {
      currentTime: v.currentTime,
      frames: q.totalVideoFrames - q.droppedVideoFrames,
      audioBytes: (v as unknown as { webkitAudioDecodedByteCount?: number }).webkitAudioDecodedByteCount ?? -1,
      duration: v.duration,
    };
  });
}

const playUrl = () => `${app.url}/sessions/${session.hash}/play`;

describe("session player", () => {
  let page: Page;
  let cookie: string;

  it("plays: time advances, frames and audio are decoded, the play is audited", async () => {
    page = await browser.newPage();
    await signIn(page, app.url, auditor.email, auditor.password);
    cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    await page.goto(playUrl());
    await page.getByRole("button", { name: "Play", exact: true }).click();
    await page.waitForFunction(() => (document.querySelector("video")?.currentTime ?? 0) > 1.5, undefined, { timeout: 30_000 });
    const s = await videoState(page);
    expect(s.frames).toBeGreaterThan(10);
    expect(s.audioBytes).toBeGreaterThan(0);
    expect(Math.abs(s.duration - DURATION_S)).toBeLessThan(0.5);
    const audits = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "session.played"), eq(auditLog.targetId, session.hash)));
    expect(audits.length).toBeGreaterThanOrEqual(1);
    expect(audits[0]).toMatchObject({ actorId: auditor.id, targetType: "session" });
  });

  it("shows the keystroke log, and clicking a line seeks there", async () => {
    const lines = page.getByTestId("log-line");
    await expect(lines.allTextContents()).resolves.toEqual([
      expect.stringContaining("ls -la"),
      expect.stringContaining("cat notes.txt"),
      expect.stringContaining("Clipboard copied from the session (5 characters): hello"),
    ]);
    await lines.filter({ hasText: "cat notes.txt" }).click();
    await page.waitForFunction(
      () => {
        const t = document.querySelector("video")!.currentTime;
        return t >= 12 && t < 14;
      },
      undefined,
      { timeout: 15_000 },
    );
    await page.waitForFunction(() => document.querySelector("[aria-current=true]")?.textContent?.includes("cat notes.txt"), undefined, {
      timeout: 10_000,
    });
    // The heatmap has a curve and the search box steps through matches.
    // (input and screen; the audio curve appears once the background job measured the level)
    await expect(page.locator("[data-testid=timeline] path").count()).resolves.toBeGreaterThanOrEqual(2);
    await page.getByLabel("Search the log").fill("LS");
    await expect(page.getByTestId("log-line").count()).resolves.toBe(1);
  });

  it("opens at the moment of ?t=", async () => {
    const p = page;
    await p.goto(`${playUrl()}?t=17`);
    await p.waitForFunction(() => (document.querySelector("video")?.readyState ?? 0) >= 2, undefined, { timeout: 30_000 });
    const s = await videoState(p);
    expect(s.currentTime).toBeGreaterThanOrEqual(16.5);
    expect(s.currentTime).toBeLessThan(18.5);
    // `.` and `,` step by one frame of the recording's own rate (15 fps here, not a fixed 30).
    await p.keyboard.press(".");
    await p.keyboard.press(".");
    await p.keyboard.press(",");
    const stepped = await videoState(p);
    expect(stepped.currentTime - s.currentTime).toBeCloseTo(1 / 15, 3);
  });

  it("answers its controls and keyboard shortcuts: list, play/pause, ±5 s, speed, mute, the timeline, the link to a moment", async () => {
    const p = page;
    await p.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: app.url });
    await p.goto(`${playUrl()}?t=10`);
    await p.waitForFunction(() => (document.querySelector("video")?.readyState ?? 0) >= 2, undefined, { timeout: 30_000 });
    const video = () =>
      p.evaluate(() => ({
        t: document.querySelector("video")!.currentTime,
        paused: document.querySelector("video")!.paused,
        rate: document.querySelector("video")!.playbackRate,
        muted: document.querySelector("video")!.muted,
      }));

    // ? lists the shortcuts, Escape closes the list.
    const help = p.getByRole("dialog", { name: "Keyboard shortcuts" });
    await p.keyboard.press("?");
    await expect(help.textContent()).resolves.toContain("Back / forward 5 s");
    await p.keyboard.press("Escape");
    await expect(help.count()).resolves.toBe(0);

    // → and ← move by 5 s.
    const t0 = (await video()).t;
    await p.keyboard.press("ArrowRight");
    expect((await video()).t).toBeCloseTo(t0 + 5, 1);
    await p.keyboard.press("ArrowLeft");
    await p.keyboard.press("ArrowLeft");
    expect((await video()).t).toBeCloseTo(t0 - 5, 1);

    // Space plays (time advances) and pauses.
    await p.keyboard.press(" ");
    await p.waitForFunction((from) => document.querySelector("video")!.currentTime > from + 0.5, t0 - 5, { timeout: 15_000 });
    await p.keyboard.press(" ");
    await p.waitForFunction(() => document.querySelector("video")!.paused, undefined, { timeout: 5_000 });

    // Speed, mute (key m, and the button back).
    await p.getByLabel("Speed").selectOption("4");
    expect((await video()).rate).toBe(4);
    await p.keyboard.press("m");
    expect((await video()).muted).toBe(true);
    await p.getByRole("button", { name: "Unmute" }).click();
    expect((await video()).muted).toBe(false);

    // The timeline shows the time under the pointer, and a click there seeks.
    const timeline = p.getByTestId("timeline");
    const box = (await timeline.boundingBox())!;
    await p.mouse.move(box.x + box.width * 0.77, box.y + box.height / 2);
    await expect(timeline.textContent()).resolves.toContain("00:00:18"); // 77 % of 24 s
    await p.mouse.click(box.x + box.width * 0.25, box.y + box.height / 2);
    await p.waitForFunction(() => Math.abs(document.querySelector("video")!.currentTime - 6) < 0.3, undefined, { timeout: 10_000 });

    // The link to this moment opens the player at the whole second played.
    const at = Math.floor((await video()).t);
    await p.getByRole("button", { name: "Copy link to this moment" }).click();
    await p.getByRole("button", { name: "Link copied" }).waitFor({ timeout: 5_000 });
    const link = await p.evaluate(() => navigator.clipboard.readText());
    expect(link).toBe(`${app.url}/sessions/${session.hash}/play?t=${at}`);
  });

  it("serves byte ranges, and nothing without the sign-in cookie or to a viewer who may not see the session", async () => {
    const playlist = await fetch(`${app.url}/api/sessions/${session.hash}/hls/playlist.m3u8`, { headers: { cookie } });
    expect(playlist.status).toBe(200);
    expect(playlist.headers.get("content-type")).toBe("application/vnd.apple.mpegurl");
    const text = await playlist.text();
    expect(text).toContain("#EXT-X-VERSION:7");
    expect(text).toMatch(/#EXT-X-MAP:URI="[^"]+",BYTERANGE="\d+@0"/);
    expect(text).not.toContain("recordings/");
    // Relative to the playlist (a shorter list); it resolves under the session's own path.
    const segmentUrl = new URL(/^v\/[a-z0-9]+\/media\.mp4$/m.exec(text)![0], playlist.url).href;
    expect(segmentUrl.startsWith(`${app.url}/api/sessions/${session.hash}/hls/v/`)).toBe(true);
    const [, length, offset] = /#EXT-X-BYTERANGE:(\d+)@(\d+)/.exec(text)!.map(Number);

    const part = await fetch(segmentUrl, { headers: { cookie, range: `bytes=${offset}-${offset! + length! - 1}` } });
    expect(part.status).toBe(206);
    expect(part.headers.get("accept-ranges")).toBe("bytes");
    expect(part.headers.get("content-range")).toMatch(new RegExp(`^bytes ${offset}-${offset! + length! - 1}/\\d+$`));
    expect(part.headers.get("cache-control")).toContain("immutable");
    const body = Buffer.from(await part.arrayBuffer());
    expect(body.length).toBe(length);
    expect(body.toString("latin1", 4, 8)).toBe("moof");

    const outside = await fetch(segmentUrl, { headers: { cookie, range: "bytes=999999999-" } });
    expect(outside.status).toBe(416);
    expect(outside.headers.get("content-range")).toMatch(/^bytes \*\/\d+$/);
    const whole = await fetch(segmentUrl, { headers: { cookie } });
    expect(whole.status).toBe(200);
    await whole.body?.cancel();

    const anonymous = await fetch(segmentUrl, { headers: { range: `bytes=${offset}-${offset! + 100}` } });
    expect(anonymous.status).toBe(401);
    expect((await fetch(`${app.url}/api/sessions/${session.hash}/hls/playlist.m3u8`)).status).toBe(401);
    expect((await fetch(`${app.url}/api/sessions/bad%20hash!/hls/playlist.m3u8`, { headers: { cookie } })).status).toBe(400);

    const stranger = await createTestUser("user");
    const other = await browser.newPage();
    await signIn(other, app.url, stranger.email, stranger.password);
    const strangerCookie = (await other.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    expect((await fetch(segmentUrl, { headers: { cookie: strangerCookie } })).status).toBe(404);
    const res = await other.goto(playUrl());
    expect(res?.status()).toBe(404);
    await other.close();

    // HEAD: the range and the file's size, no body. (Next.js drops a route handler's Content-Length,
    // vercel/next.js#48838, so Content-Range is what carries the size.)
    const head = await fetch(segmentUrl, { method: "HEAD", headers: { cookie, range: `bytes=${offset}-${offset! + length! - 1}` } });
    expect(head.status).toBe(206);
    expect(head.headers.get("content-range")).toBe(part.headers.get("content-range"));
    expect((await head.arrayBuffer()).byteLength).toBe(0);
  });

  it("stops serving an account as soon as it is disabled or its password is reset, although its cookie was just used", async () => {
    const playlistUrl = `${app.url}/api/sessions/${session.hash}/hls/playlist.m3u8`;
    const cookieOf = async (user: Awaited<ReturnType<typeof createTestUser>>) => {
      const p = await browser.newPage();
      await signIn(p, app.url, user.email, user.password);
      const value = (await p.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
      await p.close();
      return value;
    };
    const disabled = await createTestUser("auditor");
    const reset = await createTestUser("auditor");
    const disabledCookie = await cookieOf(disabled);
    const resetCookie = await cookieOf(reset);
    // Served once each, so the server has the decoded tokens in memory.
    expect((await fetch(playlistUrl, { headers: { cookie: disabledCookie } })).status).toBe(200);
    expect((await fetch(playlistUrl, { headers: { cookie: resetCookie } })).status).toBe(200);
    await db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, disabled.id));
    await db.update(users).set({ sessionVersion: 1 }).where(eq(users.id, reset.id));
    expect((await fetch(playlistUrl, { headers: { cookie: disabledCookie } })).status).toBe(401);
    expect((await fetch(playlistUrl, { headers: { cookie: resetCookie } })).status).toBe(401);
  });

  it("agrees with an independent client: `ffmpeg -i <playlist URL> -f null -` decodes the whole stream over HTTP", async () => {
    // Debian's ffmpeg, not the app's: the 2018 build of @ffmpeg-installer cannot read fMP4 HLS over
    // HTTP at all (it fails the same way on ffmpeg's own `-f hls` output on a static server), and
    // the client must be code we did not configure for the app anyway.
    const client = process.env.HLS_CLIENT_FFMPEG ?? "/usr/bin/ffmpeg";
    if (!existsSync(client)) {
      throw new Error(`The independent HLS client ${client} is missing: install Debian's ffmpeg (apt-get install ffmpeg) or set HLS_CLIENT_FFMPEG`);
    }
    const url = `${app.url}/api/sessions/${session.hash}/hls/playlist.m3u8`;
    // The literal command, with the sign-in cookie; -progress prints the decoded totals on stdout.
    const result = await execa(
      client,
      ["-hide_banner", "-nostdin", "-loglevel", "error", "-headers", `Cookie: ${cookie}\r\n`, "-i", url, "-progress", "pipe:1", "-nostats", "-f", "null", "-"],
      { timeout: 120_000, reject: false },
    );
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    // The last progress block is the final one ("progress=end").
    const progress = Object.fromEntries(
      result.stdout
        .slice(result.stdout.lastIndexOf("frame="))
        .split("\n")
        .map((line) => line.split("=", 2) as [string, string]),
    );
    expect(progress.progress).toBe("end");
    expect(Number(progress.frame)).toBe(DURATION_S * 15);
    // out_time is where the decoded output ends: the recording's duration (AAC priming aside).
    expect(Math.abs(Number(progress.out_time_us) / 1e6 - DURATION_S)).toBeLessThan(0.5);
    // Without the cookie the same client gets nothing.
    const anonymous = await execa(client, ["-hide_banner", "-nostdin", "-loglevel", "error", "-i", url, "-f", "null", "-"], { reject: false, timeout: 30_000 });
    expect(anonymous.exitCode).not.toBe(0);
    expect(anonymous.stderr).toMatch(/401/);
    await page.close();
  });

  it("shows explicit states: no media, failed with the reason, then processing until the worker made a WebM playable", async () => {
    const p = await browser.newPage();
    await signIn(p, app.url, auditor.email, auditor.password);

    const noMedia = await insertSessionWithRecording({ status: "ready" });
    await db.delete(recordings).where(eq(recordings.id, noMedia.recording.id));
    await p.goto(`${app.url}/sessions/${noMedia.session.hash}/play`);
    await expect(p.locator("[data-state=no-media]").textContent()).resolves.toContain("no recorded media");

    const failed = await insertSessionWithRecording({ status: "failed" });
    await db.update(recordings).set({ statusReason: "moov atom not found" }).where(eq(recordings.id, failed.recording.id));
    await p.goto(`${app.url}/sessions/${failed.session.hash}/play`);
    await expect(p.locator("[data-state=failed]").textContent()).resolves.toContain("moov atom not found");

    const webm = await insertSessionWithRecording({ status: "ready", durationMs: 6000, videoCodec: "vp9", hasAudio: true });
    await storeMedia(new LocalDiskStorage(path.join(app.dataDir, "recordings")), webm.recording.id, await makeMedia({ seconds: 6, kind: "vp9", audio: true }));
    await p.goto(`${app.url}/sessions/${webm.session.hash}/play`);
    await p.locator("[data-state=processing]").waitFor();
    // The page queued the preparation; a worker picks it up and the page turns into the player by itself.
    await app.startWorker();
    await p.locator("video").waitFor({ timeout: 90_000 });
    await p.getByRole("button", { name: "Play", exact: true }).click();
    await p.waitForFunction(() => (document.querySelector("video")?.currentTime ?? 0) > 1, undefined, { timeout: 30_000 });
    const s = await videoState(p);
    expect(s.frames).toBeGreaterThan(5);
    expect(s.audioBytes).toBeGreaterThan(0);
    await p.close();
  });

  it("skips idle periods when asked: playback jumps over a stretch with no screen change and no input", async () => {
    const p = await browser.newPage();
    await signIn(p, app.url, auditor.email, auditor.password);
    const signedIn = (await p.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    const media = await makeMedia({ seconds: 24, kind: "h264", still: [4, 20] });
    const { probe } = await probeMedia(media);
    const created = await insertSessionWithRecording({ status: "ready", durationMs: 24_000, hasAudio: false, videoCodec: "h264", probe });
    await storeMedia(new LocalDiskStorage(path.join(app.dataDir, "recordings")), created.recording.id, media);
    // The first playlist request segments it and queues the background preparation, which a worker
    // runs: it measures the screen.
    await app.startWorker();
    const playlist = await fetch(`${app.url}/api/sessions/${created.session.hash}/hls/playlist.m3u8`, { headers: { cookie: signedIn } });
    expect(playlist.status).toBe(200);
    for (let waited = 0; ; waited += 250) {
      const [row] = await db.select({ activity: recordings.activity }).from(recordings).where(eq(recordings.id, created.recording.id));
      if (row?.activity) break;
      if (waited > 60_000) throw new Error("the screen activity was not measured within 60 s");
      await new Promise((r) => setTimeout(r, 250));
    }

    await p.goto(`${app.url}/sessions/${created.session.hash}/play?t=2`);
    await p.waitForFunction(() => (document.querySelector("video")?.readyState ?? 0) >= 2, undefined, { timeout: 30_000 });
    const skip = p.getByLabel("Skip idle periods");
    await expect(skip.isEnabled()).resolves.toBe(true);
    await skip.check();
    await p.getByRole("button", { name: "Play", exact: true }).click();
    // Played through, 19 s would be 17 s away; skipping, it is reached within a few.
    await p.waitForFunction(() => document.querySelector("video")!.currentTime >= 19, undefined, { timeout: 8_000 });
    await p.close();
  });

  it("plays a session still being recorded from its chunks, as a growing EVENT playlist", async () => {
    // What a proxy recording fragmented MP4 sends, cut into chunks at arbitrary bytes.
    const source = await makeMedia({ seconds: 20, kind: "h264", audio: true });
    const bytes = await fragmentedMp4Bytes(source);
    const live = await insertSessionWithRecording({ status: "receiving" });
    const storage = new LocalDiskStorage(path.join(app.dataDir, "recordings"));
    const size = 150_001;
    let seq = 0;
    for (let o = 0; o < bytes.length * 0.6; o += size, seq++) {
      const chunk = bytes.subarray(o, o + size);
      await storage.write(storageKeys.chunk(live.recording.id, seq), Readable.from([chunk]));
      await db.insert(recordingChunks).values({ recordingId: live.recording.id, seq, sizeBytes: chunk.length, sha256: "0".repeat(64) });
    }
    const res = await fetch(`${app.url}/api/sessions/${live.session.hash}/hls/live.m3u8`, { headers: { cookie } });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain("#EXT-X-PLAYLIST-TYPE:EVENT");
    expect(text).not.toContain("#EXT-X-ENDLIST");
    const listed = [...text.matchAll(/#EXT-X-BYTERANGE:(\d+)@(\d+)/g)].map((m) => Number(m[1]) + Number(m[2]));
    expect(listed.length).toBeGreaterThan(0);
    expect(Math.max(...listed)).toBeLessThanOrEqual(seq * size);

    const p = await browser.newPage();
    await signIn(p, app.url, auditor.email, auditor.password);
    await p.goto(`${app.url}/sessions/${live.session.hash}/play`);
    await p.locator("[data-state=live]").waitFor();
    await p.getByRole("button", { name: "Play", exact: true }).click();
    await p.waitForFunction(() => (document.querySelector("video")?.getVideoPlaybackQuality().totalVideoFrames ?? 0) > 5, undefined, { timeout: 30_000 });
    await p.close();
  });
});
