/**
 * Two nodes as two sets of processes (web server + worker each, their own
 * NODE_NAME, port and data folder) sharing one PostgreSQL and one
 * S3-compatible server: a recording sent to node A plays, seeks and downloads
 * on node B; a store that stops while A receives makes B show Synchronizing
 * with the right counts, and B plays once the store is back without anyone
 * acting; A killed with SIGKILL right after acknowledging chunks loses none.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import { and, eq } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startLocalS3, type LocalS3 } from "@/lib/cli/local-s3";
import { closeDb, db, useDatabaseUrl } from "@/lib/db/client";
import { auditLog, clusterNodes, recordingChunks, recordings, remoteSessions, videoExports } from "@/lib/db/schema";
import { IngestClient, sha256Hex } from "@/lib/ingest/client";
import { ffmpegPath } from "@/lib/media/binaries";
import { setParameter } from "@/lib/settings/queries";
import { createS3Storage, storageKeys } from "@/lib/storage";
import type { S3Storage } from "@/lib/storage/s3";
import { createApiToken } from "@/lib/tokens";
import { createTestDatabase } from "../support/db";
import { makeMedia } from "../support/player-media";
import { createTestUser } from "../support/users";
import { launchBrowser, signIn } from "./support/browser";
import { removeNodeData, startClusterNode, type ClusterNodeProcess } from "./support/cluster";

let s3: LocalS3;
let store: S3Storage;
let databaseUrl: string;
let nodeA: ClusterNodeProcess;
let nodeB: ClusterNodeProcess;
let api: IngestClient;
let browser: Browser;
let pageB: Page;
let media: Buffer;
let work: string;
let admin: Awaited<ReturnType<typeof createTestUser>>;
const secret = randomBytes(32).toString("hex");
const prefix = `cluster-${randomBytes(4).toString("hex")}/`;

async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${[...(nodeA?.output ?? []), ...(nodeB?.output ?? [])].slice(-60).join("")}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const node = (name: string, dataDir?: string, port?: number) =>
  startClusterNode({ name, databaseUrl, storageEnv: { ...s3.env, S3_PREFIX: prefix }, secret, dataDir, port });

async function recordingOf(hash: string) {
  const [row] = await db
    .select({ recording: recordings })
    .from(remoteSessions)
    .innerJoin(recordings, eq(recordings.sessionId, remoteSessions.id))
    .where(eq(remoteSessions.hash, hash));
  return row?.recording ?? null;
}

function splitInto(buf: Buffer, n: number): Buffer[] {
  const size = Math.ceil(buf.length / n);
  return Array.from({ length: n }, (_, i) => buf.subarray(i * size, Math.min(buf.length, (i + 1) * size)));
}

const start = (hash: string) =>
  api.start({
    hash,
    protocol: "ssh",
    host: "db-01",
    credentialUsername: "root",
    user: "pat",
    userIp: "10.0.0.7",
    startedAt: new Date(Date.now() - 30_000).toISOString(),
  });

async function readStored(key: string) {
  return Buffer.concat((await (await store.read(key)).toArray()) as Buffer[]);
}

/** Plays the session on node B in Chromium, seeks to `seekTo`, and checks the picture moves on from there. */
async function playOnB(hash: string, seekTo: number) {
  await pageB.goto(`${nodeB.url}/sessions/${hash}/play`);
  await pageB.waitForFunction(() => (document.querySelector("video")?.readyState ?? 0) >= 2, undefined, { timeout: 60_000 });
  await pageB.evaluate((t) => {
    const v = document.querySelector("video")!;
    v.muted = true;
    v.currentTime = t;
    void v.play();
  }, seekTo);
  await pageB.waitForFunction((t) => (document.querySelector("video")?.currentTime ?? 0) > t + 0.5, seekTo, { timeout: 30_000 });
}

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "sv-cluster-e2e-"));
  s3 = await startLocalS3({ bucket: "cluster-e2e" });
  store = createS3Storage(
    { endpoint: s3.endpoint, region: "us-east-1", bucket: "cluster-e2e", prefix, accessKeyId: "a", secretAccessKey: "b", forcePathStyle: true },
    path.join(work, "test-process"),
    { cacheBytes: 0 },
  );
  databaseUrl = await createTestDatabase();
  useDatabaseUrl(databaseUrl);
  [nodeA, nodeB] = await Promise.all([node("node-a"), node("node-b")]);
  const { token } = await createApiToken({ name: "proxy", createdBy: null });
  api = new IngestClient(nodeA.url, token);
  admin = await createTestUser("admin");
  const auditor = await createTestUser("auditor");
  await setParameter({ key: "remote_session.video_download_enabled", value: true, updatedBy: admin.id });
  // 20 s of H.264 + AAC as a proxy records it: fragmented MP4.
  const source = await makeMedia({ seconds: 20, kind: "h264", audio: true });
  const fragmented = path.join(work, "session.mp4");
  await execa(ffmpegPath(), [
    "-hide_banner",
    "-loglevel",
    "error",
    "-y",
    "-i",
    source,
    "-c",
    "copy",
    "-movflags",
    "+frag_keyframe+empty_moov+default_base_moof",
    fragmented,
  ]);
  media = await readFile(fragmented);
  browser = await launchBrowser();
  pageB = await browser.newPage();
  await signIn(pageB, nodeB.url, auditor.email, auditor.password);
});

