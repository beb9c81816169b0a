/**
 * The node's block cache of a shared store forgets what another node
 * deleted: by prefix, or all of it, including blocks whose fetch was still
 * under way when the forget came (they would otherwise be cached after it).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BlockCache } from "@/lib/storage/cache";

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "sv-cache-"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const fetcher = (fill: number) => async (start: number, end: number) => Buffer.alloc(end - start + 1, fill);

describe("forgetting a deleted recording's blocks", () => {
  it("drops every block under a prefix and keeps the others; with no prefix, all of them", async () => {
    const cache = new BlockCache(path.join(work, "a"), 16 * 1024 * 1024, 1024);
    await cache.read("recordings/1/media", { start: 0, end: 4095 }, fetcher(1));
    await cache.read("recordings/1/chunks/00000000", { start: 0, end: 99 }, fetcher(1));
    await cache.read("recordings/12/media", { start: 0, end: 99 }, fetcher(2));
    cache.invalidatePrefix("recordings/1/");
    expect(cache.holds("recordings/1/")).toBe(false);
    expect(cache.holds("recordings/12/")).toBe(true);
    // A read after the forget asks the store again.
    let asked = 0;
    await cache.read("recordings/1/media", { start: 0, end: 99 }, async (s, e) => (asked++, fetcher(3)(s, e)));
    expect(asked).toBe(1);
    cache.invalidatePrefix();
    expect(cache.size).toBe(0);
  });

  it("does not keep what a fetch under way brings back after a forget", async () => {
    const cache = new BlockCache(path.join(work, "b"), 16 * 1024 * 1024, 1024);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const reading = cache.read("recordings/5/media", { start: 0, end: 99 }, async (s, e) => {
      await gate;
      return fetcher(9)(s, e);
    });
    await new Promise((r) => setTimeout(r, 20));
    cache.invalidatePrefix("recordings/5/");
    release();
    expect((await reading).length).toBe(100);
    expect(cache.holds("recordings/5/")).toBe(false);
  });
});
