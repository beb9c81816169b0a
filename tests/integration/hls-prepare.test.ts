import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// The storage root comes from DATA_DIR, read once at import: point it at a folder of this file's own.
const dataDir = vi.hoisted(() => {
  const dir = `/tmp/sv-hls-int-${process.pid}-${Date.now()}`;
  process.env.DATA_DIR = dir;
  return dir;
});

import { getStoredPlaylist } from "@/lib/hls/queries";
import { getRecordingById } from "@/lib/recordings/queries";
import { measureRecordingActivity } from "@/lib/hls/measure";
import { ensurePlayable, NeedsBackgroundPreparation } from "@/lib/hls/prepare";
import { renderPlaylist, SEGMENT_MAX_S } from "@/lib/hls/playlist";
import { getActivity } from "@/lib/hls/queries";
import { ffprobePath } from "@/lib/media/binaries";
import { readActivity } from "@/lib/recordings/activity";
import { getStorage, storageKeys } from "@/lib/storage";
import { closeDb, useFreshDatabase } from "../support/db";
import { insertSessionWithRecording, makeMedia, storeMedia } from "../support/player-media";

let work: string;
beforeAll(async () => {
  await useFreshDatabase();
  work = await mkdtemp(path.join(os.tmpdir(), "sv-hls-work-"));
});
afterAll(async () => {
  await closeDb();
  await rm(dataDir, { recursive: true, force: true });
  await rm(work, { recursive: true, force: true });
});

/** Decodes the playlist with ffmpeg's own HLS demuxer (byte ranges included) and returns its duration. */
async function probePlaylist(recordingId: number) {
  const playlist = (await getStoredPlaylist({ recordingId }))!;
  const local = await getStorage().localPath(storageKeys.playable(recordingId, playlist.generation));
  const file = path.join(work, `p${recordingId}.m3u8`);
  await writeFile(file, renderPlaylist({ mediaUrl: local.path, init: playlist.init, segments: playlist.segments, kind: "vod" }));
  const { stdout } = await execa(ffprobePath(), ["-v", "error", "-allowed_extensions", "ALL", "-show_entries", "format=duration", "-of", "csv=p=0", file]);
  return Number(stdout.trim());
}