afterEach((context) => {
  // What the nodes said, for a failure's diagnosis.
  if (context.task.result?.state === "fail") console.error([...(nodeA?.output ?? []), ...(nodeB?.output ?? [])].slice(-80).join(""));
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([nodeA?.stop(), nodeB?.stop()]);
  await closeDb();
  await s3?.stop();
  if (nodeA) await removeNodeData(nodeA);
  if (nodeB) await removeNodeData(nodeB);
  if (work) await rm(work, { recursive: true, force: true });
});

describe("two nodes, one database, one S3-compatible store", () => {
  it("both nodes register with a heartbeat, and Settings > Cluster shows them", async () => {
    const rows = await db.select().from(clusterNodes);
    expect(rows.map((r) => r.name).sort()).toEqual(["node-a", "node-b"]);
    expect(rows.every((r) => r.workerRunning && r.storeOk && r.storage.startsWith("s3:"))).toBe(true);
    const page = await browser.newPage();
    await signIn(page, nodeA.url, admin.email, admin.password);
    await page.goto(`${nodeA.url}/settings/cluster`);
    await page.locator('[data-testid=cluster-nodes] tr[data-node="node-b"]').waitFor();
    expect(await page.locator("[data-testid=store-health]").getAttribute("data-ok")).toBe("1");
    await page.close();
  });

  it("a recording sent to node A plays and seeks on node B, and its export downloads from either node", async () => {
    const hash = `c${randomBytes(8).toString("hex")}`;
    await start(hash);
    const chunks = splitInto(media, 6);
    for (const [seq, chunk] of chunks.entries()) expect((await api.putChunk(hash, seq, chunk)).status).toBe(201);
    // Acknowledged means in the shared store.
    const recording = (await recordingOf(hash))!;
    expect(recording.receivedBy).toBe("node-a");
    for (const [seq, chunk] of chunks.entries()) expect((await readStored(storageKeys.chunk(recording.id, seq))).equals(chunk)).toBe(true);
    await api.finish(hash, { endedAt: new Date().toISOString(), totalChunks: chunks.length, mediaSha256: sha256Hex(media) });
    await waitFor("the probe", async () => (await recordingOf(hash))?.status === "ready");

    await playOnB(hash, 12);
    const played = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "session.played"), eq(auditLog.targetId, hash)));
    expect(played.length).toBeGreaterThan(0);
    // The bytes B served are the playable file in the store.
    const playable = (await recordingOf(hash))!;
    const generation = (playable.playlist as { generation: string }).generation;
    const segment = await pageB.request.get(`${nodeB.url}/api/sessions/${hash}/hls/v/${generation}/media.mp4`, { headers: { Range: "bytes=1000-9999" } });
    expect(segment.status()).toBe(206);
    expect((await segment.body()).equals((await readStored(playable.playableKey!)).subarray(1000, 10_000))).toBe(true);

    // The export, asked for on B, converted by whichever worker, downloads on both nodes.
    await pageB.goto(`${nodeB.url}/sessions/${hash}/download`);
    await pageB.getByRole("button", { name: "Generate video for download" }).click();
    const done = await waitFor("the export", async () => {
      const [row] = await db.select().from(videoExports).where(eq(videoExports.status, "done"));
      return row;
    });
    const inStore = await readStored(done.storageKey!);
    for (const url of [nodeB.url, nodeA.url]) {
      const res = await pageB.request.get(`${url}/api/exports/${done.id}/download`);
      expect(res.status()).toBe(200);
      expect((await res.body()).equals(inStore)).toBe(true);
    }
    const downloads = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "session.downloaded"), eq(auditLog.targetId, hash)));
    expect(downloads).toHaveLength(2);
  });

  it("while the store is down node A still acknowledges; node B shows Synchronizing with the counts, then plays once the store is back", async () => {
    const hash = `s${randomBytes(8).toString("hex")}`;
    await start(hash);
    const chunks = splitInto(media, 5);
    await api.putChunk(hash, 0, chunks[0]!);
    await s3.pause();
    let resumed = false;
    try {
      for (let seq = 1; seq < chunks.length; seq++) expect((await api.putChunk(hash, seq, chunks[seq]!)).status).toBe(201);
      const finished = await api.finish(hash, { endedAt: new Date().toISOString(), totalChunks: chunks.length, mediaSha256: sha256Hex(media) });
      expect(finished.body.recording?.status).toBe("processing");
      const recording = (await recordingOf(hash))!;
      const held = await db
        .select()
        .from(recordingChunks)
        .where(and(eq(recordingChunks.recordingId, recording.id), eq(recordingChunks.heldBy, "node-a")));
      expect(held.map((c) => c.seq).sort()).toEqual([1, 2, 3, 4]);
      const heldBytes = chunks.slice(1).reduce((n, c) => n + c.length, 0);

      await pageB.goto(`${nodeB.url}/sessions/${hash}/play`);
      const waiting = pageB.locator('[data-state=synchronizing] li[data-node="node-a"]');
      await waiting.waitFor({ timeout: 30_000 });
      expect(await waiting.getAttribute("data-chunks")).toBe("4");
      expect(await waiting.getAttribute("data-bytes")).toBe(String(heldBytes));
      expect(await waiting.textContent()).toMatch(/Waiting on node node-a.*4 chunks.*still to copy, since/);
      // An admin on node B sees the same under Settings > Cluster: node A's chunks waiting, and this recording synchronizing.
      const adminPage = await browser.newPage();
      await signIn(adminPage, nodeB.url, admin.email, admin.password);
      await adminPage.goto(`${nodeB.url}/settings/cluster`);
      expect(await adminPage.locator('[data-testid=cluster-nodes] tr[data-node="node-a"]').getAttribute("data-held")).toBe("4");
      const syncRow = adminPage.locator(`[data-testid=cluster-synchronizing] tr[data-session="${hash}"]`);
      expect(await syncRow.textContent()).toMatch(/node-a.*4 \(/);
      await adminPage.close();
      // The store is back; nobody touches anything: node A copies, a worker assembles and probes, B's page updates itself.
      await s3.resume();
      resumed = true;
      await pageB.locator("video").waitFor({ timeout: 120_000 });
    } finally {
      if (!resumed) await s3.resume();
    }
    await pageB.waitForFunction(() => (document.querySelector("video")?.readyState ?? 0) >= 2, undefined, { timeout: 60_000 });
    const recording = (await recordingOf(hash))!;
    expect(recording.integrityStatus).toBe("verified");
    expect((await readStored(storageKeys.media(recording.id))).equals(media)).toBe(true);
    expect((await db.select().from(recordingChunks).where(eq(recordingChunks.recordingId, recording.id))).every((c) => c.heldBy === null)).toBe(true);
  });

  it("node A killed with SIGKILL right after acknowledging chunks loses none: the recording verifies and plays from node B", async () => {
    const hash = `k${randomBytes(8).toString("hex")}`;
    await start(hash);
    const chunks = splitInto(media, 8);
    for (const [seq, chunk] of chunks.entries()) await api.putChunk(hash, seq, chunk);
    nodeA.kill();
    await waitFor("node A to die", async () => nodeA.web.signalCode !== null || nodeA.web.exitCode !== null, 10_000);
    const recording = (await recordingOf(hash))!;
    for (const [seq, chunk] of chunks.entries()) expect((await readStored(storageKeys.chunk(recording.id, seq))).equals(chunk)).toBe(true);
    // The proxy fails over to node B and finishes there.
    const viaB = new IngestClient(nodeB.url, api.token);
    const status = await viaB.status(hash);
    expect(status.body.recording?.nextSeq).toBe(chunks.length);
    await viaB.finish(hash, { endedAt: new Date().toISOString(), totalChunks: chunks.length, mediaSha256: sha256Hex(media) });
    await waitFor("the probe on node B", async () => (await recordingOf(hash))?.status === "ready");
    expect((await recordingOf(hash))?.integrityStatus).toBe("verified");
    await playOnB(hash, 6);
  });
});
