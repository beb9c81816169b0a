/**
 * Timeline thumbnails (lib/hls/thumbnails.ts): one ffmpeg run over the
 * playable file publishes 10 × 5 sprite sheets and their index; each
 * thumbnail shows the frame of its time (compared with a frame ffmpeg
 * decodes there); a run that died after a full sheet resumes after it; a
 * recording without a picture gets a failed index and no run again.
 */
import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const dataDir = vi.hoisted(() => {
  const dir = `/tmp/sv-thumbs-int-${process.pid}-${Date.now()}`;
  process.env.DATA_DIR = dir;
  return dir;
});

import { ensurePlayable } from "@/lib/hls/prepare";
import { getThumbnails, saveThumbnails } from "@/lib/hls/queries";
import { thumbnailIndexFor, thumbnailsWanted } from "@/lib/hls/thumbnail-index";
import { extendThumbnails } from "@/lib/hls/thumbnails";
import { thumbnailAt } from "@/lib/domain/thumbnails";
import { getStorage, storageKeys } from "@/lib/storage";
import { closeDb, useFreshDatabase } from "../support/db";
import { grayPixels, meanDifference } from "../support/frames";
import { insertSessionWithRecording, makeMedia, storeMedia } from "../support/player-media";

beforeAll(async () => {
  await useFreshDatabase();
});
afterAll(async () => {
  await closeDb();
  await rm(dataDir, { recursive: true, force: true });
});

async function playableRecording(seconds: number) {
  const media = await makeMedia({ seconds, kind: "h264" });
  const { recording } = await insertSessionWithRecording({ status: "ready", videoCodec: "h264", durationMs: seconds * 1000 });
  await storeMedia(getStorage(), recording.id, media);
  const playlist = await ensurePlayable(recording.id);
  return { recordingId: recording.id, playableKey: storageKeys.playable(recording.id, playlist.generation) };
}

describe("timeline thumbnails", () => {
  it("makes one thumbnail a second on 10 × 5 sheets, each the frame of its time", async () => {
    const { recordingId, playableKey } = await playableRecording(62);
    expect(await extendThumbnails(recordingId)).toBe("complete");
    const stored = (await getThumbnails({ recordingId }))!;
    expect(stored).toMatchObject({ status: "complete", source: "playable", intervalMs: 1000, width: 160, height: 90, columns: 10, rows: 5 });
    expect(stored.sheets).toEqual([50, 12]);
    expect(stored.times).toEqual(Array.from({ length: 62 }, (_, i) => i * 1000));
    expect(stored.coveredMs).toBeGreaterThanOrEqual(61_900);
    expect(thumbnailsWanted(stored, false)).toBe(false);

    const storage = getStorage();
    const sheets: string[] = [];
    for (const [n, count] of stored.sheets.entries()) {
      const key = storageKeys.thumbnailSheet(recordingId, stored.generation, n, count);
      expect((await storage.stat(key))?.size).toBeGreaterThan(1000);
      sheets.push((await storage.localPath(key)).path);
    }
    const video = (await storage.localPath(playableKey)).path;
    const index = thumbnailIndexFor(stored, (_g, n) => sheets[n]!);
    for (const tMs of [7_400, 37_000, 55_900]) {
      const spot = thumbnailAt(index, tMs)!;
      expect(spot.tMs).toBe(Math.floor(tMs / 1000) * 1000);
      const cell = await grayPixels(spot.sheet, `crop=160:90:${spot.x}:${spot.y}`);
      const frame = await grayPixels(video, "scale=160:90", spot.tMs / 1000);
      const elsewhere = await grayPixels(video, "scale=160:90", ((spot.tMs + 20_000) % 60_000) / 1000);
      const same = meanDifference(cell, frame);
      // JPEG at q 5 of a 160 × 90 picture: a few levels off; another moment of the test picture is far more.
      expect(same).toBeLessThan(6);
      expect(meanDifference(cell, elsewhere)).toBeGreaterThan(same * 2);
    }
  });

  it("resumes after the last full sheet when a run stopped half-way", async () => {
    const { recordingId } = await playableRecording(56);
    expect(await extendThumbnails(recordingId)).toBe("complete");
    const whole = (await getThumbnails({ recordingId }))!;
    expect(whole.sheets).toEqual([50, 6]);
    // As a run killed after its first sheet leaves it (the second sheet half made).
    await saveThumbnails({ recordingId, thumbnails: { ...whole, status: "running", sheets: [50, 3], times: whole.times.slice(0, 53), coveredMs: 53_000 } });
    expect(thumbnailsWanted(await getThumbnails({ recordingId }), false)).toBe(true);
    expect(await extendThumbnails(recordingId)).toBe("complete");
    const resumed = (await getThumbnails({ recordingId }))!;
    expect(resumed.generation).toBe(whole.generation);
    expect(resumed.times).toEqual(whole.times);
    expect(resumed.sheets).toEqual([50, 6]);
    expect(resumed.status).toBe("complete");
    // The half sheet's object is gone; the new one is there.
    const storage = getStorage();
    expect(await storage.stat(storageKeys.thumbnailSheet(recordingId, whole.generation, 1, 3))).toBeNull();
    expect(await storage.stat(storageKeys.thumbnailSheet(recordingId, whole.generation, 1, 6))).not.toBeNull();
  });

  it("marks a recording without a picture as failed, and asks for no run again", async () => {
    const { recording } = await insertSessionWithRecording({ status: "ready", hasAudio: true, durationMs: 5000 });
    expect(await extendThumbnails(recording.id)).toBe("failed");
    const stored = await getThumbnails({ recordingId: recording.id });
    expect(stored).toMatchObject({ status: "failed", error: "The recording has no picture." });
    expect(thumbnailsWanted(stored, false)).toBe(false);
  });
});
