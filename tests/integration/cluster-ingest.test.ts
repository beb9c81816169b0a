/**
 * Ingestion on S3 storage when the store goes away: nothing acknowledged is
 * lost, the chunk waits on this node's disk (held), the recording shows
 * synchronizing, and this node's sync copies it once the store answers,
 * which lets the assembly finish. Real PostgreSQL, a real S3-speaking server.
 */
import { createHash, randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const setup = await vi.hoisted(async () => {
  const { startLocalS3 } = await import("@/lib/cli/local-s3");
  const s3 = await startLocalS3({ bucket: "cluster-ingest" });
  const dataDir = `/tmp/sv-cluster-ingest-${process.pid}-${Date.now()}`;
  Object.assign(process.env, s3.env, { DATA_DIR: dataDir, NODE_NAME: "node-a", S3_PREFIX: "" });
  return { s3, dataDir };
});

import { and, eq } from "drizzle-orm";
import { syncHeldChunks } from "@/lib/cluster";
import { db } from "@/lib/db/client";
import { recordingChunks, recordings } from "@/lib/db/schema";
import { playbackState } from "@/lib/hls/playback";
import { getLiveChunks } from "@/lib/hls/live";
import { finishSession, startSession, storeChunk } from "@/lib/ingest";
import { assembleRecording } from "@/lib/ingest/assemble";
import { getRecordingById, getRecordingBySession, listChunks } from "@/lib/recordings/queries";
import { verifyRecording } from "@/lib/recordings/verify";
import { createS3Storage, getStorage, storageKeys } from "@/lib/storage";
import { createApiToken } from "@/lib/tokens";
import { closeDb, useFreshDatabase } from "../support/db";

const { s3, dataDir } = setup;
// What another node sees: the same bucket, no held copies of its own.
const elsewhere = createS3Storage(
  { endpoint: s3.endpoint, region: "us-east-1", bucket: "cluster-ingest", prefix: "", accessKeyId: "a", secretAccessKey: "b", forcePathStyle: true },
  `${dataDir}-other-node`,
  { cacheBytes: 0 },
);

let tokenId: string;
beforeAll(async () => {
  await useFreshDatabase();
  tokenId = (await createApiToken({ name: "proxy-a", createdBy: null })).row.id;
});
afterAll(async () => {
  await closeDb();
  await s3.stop();
  await rm(dataDir, { recursive: true, force: true });
  await rm(`${dataDir}-other-node`, { recursive: true, force: true });
});

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const body = (b: Buffer) => new Blob([new Uint8Array(b)]).stream();
const send = (hash: string, seq: number, bytes: Buffer) =>
  storeChunk({ hash, tokenId, seq, sha256: sha(bytes), body: body(bytes), declaredLength: bytes.length });
const readElsewhere = async (key: string) => Buffer.concat((await (await elsewhere.read(key)).toArray()) as Buffer[]);

async function newSession() {
  const hash = `cluster-${randomBytes(6).toString("hex")}`;
  await startSession(
    { hash, protocol: "ssh", host: "db-1", credentialUsername: "root", user: "pat", userIp: "10.0.0.9", startedAt: new Date().toISOString() },
    tokenId,
  );
  return hash;
}

describe("ingestion on a shared store that goes away", () => {
  it("acknowledges a chunk once it is in the store: another node reads it byte for byte", async () => {
    const hash = await newSession();
    const bytes = randomBytes(150_000);
    expect(await send(hash, 0, bytes)).toMatchObject({ seq: 0, duplicate: false });
    const [chunk] = await db.select().from(recordingChunks);
    expect(chunk).toMatchObject({ seq: 0, heldBy: null });
    expect((await readElsewhere(storageKeys.chunk(chunk!.recordingId, 0))).equals(bytes)).toBe(true);
    const recording = await getRecordingById({ id: chunk!.recordingId });
    expect(recording?.receivedBy).toBe("node-a");
  });

  it("holds the chunk on this node while the store is down, shows synchronizing, and copies it when the store is back", async () => {
    const hash = await newSession();
    const chunks = [randomBytes(120_000), randomBytes(90_000), randomBytes(70_000)];
    await send(hash, 0, chunks[0]!);
    await s3.pause();
    try {
      // Acknowledged although the store does not answer: fsynced here and recorded as held by this node.
      expect(await send(hash, 1, chunks[1]!)).toMatchObject({ seq: 1, duplicate: false });
      expect(await send(hash, 2, chunks[2]!)).toMatchObject({ seq: 2, duplicate: false });
      // The same chunk again is the same acknowledgement.
      expect(await send(hash, 2, chunks[2]!)).toMatchObject({ seq: 2, duplicate: true });
      const recording = (await db.select().from(recordings).orderBy(recordings.id)).at(-1)!;
      const rows = await listChunks({ recordingId: recording.id });
      expect(rows.map((r) => [r.seq, r.heldBy])).toEqual([
        [0, null],
        [1, "node-a"],
        [2, "node-a"],
      ]);
      expect(rows[1]!.syncError).toMatch(/could not be reached/);
      // This node reads its held chunks (live playback here goes on).
      expect((await getLiveChunks(recording.id)).pieces).toHaveLength(3);

      const media = Buffer.concat(chunks);
      const finished = await finishSession(hash, tokenId, { endedAt: new Date().toISOString(), totalChunks: 3, mediaSha256: sha(media) });
      // Not incomplete: the assembly waits for the store.
      expect(finished.recording).toMatchObject({ status: "processing" });
      const waiting = await getRecordingById({ id: recording.id });
      expect(waiting?.finishedAt).toBeNull();
      expect(waiting?.statusReason).toMatch(/Waiting for the shared store/);
      const { state } = await playbackState(waiting);
      expect(state).toMatchObject({ kind: "synchronizing", waiting: [{ node: "node-a", chunks: 2, bytes: 160_000 }] });

      // The sync fails while the store is down, says why, and will try again.
      expect(await syncHeldChunks({ node: "node-a", storage: getStorage() })).toMatchObject({ copied: 0 });
      const [afterFailure] = await db
        .select()
        .from(recordingChunks)
        .where(and(eq(recordingChunks.recordingId, recording.id), eq(recordingChunks.seq, 1)));
      expect(afterFailure?.syncAttempts).toBe(1);
      expect(afterFailure?.syncNextAt).not.toBeNull();
    } finally {
      await s3.resume();
    }

    const recording = await getRecordingBySession({ sessionId: (await db.select().from(recordings).orderBy(recordings.id)).at(-1)!.sessionId });
    // Due again: the backoff of one failure is 2 s.
    await db.update(recordingChunks).set({ syncNextAt: null }).where(eq(recordingChunks.recordingId, recording!.id));
    expect(await syncHeldChunks({ node: "node-a", storage: getStorage() })).toEqual({ copied: 2, failed: 0 });
    const rows = await listChunks({ recordingId: recording!.id });
    expect(rows.every((r) => r.heldBy === null && r.syncError === null)).toBe(true);
    for (const [seq, bytes] of chunks.entries()) expect((await readElsewhere(storageKeys.chunk(recording!.id, seq))).equals(bytes)).toBe(true);
    expect(await getStorage().held!.has(storageKeys.chunk(recording!.id, 1))).toBe(false);

    // The sync queued the assembly; run it here as a worker would.
    await assembleRecording(recording!.id);
    const assembled = await getRecordingById({ id: recording!.id });
    expect(assembled).toMatchObject({ status: "processing", integrityStatus: "verified" });
    expect(assembled?.finishedAt).not.toBeNull();
    expect((await readElsewhere(storageKeys.media(recording!.id))).equals(Buffer.concat(chunks))).toBe(true);
    expect((await verifyRecording({ recordingId: recording!.id })).status).toBe("verified");
  });

  it("waits for chunks held on another node: the assembly, the live edge and verification do not judge what they cannot read", async () => {
    const hash = await newSession();
    const chunks = [randomBytes(50_000), randomBytes(50_000)];
    await send(hash, 0, chunks[0]!);
    await send(hash, 1, chunks[1]!);
    const recording = (await db.select().from(recordings).orderBy(recordings.id)).at(-1)!;
    // As if node-b had received chunk 1 while the store was down, and kept it on its own disk.
    await getStorage().delete(storageKeys.chunk(recording.id, 1));
    await db
      .update(recordingChunks)
      .set({ heldBy: "node-b", syncError: "The store could not be reached" })
      .where(and(eq(recordingChunks.recordingId, recording.id), eq(recordingChunks.seq, 1)));

    expect((await getLiveChunks(recording.id)).pieces.map((p) => p.seq)).toEqual([0]);
    expect(await verifyRecording({ recordingId: recording.id })).toMatchObject({ status: "pending" });
    await finishSession(hash, tokenId, { endedAt: new Date().toISOString(), totalChunks: 2, mediaSha256: sha(Buffer.concat(chunks)) });
    const waiting = await getRecordingById({ id: recording.id });
    expect(waiting).toMatchObject({ status: "processing", finishedAt: null, statusReason: "Waiting for node node-b to copy 1 chunk to the shared store" });
    const { state } = await playbackState(waiting);
    expect(state).toMatchObject({
      kind: "synchronizing",
      waiting: [{ node: "node-b", chunks: 1, bytes: 50_000, lastError: "The store could not be reached" }],
    });
  });
});
