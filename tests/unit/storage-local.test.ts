import { createHash } from "node:crypto";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LocalDiskStorage } from "@/lib/storage/local";

let root: string;
let storage: LocalDiskStorage;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "sv-storage-"));
  storage = new LocalDiskStorage(root);
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("local disk storage", () => {
  it("reads a range whole (an HLS segment in one read) and refuses one past the end", async () => {
    const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 251));
    await storage.write("recordings/1/playable.mp4", Readable.from([bytes]));
    expect((await storage.readRange("recordings/1/playable.mp4", { start: 1000, end: 65_999 })).equals(bytes.subarray(1000, 66_000))).toBe(true);
    await expect(storage.readRange("recordings/1/playable.mp4", { start: 69_000, end: 70_500 })).rejects.toThrow(/ends before/);
  });

  it("stages a write unseen until it is committed, and a discarded one leaves the key as it was", async () => {
    await storage.write("recordings/3/chunks/00000000", Readable.from([Buffer.from("first")]));
    const staged = await storage.stage("recordings/3/chunks/00000000", Readable.from([Buffer.from("sec"), Buffer.from("ond")]));
    expect(staged.size).toBe(6);
    expect(staged.sha256).toBe(createHash("sha256").update("second").digest("hex"));
    const read = async () => Buffer.concat(await (await storage.read("recordings/3/chunks/00000000")).toArray()).toString();
    // Staged: the old bytes are still the object's; list shows the key once.
    expect(await read()).toBe("first");
    const keys: string[] = [];
    for await (const object of storage.list("recordings/3/chunks/")) keys.push(object.key);
    expect(keys).toEqual(["recordings/3/chunks/00000000"]);
    await staged.commit();
    await staged.discard(); // after a commit: nothing to drop
    expect(await read()).toBe("second");

    const dropped = await storage.stage("recordings/3/chunks/00000000", Readable.from([Buffer.from("third")]));
    await dropped.discard();
    expect(await read()).toBe("second");
    expect(await readdir(path.join(root, "recordings", "3", "chunks"))).toEqual(["00000000"]);
  });

  it("writes a stream of strings as UTF-8 (the playback progress file is written so)", async () => {
    await storage.write("recordings/4/playable.progress.json", Readable.from([JSON.stringify({ progress: 0.5 })]));
    const text = Buffer.concat(await (await storage.read("recordings/4/playable.progress.json")).toArray()).toString("utf8");
    expect(JSON.parse(text)).toEqual({ progress: 0.5 });
  });

  it("leaves nothing behind when the body fails mid-way", async () => {
    async function* broken() {
      yield Buffer.from("some bytes");
      throw new Error("client went away");
    }
    await expect(storage.stage("recordings/4/chunks/00000001", broken())).rejects.toThrow("client went away");
    expect(await readdir(path.join(root, "recordings", "4", "chunks"))).toEqual([]);
  });

  it("discards what killed writes of a key left, and nothing else", async () => {
    await storage.write("recordings/7/media", Readable.from([Buffer.from("whole")]));
    const dir = path.join(root, "recordings", "7");
    // What write() leaves when its process dies mid-way, next to files that are not its own.
    await writeFile(path.join(dir, "media.0123456789ab.partial"), "half");
    await writeFile(path.join(dir, "media.ba9876543210.partial"), "half");
    await writeFile(path.join(dir, "media-other.0123456789ab.partial"), "another key's");
    await writeFile(path.join(dir, "media.notes"), "not a partial");
    expect(await storage.discardUnfinished("recordings/7/media")).toBe(2);
    expect((await readdir(dir)).sort()).toEqual(["media", "media-other.0123456789ab.partial", "media.notes"]);
    expect(await storage.discardUnfinished("recordings/8/media")).toBe(0); // no folder yet
  });
});