describe("making a recording playable", () => {
  it("copies H.264/AAC into fragmented MP4 cut at keyframes, once, for concurrent callers", async () => {
    const media = await makeMedia({ seconds: 20, kind: "h264", audio: true });
    const { recording } = await insertSessionWithRecording({ status: "processing" });
    await storeMedia(getStorage(), recording.id, media);

    const results = await Promise.all([ensurePlayable(recording.id), ensurePlayable(recording.id), ensurePlayable(recording.id)]);
    expect(new Set(results.map((r) => r.generation)).size).toBe(1);
    const playlist = results[0]!;
    expect(playlist.mode).toBe("copy");
    expect(playlist.hasAudio).toBe(true);
    expect(playlist.longGop).toBe(false);
    expect(Math.abs(playlist.durationMs - 20_000)).toBeLessThan(200);
    const total = playlist.segments.reduce((s, seg) => s + seg[2], 0);
    expect(Math.abs(total - playlist.durationMs)).toBeLessThan(100);
    for (const [, , ms] of playlist.segments) expect(ms).toBeLessThanOrEqual(SEGMENT_MAX_S * 1000);
    // Segments tile the file after the init part, without gaps or overlaps.
    let next = playlist.init[0] + playlist.init[1];
    for (const [offset, length] of playlist.segments) {
      expect(offset).toBe(next);
      next = offset + length;
    }
    // The init part is ftyp + moov; every segment starts with a moof.
    const bytes = await readFile((await getStorage().localPath(storageKeys.playable(recording.id, playlist.generation))).path);
    expect(bytes.toString("latin1", 4, 8)).toBe("ftyp");
    for (const [offset] of playlist.segments) expect(bytes.toString("latin1", offset + 4, offset + 8)).toBe("moof");

    // Kept: asking again returns the stored result without a new run.
    expect((await ensurePlayable(recording.id)).generation).toBe(playlist.generation);
    expect((await getRecordingById({ id: recording.id }))?.playableKey).toBe(storageKeys.playable(recording.id, playlist.generation));
    expect(Math.abs((await probePlaylist(recording.id)) - 20)).toBeLessThan(0.3);

    // Activity: the test picture moves all the time; the tone is loud.
    await measureRecordingActivity(recording.id, playlist.durationMs);
    const activity = readActivity(await getActivity({ recordingId: recording.id }));
    expect(activity).not.toBeNull();
    expect(activity!.screen.length).toBe(Math.ceil(playlist.durationMs / 1000));
    expect(activity!.screen.filter((s) => s > 0).length).toBeGreaterThan(15);
    // The last bin may hold only a few milliseconds of sound.
    expect(activity!.audio!.slice(0, 19).every((l) => l > 0.5)).toBe(true);
  });

  it("lets one ffmpeg run when callers do not share a promise (the advisory lock, as across processes)", async () => {
    const media = await makeMedia({ seconds: 6, kind: "h264" });
    const { recording } = await insertSessionWithRecording({ status: "processing" });
    await storeMedia(getStorage(), recording.id, media);
    // A request (on demand) and the background job in flight at once: different promises, one lock.
    const [a, b] = await Promise.all([ensurePlayable(recording.id, { onDemand: true }), ensurePlayable(recording.id)]);
    expect(a.generation).toBe(b.generation);
    expect(a.hasAudio).toBe(false);
  });

  it("re-encodes a source whose keyframes are 20 s apart so that no segment exceeds 6 s", async () => {
    const media = await makeMedia({ seconds: 30, kind: "h264-long-gop" });
    const { recording } = await insertSessionWithRecording({ status: "processing" });
    await storeMedia(getStorage(), recording.id, media);
    const copied = await ensurePlayable(recording.id);
    expect(copied.mode).toBe("copy");
    expect(copied.longGop).toBe(true);
    const encoded = await ensurePlayable(recording.id, { mode: "reencode" });
    expect(encoded.mode).toBe("transcode");
    expect(encoded.generation).not.toBe(copied.generation);
    expect(encoded.longGop).toBe(false);
    expect(Math.max(...encoded.segments.map((s) => s[2]))).toBeLessThanOrEqual(SEGMENT_MAX_S * 1000);
    expect(encoded.hasAudio).toBe(false);
    // Each generation has its own file: the copy's is gone, so its URLs cannot serve the new bytes.
    expect((await getRecordingById({ id: recording.id }))?.playableKey).toBe(storageKeys.playable(recording.id, encoded.generation));
    expect(await getStorage().stat(storageKeys.playable(recording.id, copied.generation))).toBeNull();
    expect((await getStorage().stat(storageKeys.playable(recording.id, encoded.generation)))?.size).toBeGreaterThan(0);
  });

  it("transcodes VP9/Opus WebM in the background, and refuses to do it on demand", async () => {
    const media = await makeMedia({ seconds: 8, kind: "vp9", audio: true });
    const { recording } = await insertSessionWithRecording({ status: "processing" });
    await storeMedia(getStorage(), recording.id, media);
    await expect(ensurePlayable(recording.id, { onDemand: true })).rejects.toBeInstanceOf(NeedsBackgroundPreparation);
    const playlist = await ensurePlayable(recording.id);
    expect(playlist.mode).toBe("transcode");
    expect(playlist.hasAudio).toBe(true);
    expect(Math.abs((await probePlaylist(recording.id)) - 8)).toBeLessThan(0.3);
    const local = await getStorage().localPath(storageKeys.playable(recording.id, playlist.generation));
    const { stdout } = await execa(ffprobePath(), ["-v", "error", "-show_entries", "stream=codec_name", "-of", "csv=p=0", local.path]);
    expect(stdout.trim().split("\n").sort()).toEqual(["aac", "h264"]);
  });

  it("fails with a clear message for media ffmpeg cannot read", async () => {
    const { recording } = await insertSessionWithRecording({ status: "processing" });
    const junk = path.join(work, "junk.bin");
    await writeFile(junk, Buffer.alloc(4096, 7));
    await storeMedia(getStorage(), recording.id, junk);
    await expect(ensurePlayable(recording.id)).rejects.toThrow();
    expect(await getStoredPlaylist({ recordingId: recording.id })).toBeNull();
  });
});
