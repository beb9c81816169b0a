/**
 * A player nobody here wrote: Shaka Player in Chromium plays a recording sent
 * as a plain MP4 with B-frames and AAC through the app's own playlist, and
 * never reports an audio/video misalignment ("Possible encoding problem
 * detected": a segment's media starting away from where the playlist says).
 */
import { createRequire } from "node:module";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RemoteSession } from "@/lib/db/schema";
import { probeMedia } from "@/lib/media/probe";
import { LocalDiskStorage } from "@/lib/storage/local";
import { closeDb } from "../support/db";
import { insertSessionWithRecording, storeMedia, makePlainMp4WithBFrames } from "../support/player-media";
import { createTestUser } from "../support/users";
import { launchBrowser, signIn } from "./support/browser";
import { startAppServer, type AppServer } from "./support/server";

// Aligning audio per segment needs ffmpeg's setts filter (4.4+); the npm-installed ffmpeg is older.
process.env.FFMPEG_PATH ??= "/usr/bin/ffmpeg";

const shakaScript = createRequire(import.meta.url).resolve("shaka-player/dist/shaka-player.compiled.debug.js");

let app: AppServer;
let browser: Browser;
let session: RemoteSession;
let email = "";
let password = "";

beforeAll(async () => {
  app = await startAppServer();
  browser = await launchBrowser();
  const auditor = await createTestUser("auditor");
  email = auditor.email;
  password = auditor.password;
  const media = path.join(app.dataDir, "plain-bframes.mp4");
  // 12.5 fps with B-frames: a keyframe is decoded 160 ms before it is shown.
  await makePlainMp4WithBFrames(media, process.env.FFMPEG_PATH!);
  const { probe } = await probeMedia(media);
  const created = await insertSessionWithRecording({ status: "ready", durationMs: 20_000, hasAudio: true, videoCodec: "h264", probe });
  session = created.session;
  await storeMedia(new LocalDiskStorage(path.join(app.dataDir, "recordings")), created.recording.id, media);
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await closeDb();
});

describe("Shaka Player", () => {
  it("plays a plain MP4 with B-frames and AAC through the app's playlist without an encoding warning", async () => {
    const page = await browser.newPage();
    const messages: string[] = [];
    page.on("console", (m) => messages.push(`${m.type()}: ${m.text()}`));
    await signIn(page, app.url, email, password);
    await page.addScriptTag({ path: shakaScript });
    const result = await page.evaluate(async (src) => {
      type Shaka = {
        polyfill: { installAll(): void };
        log: { setLevel(level: number): void; Level: { WARNING: number } };
        Player: new () => { attach(v: HTMLVideoElement): Promise<void>; load(src: string): Promise<void> };
      };
      const shaka = (window as unknown as { shaka: Shaka }).shaka;
      shaka.polyfill.installAll();
      shaka.log.setLevel(shaka.log.Level.WARNING);
      const video = document.createElement("video");
      video.muted = true;
      document.body.append(video);
      const player = new shaka.Player();
      await player.attach(video);
      await player.load(src);
      video.playbackRate = 4;
      await video.play();
      // Every segment is fetched and appended (the whole 20 s fits the buffer), then a seek.
      const until = Date.now() + 20_000;
      while (Date.now() < until && !(video.buffered.length && video.buffered.end(video.buffered.length - 1) > 19.5)) {
        await new Promise((r) => setTimeout(r, 200));
      }
      video.currentTime = 13.1;
      await new Promise((r) => setTimeout(r, 1500));
      return {
        error: video.error?.message ?? null,
        bufferedEnd: video.buffered.length ? video.buffered.end(video.buffered.length - 1) : 0,
        time: video.currentTime,
      };
    }, `/api/sessions/${session.hash}/hls/playlist.m3u8`);
    expect(result.error).toBeNull();
    expect(result.bufferedEnd).toBeGreaterThan(19.5);
    expect(result.time).toBeGreaterThan(13);
    expect(messages.filter((m) => m.includes("Possible encoding problem detected"))).toEqual([]);
    await page.close();
  });
});
