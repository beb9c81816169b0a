import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const dataDir = vi.hoisted(() => {
  const dir = `/tmp/sv-hls-live-playlist-${process.pid}-${Date.now()}`;
  process.env.DATA_DIR = dir;
  return dir;
});

import { db } from "@/lib/db/client";
import { recordingChunks } from "@/lib/db/schema";
import { renderLivePlaylist } from "@/lib/hls/live-playlist";
import { LIVE_TARGET_DURATION_S } from "@/lib/hls/playlist";
import { ffmpegPath } from "@/lib/media/binaries";
import { getStorage, storageKeys } from "@/lib/storage";
import { closeDb, useFreshDatabase } from "../support/db";
import { insertSessionWithRecording } from "../support/player-media";

let workDir = "";
beforeAll(async () => {
  await useFreshDatabase();
  workDir = await mkdtemp(path.join(os.tmpdir(), "sv-live-playlist-"));
});
afterAll(async () => {
  await closeDb();
  await rm(dataDir, { recursive: true, force: true });
  await rm(workDir, { recursive: true, force: true });
});

/** What a proxy records as fragmented MP4, with keyframes exactly at `keyframes` (seconds). */
async function fragmentedRecording(seconds: number, keyframes: number[]) {
  const source = path.join(workDir, `source-${keyframes.join("-")}.mp4`);
  await execa(ffmpegPath(), [
    "-hide_banner",
    "-loglevel",
    "error",
    "-y",
    "-f",
    "lavfi",
    "-i",
    "testsrc2=size=320x180:rate=15",
    "-f",
    "lavfi",
    "-i",
    "sine=frequency=440:sample_rate=48000",
    "-t",
    String(seconds),
    "-c:v",
    "libx264",
    "-preset",
    "ultrafast",
    "-pix_fmt",
    "yuv420p",
    "-g",
    "100000",
    "-keyint_min",
    "100000",
    "-sc_threshold",
    "0",
    "-force_key_frames",
    keyframes.join(","),
    "-c:a",
    "aac",
    "-b:a",
    "64k",
    "-movflags",
    "+frag_keyframe+empty_moov+default_base_moof",
    source,
  ]);
  return readFile(source);
}

function tagValue(playlist: string, tag: string) {
  return playlist
    .split("\n")
    .find((l) => l.startsWith(`${tag}:`))
    ?.slice(tag.length + 1);
}

describe("the live (EVENT) playlist of a growing recording", () => {
  it("only ever extends the previous one: one target duration from the first, segments appended, then ENDLIST", async () => {
    // Keyframes every 4 s, then a 7 s interval (19 - 12) and a 12 s one (39 - 27), longer than the bound.
    const bytes = await fragmentedRecording(45, [0, 4, 8, 12, 19, 23, 27, 39, 43]);
    const chunkSize = 40_009;
    const chunks: Buffer[] = [];
    for (let o = 0; o < bytes.length; o += chunkSize) chunks.push(bytes.subarray(o, o + chunkSize));
    expect(chunks.length).toBeGreaterThan(8);

    const { recording } = await insertSessionWithRecording({ status: "receiving" });
    const storage = getStorage();
    const mediaUrl = "/live/media";
    const playlists: string[] = [];
    for (const [seq, chunk] of chunks.entries()) {
      await storage.write(storageKeys.chunk(recording.id, seq), Readable.from([chunk]));
      await db.insert(recordingChunks).values({ recordingId: recording.id, seq, sizeBytes: chunk.length, sha256: "x".repeat(64) });
      const body = await renderLivePlaylist({ recordingId: recording.id, finished: false, mediaUrl });
      if (body !== null) playlists.push(body);
    }
    // The proxy finished: the same playlist, asked for again, now ends.
    const finished = await renderLivePlaylist({ recordingId: recording.id, finished: true, mediaUrl });
    expect(finished).not.toBeNull();
    playlists.push(finished!, (await renderLivePlaylist({ recordingId: recording.id, finished: true, mediaUrl }))!);
    expect(playlists.length).toBeGreaterThan(5);

    const target = Number(tagValue(playlists[0]!, "#EXT-X-TARGETDURATION"));
    expect(target).toBe(LIVE_TARGET_DURATION_S);
    for (const [i, playlist] of playlists.entries()) {
      expect(tagValue(playlist, "#EXT-X-TARGETDURATION")).toBe(String(target));
      expect(tagValue(playlist, "#EXT-X-PLAYLIST-TYPE")).toBe("EVENT");
      // RFC 8216 §4.3.3.1: every EXTINF, rounded to the nearest integer, is at most the target duration.
      for (const line of playlist.split("\n").filter((l) => l.startsWith("#EXTINF:"))) {
        expect(Math.round(Number.parseFloat(line.slice(8)))).toBeLessThanOrEqual(target);
      }
      const ended = playlist.trimEnd().endsWith("#EXT-X-ENDLIST");
      expect(ended).toBe(i >= playlists.length - 2);
      if (i === 0) continue;
      // §6.2.1: an EVENT playlist may only have lines appended (ENDLIST being the last of them).
      const previous = playlists[i - 1]!;
      const before = previous.replace(/#EXT-X-ENDLIST\n$/, "");
      expect(playlist.startsWith(before)).toBe(true);
      if (previous !== before) expect(playlist).toBe(previous);
    }
    // The 7 s keyframe interval is listed; the live edge stops before the 12 s one (never announced as a segment).
    const durations = playlists
      .at(-1)!
      .split("\n")
      .filter((l) => l.startsWith("#EXTINF:"))
      .map((l) => Number.parseFloat(l.slice(8)));
    expect(durations.some((d) => Math.abs(d - 7) < 0.1)).toBe(true);
    expect(Math.max(...durations)).toBeLessThanOrEqual(LIVE_TARGET_DURATION_S);
    expect(Math.abs(durations.reduce((a, b) => a + b, 0) - 27)).toBeLessThan(0.2);
  });
});
