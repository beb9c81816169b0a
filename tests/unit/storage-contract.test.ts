/**
 * The Storage contract, run against both backends: the local disk, and the S3
 * backend against a real S3-speaking HTTP server (lib/cli/local-s3.ts). Bytes
 * are compared exactly.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalS3, type LocalS3 } from "@/lib/cli/local-s3";
import { createS3Storage } from "@/lib/storage";
import { LocalDiskStorage } from "@/lib/storage/local";
import type { S3Storage } from "@/lib/storage/s3";
import type { Storage } from "@/lib/storage/types";

let s3: LocalS3;
let work: string;
const backends: Record<string, () => Storage> = {};
let s3Storage: S3Storage;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "sv-contract-"));
  s3 = await startLocalS3({ bucket: "contract" });
  s3Storage = createS3Storage(
    { endpoint: s3.endpoint, region: "us-east-1", bucket: "contract", prefix: "t/", accessKeyId: "a", secretAccessKey: "b", forcePathStyle: true },
    path.join(work, "s3-node"),
    { cacheBytes: 4 * 1024 * 1024 },
  );
  const local = new LocalDiskStorage(path.join(work, "local"));
  backends.local = () => local;
  backends.s3 = () => s3Storage;
});
afterAll(async () => {
  await s3?.stop();
  await rm(work, { recursive: true, force: true });
});

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const readAll = async (storage: Storage, key: string, range?: { start: number; end: number }) =>
  Buffer.concat((await (await storage.read(key, range)).toArray()) as Buffer[]);

describe.each(["local", "s3"])("storage contract: %s", (name) => {
  const storage = () => backends[name]!();

  it("writes and reads back exactly the bytes, whole and by ranges (first byte, last byte, middle)", async () => {
    const bytes = randomBytes(300_000);
    const written = await storage().write("recordings/1/media", Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]));
    expect(written).toEqual({ size: 300_000, sha256: sha(bytes) });
    expect((await readAll(storage(), "recordings/1/media")).equals(bytes)).toBe(true);
    expect((await readAll(storage(), "recordings/1/media", { start: 0, end: 0 })).equals(bytes.subarray(0, 1))).toBe(true);
    expect((await readAll(storage(), "recordings/1/media", { start: 299_999, end: 299_999 })).equals(bytes.subarray(299_999))).toBe(true);
    expect((await storage().readRange("recordings/1/media", { start: 1234, end: 99_999 })).equals(bytes.subarray(1234, 100_000))).toBe(true);
    expect((await storage().stat("recordings/1/media"))?.size).toBe(300_000);
    await expect(storage().readRange("recordings/1/media", { start: 299_000, end: 300_500 })).rejects.toThrow(/ends before/);
  });

  it("streams a large object in and out (multipart on S3) byte for byte", async () => {
    const bytes = randomBytes(21 * 1024 * 1024 + 333);
    async function* pieces() {
      for (let i = 0; i < bytes.length; i += 64 * 1024) yield bytes.subarray(i, i + 64 * 1024);
    }
    const written = await storage().write("recordings/2/media", pieces());
    expect(written.sha256).toBe(sha(bytes));
    const back = await readAll(storage(), "recordings/2/media");
    expect(back.length).toBe(bytes.length);
    expect(back.equals(bytes)).toBe(true);
    const middle = await readAll(storage(), "recordings/2/media", { start: 9 * 1024 * 1024 - 5, end: 17 * 1024 * 1024 });
    expect(middle.equals(bytes.subarray(9 * 1024 * 1024 - 5, 17 * 1024 * 1024 + 1))).toBe(true);
  });

  it("stages a write unseen until committed; a discarded one leaves the key as it was", async () => {
    await storage().write("recordings/3/chunks/00000000", Readable.from([Buffer.from("first")]));
    const staged = await storage().stage("recordings/3/chunks/00000000", Readable.from([Buffer.from("sec"), Buffer.from("ond")]));
    expect(staged.sha256).toBe(sha(Buffer.from("second")));
    expect((await readAll(storage(), "recordings/3/chunks/00000000")).toString()).toBe("first");
    await staged.commit();
    await staged.discard();
    expect((await readAll(storage(), "recordings/3/chunks/00000000")).toString()).toBe("second");
    const dropped = await storage().stage("recordings/3/chunks/00000000", Readable.from([Buffer.from("third")]));
    await dropped.discard();
    expect((await readAll(storage(), "recordings/3/chunks/00000000")).toString()).toBe("second");
  });

  it("lists by prefix (past one page of a listing), stats, deletes; a missing object is ENOENT / null", async () => {
    for (let i = 0; i < 12; i++) await storage().write(`recordings/4/chunks/${String(i).padStart(8, "0")}`, Readable.from([Buffer.from(`c${i}`)]));
    await storage().write("recordings/40/media", Readable.from([Buffer.from("other recording")]));
    const keys: string[] = [];
    for await (const o of storage().list("recordings/4/chunks/")) keys.push(o.key);
    expect(keys.sort()).toEqual(Array.from({ length: 12 }, (_, i) => `recordings/4/chunks/${String(i).padStart(8, "0")}`));
    await storage().delete("recordings/4/chunks/00000003");
    await storage().delete("recordings/4/chunks/00000003"); // twice: no error
    expect(await storage().stat("recordings/4/chunks/00000003")).toBeNull();
    await expect(storage().read("recordings/4/chunks/00000003")).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("hands ffmpeg a local file and imports a finished one", async () => {
    const bytes = randomBytes(50_000);
    await storage().write("recordings/5/media", Readable.from([bytes]));
    const local = await storage().localPath("recordings/5/media");
    expect((await readFile(local.path)).equals(bytes)).toBe(true);
    await local.release();
    const file = path.join(work, `${name}-out.mp4`);
    const out = randomBytes(70_000);
    await writeFile(file, out);
    expect(await storage().importFile("recordings/5/playable-abc123.mp4", file)).toEqual({ size: 70_000 });
    expect((await readAll(storage(), "recordings/5/playable-abc123.mp4")).equals(out)).toBe(true);
    await expect(stat(file)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("sweeps what an unfinished write left once untouched for longer than asked, and nothing else", async () => {
    await storage().write("recordings/11/chunks/00000000", Readable.from([Buffer.from("acknowledged")]));
    const cut = await storage().stage("recordings/11/chunks/00000001", Readable.from([Buffer.from("never committed")]));
    expect(await storage().discardStaleUnfinished(60 * 60_000)).toBe(0);
    await new Promise((r) => setTimeout(r, 20));
    expect(await storage().discardStaleUnfinished(10)).toBe(1);
    await expect(cut.commit()).rejects.toThrow();
    expect((await readAll(storage(), "recordings/11/chunks/00000000")).toString()).toBe("acknowledged");
    expect(await storage().stat("recordings/11/chunks/00000001")).toBeNull();
  });

  it("writes a stream of strings as UTF-8", async () => {
    await storage().write("recordings/6/playable.progress.json", Readable.from([JSON.stringify({ progress: 0.5 })]));
    expect(JSON.parse((await readAll(storage(), "recordings/6/playable.progress.json")).toString("utf8"))).toEqual({ progress: 0.5 });
  });
});

describe("S3 storage on this node", () => {
  it("serves a second read of a segment from the node's cache, without a request to the store", async () => {
    const bytes = randomBytes(3 * 1024 * 1024);
    await s3Storage.write("recordings/7/playable-g1.mp4", Readable.from([bytes]));
    const gets = () => s3.requests.GET ?? 0;
    const before = gets();
    const first = await s3Storage.readRange("recordings/7/playable-g1.mp4", { start: 100, end: 400_000 });
    expect(first.equals(bytes.subarray(100, 400_001))).toBe(true);
    expect(gets()).toBe(before + 1);
    const again = await s3Storage.readRange("recordings/7/playable-g1.mp4", { start: 5000, end: 300_000 });
    expect(again.equals(bytes.subarray(5000, 300_001))).toBe(true);
    expect(gets()).toBe(before + 1);
    // The last, short block of the object is cached as it is.
    const tail = await s3Storage.readRange("recordings/7/playable-g1.mp4", { start: bytes.length - 10, end: bytes.length - 1 });
    expect(tail.equals(bytes.subarray(bytes.length - 10))).toBe(true);
  });

  it("keeps the cache within its bound, least recently used out, and forgets a deleted key", async () => {
    const objects = [0, 1, 2, 3, 4, 5].map(() => randomBytes(1024 * 1024));
    for (const [i, b] of objects.entries()) await s3Storage.write(`recordings/8/playable-p${i}.mp4`, Readable.from([b]));
    for (let i = 0; i < objects.length; i++) await s3Storage.readRange(`recordings/8/playable-p${i}.mp4`, { start: 0, end: 1000 });
    const cache = (s3Storage as unknown as { cache: { size: number; maxBytes: number } }).cache;
    expect(cache.size).toBeLessThanOrEqual(cache.maxBytes);
    const before = s3.requests.GET ?? 0;
    await s3Storage.readRange("recordings/8/playable-p0.mp4", { start: 0, end: 1000 }); // evicted: fetched again
    expect(s3.requests.GET).toBe(before + 1);
    await s3Storage.readRange("recordings/8/playable-p5.mp4", { start: 0, end: 1000 }); // recent: cached
    expect(s3.requests.GET).toBe(before + 1);
    await s3Storage.delete("recordings/8/playable-p5.mp4");
    await expect(s3Storage.readRange("recordings/8/playable-p5.mp4", { start: 0, end: 1000 })).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("holds a staged chunk on this node when the store is down, reads it here, and pushes it when the store is back", async () => {
    const bytes = randomBytes(200_000);
    const staged = await s3Storage.stage("recordings/9/chunks/00000000", Readable.from([bytes]));
    await s3.pause();
    try {
      const failed = await staged.commit().then(
        () => null,
        (error: unknown) => error,
      );
      expect(failed).toMatchObject({ name: "StoreError", detail: { kind: "unreachable" } });
      await staged.hold!();
      await staged.discard(); // held: nothing to drop
      expect(await s3Storage.held.has("recordings/9/chunks/00000000")).toBe(true);
      expect((await readAll(s3Storage, "recordings/9/chunks/00000000")).equals(bytes)).toBe(true);
      await expect(s3Storage.held.push("recordings/9/chunks/00000000", { size: bytes.length, sha256: sha(bytes) })).rejects.toMatchObject({
        name: "StoreError",
      });
    } finally {
      await s3.resume();
    }
    await s3Storage.held.push("recordings/9/chunks/00000000", { size: bytes.length, sha256: sha(bytes) });
    expect(await s3Storage.held.has("recordings/9/chunks/00000000")).toBe(false);
    expect((await readAll(s3Storage, "recordings/9/chunks/00000000")).equals(bytes)).toBe(true);
    // Pushed again (a push cut short before its row said so): the store has it, nothing to do.
    await s3Storage.held.push("recordings/9/chunks/00000000", { size: bytes.length, sha256: sha(bytes) });
  });

  it("checks the bucket at start and names a wrong one", async () => {
    await s3Storage.checkAccess("test-node");
    const wrong = createS3Storage(
      { endpoint: s3.endpoint, region: "us-east-1", bucket: "no-such-bucket", prefix: "", accessKeyId: "a", secretAccessKey: "b", forcePathStyle: true },
      path.join(work, "wrong-node"),
      { cacheBytes: 0 },
    );
    await expect(wrong.checkAccess("test-node")).rejects.toThrow(/no-such-bucket.*does not exist/);
  });
});
