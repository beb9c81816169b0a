/**
 * Deleting a recording in a cluster removes it from every node's cache of
 * the shared store: two nodes' S3 storages with their block caches, both
 * having read the recording; the deletion's NOTIFY makes each drop its
 * blocks, and neither serves the deleted bytes afterwards. Real PostgreSQL,
 * a real S3-speaking server.
 */
import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const setup = await vi.hoisted(async () => {
  const { startLocalS3 } = await import("@/lib/cli/local-s3");
  const s3 = await startLocalS3({ bucket: "retention-cache" });
  const dataDir = `/tmp/sv-retention-cache-${process.pid}-${Date.now()}`;
  Object.assign(process.env, s3.env, { DATA_DIR: dataDir, NODE_NAME: "node-a", S3_PREFIX: "", S3_CACHE_MB: "64" });
  return { s3, dataDir };
});

import {
  changeRetentionPolicy,
  expireRecordings,
  requestEarlyDeletion,
  confirmEarlyDeletion,
  stopWatchingRecordingDeletions,
  watchRecordingDeletions,
} from "@/lib/retention";
import { createS3Storage, getStorage, storageKeys } from "@/lib/storage";
import type { S3Storage } from "@/lib/storage/s3";
import { closeDb, useFreshDatabase } from "../support/db";
import { createRecordedSession } from "../support/retention-fixtures";
import { createTestUser } from "../support/users";

const { s3, dataDir } = setup;
const nodeA = () => getStorage() as S3Storage;
// Another node: the same bucket, a cache of its own on its own disk.
const nodeB = createS3Storage(
  { endpoint: s3.endpoint, region: "us-east-1", bucket: "retention-cache", prefix: "", accessKeyId: "a", secretAccessKey: "b", forcePathStyle: true },
  `${dataDir}-node-b`,
  { cacheBytes: 64 * 1024 * 1024 },
);

let admin: Awaited<ReturnType<typeof createTestUser>>;
let admin2: Awaited<ReturnType<typeof createTestUser>>;
beforeAll(async () => {
  await useFreshDatabase();
  admin = await createTestUser("admin");
  admin2 = await createTestUser("admin");
});
afterAll(async () => {
  await stopWatchingRecordingDeletions();
  await closeDb();
  await s3.stop();
  await rm(dataDir, { recursive: true, force: true });
  await rm(`${dataDir}-node-b`, { recursive: true, force: true });
});

/** Plays the recording on a node: its media and first chunk go through that node's cache. */
async function play(storage: S3Storage, recordingId: number) {
  await storage.readRange(storageKeys.media(recordingId), { start: 0, end: 99 });
  await storage.readRange(storageKeys.chunk(recordingId, 0), { start: 0, end: 99 });
}

async function until(what: string, condition: () => boolean, ms = 5_000) {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("deletion of a recording in a cluster", () => {
  it("the policy's deletion drops the recording from both nodes' caches, and neither serves it again", async () => {
    await watchRecordingDeletions(nodeA());
    await watchRecordingDeletions(nodeB);
    const expired = await createRecordedSession({ endedDaysAgo: 100 });
    const kept = await createRecordedSession({ endedDaysAgo: 1 });
    for (const node of [nodeA(), nodeB]) {
      await play(node, expired.recordingId);
      await play(node, kept.recordingId);
      expect(node.caches(storageKeys.recordingPrefix(expired.recordingId))).toBe(true);
    }

    await changeRetentionPolicy({ actor: admin, policy: { defaultDays: 30, protocols: [], patterns: [] } });
    expect(await expireRecordings()).toMatchObject({ deleted: 1 });

    const prefix = storageKeys.recordingPrefix(expired.recordingId);
    await until("node B to drop the deleted recording", () => !nodeB.caches(prefix));
    expect(nodeA().caches(prefix)).toBe(false);
    // What was not deleted stays cached on both.
    expect(nodeA().caches(storageKeys.recordingPrefix(kept.recordingId))).toBe(true);
    expect(nodeB.caches(storageKeys.recordingPrefix(kept.recordingId))).toBe(true);
    // Node B asks the store again, which has nothing any more: the deleted bytes are not served from its disk.
    await expect(nodeB.readRange(storageKeys.media(expired.recordingId), { start: 0, end: 99 })).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("an early deletion on one node drops the recording from the other's cache", async () => {
    const c = await createRecordedSession({ endedDaysAgo: 1 });
    await play(nodeB, c.recordingId);
    expect(nodeB.caches(storageKeys.recordingPrefix(c.recordingId))).toBe(true);
    await requestEarlyDeletion({ actor: admin, sessionId: c.session.id, reason: "Recorded by mistake" });
    expect(await confirmEarlyDeletion({ actor: admin2, sessionId: c.session.id })).toMatchObject({ refused: 0 });
    await until("node B to drop the deleted recording", () => !nodeB.caches(storageKeys.recordingPrefix(c.recordingId)));
    await expect(nodeB.readRange(storageKeys.chunk(c.recordingId, 0), { start: 0, end: 99 })).rejects.toMatchObject({ code: "ENOENT" });
  });
});
