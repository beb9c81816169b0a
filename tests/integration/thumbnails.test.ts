/**
 * Timeline thumbnails (lib/hls/thumbnails.ts): one ffmpeg run over the
 * playable file publishes 10 × 5 sprite sheets and their index; each
 * thumbnail shows the frame of its time (compared with a frame ffmpeg
 * decodes there); a run that died after a full sheet resumes after it; a
 * recording without a picture gets a failed index and no run again; a
 * session still being recorded gets thumbnails from its chunks, extended
 * round after round as they arrive, and the finished recording goes on with
 * the same index.
 */
import { rm } from "node:fs/promises";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const dataDir = vi.hoisted(() => {
  const dir = `/tmp/sv-thumbs-int-${process.pid}-${Date.now()}`;
  process.env.DATA_DIR = dir;
  return dir;
});

import { db } from "@/lib/db/client";
import { recordingChunks, recordings } from "@/lib/db/schema";
import { eq } from "drizzle-orm";
import { ensurePlayable } from "@/lib/hls/prepare";
import { getThumbnails, saveThumbnails } from "@/lib/hls/queries";
import { thumbnailIndexFor, thumbnailsWanted } from "@/lib/hls/thumbnail-index";
import { extendThumbnails, queueThumbnailsFor } from "@/lib/hls/thumbnails";
import { thumbnailAt } from "@/lib/domain/thumbnails";
import { getStorage, storageKeys } from "@/lib/storage";
import { closeDb, useFreshDatabase } from "../support/db";
import { grayPixels, meanDifference } from "../support/frames";
import { insertSessionWithRecording, fragmentedMp4Bytes, makeMedia, storeMedia } from "../support/player-media";

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

  it("a live session gets thumbnails from its chunks, extended as they arrive, and the finished recording continues the same index", async () => {
    // What a proxy recording fragmented MP4 sends: fragments at keyframes (every 2 s), cut into chunks anywhere.
    const source = await makeMedia({ seconds: 40, kind: "h264" });
    const bytes = await fragmentedMp4Bytes(source);
    const chunkSize = 50_003;
    const chunks: Buffer[] = [];
    for (let o = 0; o < bytes.length; o += chunkSize) chunks.push(bytes.subarray(o, o + chunkSize));
    const { recording } = await insertSessionWithRecording({ status: "receiving" });
    const storage = getStorage();
    let received = 0;
    const receiveUpTo = async (n: number) => {
      for (; received < n; received++) {
        await storage.write(storageKeys.chunk(recording.id, received), Readable.from([chunks[received]!]));
        await db.insert(recordingChunks).values({ recordingId: recording.id, seq: received, sizeBytes: chunks[received]!.length, sha256: "x".repeat(64) });
      }
    };
    const checkCells = async (stored: NonNullable<Awaited<ReturnType<typeof getThumbnails>>>) => {
      const sheets = stored.sheets.map((count, n) => storageKeys.thumbnailSheet(recording.id, stored.generation, n, count));
      const index = thumbnailIndexFor(stored, (_g, n) => sheets[n]!);
      for (const tMs of stored.times) {
        const spot = thumbnailAt(index, tMs + 2_000)!;
        expect(spot.tMs).toBe(tMs);
        const cell = await grayPixels((await storage.localPath(spot.sheet)).path, `crop=160:90:${spot.x}:${spot.y}`);
        const same = meanDifference(cell, await grayPixels(source, "scale=160:90", tMs / 1000));
        expect(same).toBeLessThan(6);
        expect(meanDifference(cell, await grayPixels(source, "scale=160:90", ((tMs + 2_500) % 40_000) / 1000))).toBeGreaterThan(same * 2);
      }
    };

    // No chunk yet: nothing to make, and the player is told more are coming.
    expect(await extendThumbnails(recording.id)).toBe("not-playable");
    expect(await queueThumbnailsFor({ recordingId: recording.id, live: true })).toEqual({ pending: true });

    // About half received: thumbnails every 5 s up to the live edge.
    await receiveUpTo(Math.floor(chunks.length / 2));
    expect(await extendThumbnails(recording.id)).toBe("extended");
    const first = (await getThumbnails({ recordingId: recording.id }))!;
    expect(first).toMatchObject({ source: "live", status: "running", intervalMs: 5_000 });
    expect(first.times.length).toBeGreaterThanOrEqual(2);
    expect(first.times).toEqual(Array.from({ length: first.times.length }, (_, i) => i * 5_000));
    expect(first.coveredMs).toBeGreaterThan(first.times.at(-1)!);
    expect(first.coveredMs).toBeLessThan(40_000);
    await checkCells(first);
    expect(thumbnailsWanted(first, true)).toBe(true);

    // Nothing new since: the round makes nothing. Then the rest arrives: the same index grows.
    expect(await extendThumbnails(recording.id)).toBe("nothing-new");
    await receiveUpTo(chunks.length);
    expect(await extendThumbnails(recording.id)).toBe("extended");
    const second = (await getThumbnails({ recordingId: recording.id }))!;
    expect(second.generation).toBe(first.generation);
    expect(second.times.slice(0, first.times.length)).toEqual(first.times);
    expect(second.times.length).toBeGreaterThan(first.times.length);
    expect(second.coveredMs).toBeGreaterThan(first.coveredMs);
    await checkCells(second);
    // The partial sheet of the first round was replaced.
    expect(await storage.stat(storageKeys.thumbnailSheet(recording.id, first.generation, 0, first.sheets[0]!))).toBeNull();

    // The session ends: the playable file finishes the same index.
    await storage.write(storageKeys.media(recording.id), Readable.from([bytes]));
    await db.update(recordings).set({ status: "ready", videoCodec: "h264", durationMs: 40_000 }).where(eq(recordings.id, recording.id));
    await ensurePlayable(recording.id);
    expect(await extendThumbnails(recording.id)).toBe("complete");
    const done = (await getThumbnails({ recordingId: recording.id }))!;
    expect(done).toMatchObject({ source: "playable", status: "complete", generation: first.generation, intervalMs: 5_000 });
    expect(done.times).toEqual([0, 5_000, 10_000, 15_000, 20_000, 25_000, 30_000, 35_000]);
    expect(thumbnailsWanted(done, false)).toBe(false);
  });
});
