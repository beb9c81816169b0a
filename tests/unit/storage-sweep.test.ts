/**
 * A crash in the middle of a write leaves its partial file; the sweep that
 * workers run (job sweep-unfinished-writes) removes those no write has
 * touched for an hour, and nothing else.
 */
import { mkdir, readdir, rm, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

const root = vi.hoisted(() => {
  const dir = `/tmp/sv-sweep-${process.pid}-${Date.now()}`;
  process.env.DATA_DIR = dir;
  return dir;
});

import { HANDLERS } from "@/lib/worker/handlers";

const recordings = path.join(root, "recordings");
beforeEach(async () => {
  await mkdir(path.join(recordings, "recordings", "7", "chunks"), { recursive: true });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function file(rel: string, ageMinutes: number) {
  const full = path.join(recordings, rel);
  await writeFile(full, "bytes");
  const at = new Date(Date.now() - ageMinutes * 60_000);
  await utimes(full, at, at);
}

describe("sweeping partial files left by a crash", () => {
  it("removes partial files untouched for an hour, keeps fresh ones and every finished object", async () => {
    await file("recordings/7/chunks/00000003.0123456789ab.partial", 90); // a crash during an upload
    await file("recordings/7/media.fedcba987654.partial", 24 * 60); // a crash during an assembly
    await file("recordings/7/chunks/00000004.aaaaaaaaaaaa.partial", 5); // an upload in progress
    await file("recordings/7/chunks/00000003", 90); // acknowledged chunks
    await file("recordings/7/notes.partial", 90); // not a partial file of ours
    const sweep = HANDLERS.find((h) => h.job.name === "sweep-unfinished-writes");
    expect(sweep?.job.schedule).toBeDefined();
    await sweep!.handle({} as never, {} as never);
    expect((await readdir(path.join(recordings, "recordings/7/chunks"))).sort()).toEqual(["00000003", "00000004.aaaaaaaaaaaa.partial"]);
    expect((await readdir(path.join(recordings, "recordings/7"))).sort()).toEqual(["chunks", "notes.partial"]);
  });
});
