import { rm } from "node:fs/promises";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const dataDir = vi.hoisted(() => {
  const dir = `/tmp/sv-hls-live-${process.pid}-${Date.now()}`;
  process.env.DATA_DIR = dir;
  return dir;
});

import { db } from "@/lib/db/client";
import { recordingChunks } from "@/lib/db/schema";
import { getLiveView, LIVE_SEGMENT_TARGET_S, streamRange } from "@/lib/hls/live";
import { getStorage, storageKeys } from "@/lib/storage";
import { closeDb, useFreshDatabase } from "../support/db";
import { insertSessionWithRecording, fragmentedMp4Bytes, makeMedia } from "../support/player-media";

beforeAll(async () => {
  await useFreshDatabase();
});
afterAll(async () => {
  await closeDb();
  await rm(dataDir, { recursive: true, force: true });
});

async function readAll(stream: Readable) {
  const parts: Buffer[] = [];
  for await (const p of stream) parts.push(p as Buffer);
  return Buffer.concat(parts);
}

describe("live playback from the chunks received so far", () => {
  it("publishes only complete segments while receiving, addressed across chunk boundaries", async () => {
    // What a proxy recording fragmented MP4 sends: fragments at keyframes, cut into chunks anywhere.
    const source = await makeMedia({ seconds: 30, kind: "h264", audio: true });
    const bytes = await fragmentedMp4Bytes(source);
    const chunkSize = 100_003; // deliberately not aligned with any box
    const chunks: Buffer[] = [];
    for (let o = 0; o < bytes.length; o += chunkSize) chunks.push(bytes.subarray(o, o + chunkSize));
    expect(chunks.length).toBeGreaterThan(5);

    const { recording } = await insertSessionWithRecording({ status: "receiving" });
    const storage = getStorage();
    const receive = async (seq: number) => {
      await storage.write(storageKeys.chunk(recording.id, seq), Readable.from([chunks[seq]!]));
      await db.insert(recordingChunks).values({ recordingId: recording.id, seq, sizeBytes: chunks[seq]!.length, sha256: "x".repeat(64) });
    };

    expect((await getLiveView(recording.id, { finished: false })).init).toBeNull();
    const half = Math.floor(chunks.length / 2);
    for (let seq = 0; seq < half; seq++) await receive(seq);
    // A chunk past a gap does not count until the gap is filled.
    await receive(half + 1);
    const partial = await getLiveView(recording.id, { finished: false });
    expect(partial.init).not.toBeNull();
    expect(partial.segments.length).toBeGreaterThan(0);
    const receivedBytes = chunks.slice(0, half).reduce((s, c) => s + c.length, 0);
    const lastPartial = partial.segments[partial.segments.length - 1]!;
    expect(lastPartial[0] + lastPartial[1]).toBeLessThanOrEqual(receivedBytes);
    for (const [, , ms] of partial.segments) expect(ms).toBeGreaterThanOrEqual(LIVE_SEGMENT_TARGET_S * 1000 - 100);

    // A segment read across chunk files equals the same bytes of the whole file.
    const [offset, length] = partial.segments[partial.segments.length - 1]!;
    const read = await readAll(await streamRange(recording.id, partial.pieces, offset, offset + length - 1));
    expect(read.equals(bytes.subarray(offset, offset + length))).toBe(true);
    expect(read.toString("latin1", 4, 8)).toBe("moof");

    await receive(half);
    for (let seq = half + 2; seq < chunks.length; seq++) await receive(seq);
    const full = await getLiveView(recording.id, { finished: true });
    expect(full.segments.length).toBeGreaterThan(partial.segments.length);
    // The published segments never change as the recording grows.
    expect(full.segments.slice(0, partial.segments.length)).toEqual(partial.segments);
    const total = full.segments.reduce((s, seg) => s + seg[2], 0);
    expect(Math.abs(total - 30_000)).toBeLessThan(200);
  });
});
