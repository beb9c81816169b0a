import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeFileHashed } from "@/lib/storage/file-writer";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "sv-writer-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

async function* piecesOf(bytes: Buffer, sizes: () => number) {
  for (let offset = 0; offset < bytes.length;) {
    const n = Math.min(sizes(), bytes.length - offset);
    yield bytes.subarray(offset, offset + n);
    offset += n;
  }
}

describe("file writer thread", () => {
  it("writes pieces of any size, across its buffers, and returns their size and SHA-256", async () => {
    const bytes = randomBytes(3.5 * 1024 * 1024 + 17);
    const file = path.join(dir, "a");
    let i = 0;
    const sizes = [1, 65_536, 1_048_576, 3, 2_000_000, 70_001];
    const result = await writeFileHashed(
      file,
      piecesOf(bytes, () => sizes[i++ % sizes.length]!),
    );
    expect(result).toEqual({ size: bytes.length, sha256: sha256(bytes) });
    expect((await readFile(file)).equals(bytes)).toBe(true);
  });

  it("copies the caller's pieces and leaves them as they were", async () => {
    const piece = Buffer.from(randomBytes(300_000));
    const original = Buffer.from(piece);
    async function* sameBufferFiveTimes() {
      for (let i = 0; i < 5; i++) yield piece;
    }
    const file = path.join(dir, "b");
    const result = await writeFileHashed(file, sameBufferFiveTimes());
    expect(piece.equals(original)).toBe(true); // neither changed nor handed away
    const expected = Buffer.concat(Array.from({ length: 5 }, () => original));
    expect(result).toEqual({ size: expected.length, sha256: sha256(expected) });
    expect((await readFile(file)).equals(expected)).toBe(true);
  });

  it("keeps concurrent writes apart, more of them than threads", async () => {
    const bodies = Array.from({ length: 7 }, (_, i) => randomBytes(1_500_000 + i * 1000));
    const results = await Promise.all(
      bodies.map((bytes, i) =>
        writeFileHashed(
          path.join(dir, `c${i}`),
          piecesOf(bytes, () => 65_536),
        ),
      ),
    );
    for (const [i, bytes] of bodies.entries()) {
      expect(results[i]).toEqual({ size: bytes.length, sha256: sha256(bytes) });
      expect((await readFile(path.join(dir, `c${i}`))).equals(bytes)).toBe(true);
    }
  });

  it("never overwrites a file: an existing path fails with EEXIST and keeps its bytes", async () => {
    const file = path.join(dir, "d");
    await writeFile(file, "already here");
    await expect(
      writeFileHashed(
        file,
        piecesOf(randomBytes(5_000_000), () => 65_536),
      ),
    ).rejects.toMatchObject({ code: "EEXIST" });
    expect(await readFile(file, "utf8")).toBe("already here");
  });

  it("removes the file when the body fails with bytes on their way, and the thread goes on working", async () => {
    async function* failsLate() {
      for (let i = 0; i < 80; i++) yield randomBytes(65_536); // 5 MiB: more than the buffers a write may hold
      throw new Error("client went away");
    }
    await expect(writeFileHashed(path.join(dir, "e"), failsLate())).rejects.toThrow("client went away");
    expect(await readdir(dir)).toEqual([]);

    await expect(
      writeFileHashed(
        path.join(dir, "missing", "f"),
        piecesOf(randomBytes(10), () => 10),
      ),
    ).rejects.toMatchObject({
      code: "ENOENT",
    });
    const bytes = randomBytes(2_000_000);
    expect(
      await writeFileHashed(
        path.join(dir, "g"),
        piecesOf(bytes, () => 65_536),
      ),
    ).toEqual({ size: bytes.length, sha256: sha256(bytes) });
  });

  it("writes strings as UTF-8 and other typed arrays as their bytes, as Node's streams do; refuses anything else", async () => {
    // Readable.from(["text"]) yields strings: the playback progress file is written that way.
    const words = new Uint16Array([0x6548, 0x6c6c]);
    const file = path.join(dir, "mixed");
    async function* mixed() {
      yield '{"progress":0.5} ';
      yield Buffer.from("é ");
      yield words;
    }
    const expected = Buffer.concat([Buffer.from('{"progress":0.5} é '), Buffer.from(words.buffer)]);
    await expect(writeFileHashed(file, mixed())).resolves.toEqual({ size: expected.length, sha256: sha256(expected) });
    expect((await readFile(file)).equals(expected)).toBe(true);

    async function* notBytes() {
      yield "ok";
      yield { not: "bytes" } as unknown as string;
    }
    await expect(writeFileHashed(path.join(dir, "refused"), notBytes())).rejects.toThrow(/neither bytes nor a string \(object\)/);
    expect(await readdir(dir)).toEqual(["mixed"]);
  });

  it("writes an empty body as an empty file", async () => {
    const file = path.join(dir, "h");
    async function* nothing(): AsyncGenerator<Uint8Array> {}
    expect(await writeFileHashed(file, nothing())).toEqual({ size: 0, sha256: sha256(new Uint8Array()) });
    expect((await readFile(file)).length).toBe(0);
  });
});
