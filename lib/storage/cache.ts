import { createHash } from "node:crypto";
import { mkdir, open, readdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";

/** Blocks of 1 MiB: an HLS segment of screen recording is a few hundred KB, so one fetch usually serves a few. */
export const CACHE_BLOCK = 1024 * 1024;

type Entry = { file: string; size: number; key: string; index: number };

/**
 * This node's cache of immutable objects read from a remote store: the
 * objects are cut into fixed blocks kept as files under `dir`, at most
 * `maxBytes` of them, the least recently used going first. A seek within a
 * recording already played here reads this disk instead of paying a round
 * trip to the store again. Only for keys whose bytes never change once
 * written (chunks, assembled media, playable files named by generation);
 * `invalidate` drops a deleted key's blocks.
 *
 * The index is in memory and the folder is this process's own (emptied at
 * start), so nothing read from it can predate a deletion seen here.
 */
export class BlockCache {
  /** Least recently used first (a Map iterates in insertion order; a hit re-inserts). */
  private readonly entries = new Map<string, Entry>();
  private readonly byKey = new Map<string, Set<string>>();
  private readonly inFlight = new Map<string, Promise<Buffer>>();
  private bytes = 0;
  /** Counts forgets: a fetch that began before one does not store what it brings back. */
  private epoch = 0;
  private ready: Promise<void> | undefined;
  hits = 0;
  misses = 0;

  constructor(
    readonly dir: string,
    readonly maxBytes: number,
    readonly blockSize = CACHE_BLOCK,
  ) {}

  private init(): Promise<void> {
    this.ready ??= (async () => {
      await rm(this.dir, { recursive: true, force: true });
      await mkdir(this.dir, { recursive: true });
    })();
    return this.ready;
  }

  get size(): number {
    return this.bytes;
  }

  private id(key: string, index: number) {
    return `${key}#${index}`;
  }

  private async readEntry(entry: Entry): Promise<Buffer | null> {
    try {
      const handle = await open(entry.file, "r");
      try {
        const buffer = Buffer.allocUnsafe(entry.size);
        let filled = 0;
        while (filled < entry.size) {
          const { bytesRead } = await handle.read(buffer, filled, entry.size - filled, filled);
          if (bytesRead === 0) return null;
          filled += bytesRead;
        }
        return buffer;
      } finally {
        await handle.close();
      }
    } catch {
      return null;
    }
  }

  private touch(id: string, entry: Entry) {
    this.entries.delete(id);
    this.entries.set(id, entry);
  }

  private async store(key: string, index: number, bytes: Buffer) {
    if (bytes.length === 0 || bytes.length > this.maxBytes) return;
    const id = this.id(key, index);
    if (this.entries.has(id)) return;
    const file = path.join(this.dir, `${createHash("sha1").update(id).digest("hex")}.blk`);
    await writeFile(file, bytes);
    const entry = { file, size: bytes.length, key, index };
    this.entries.set(id, entry);
    let ids = this.byKey.get(key);
    if (!ids) this.byKey.set(key, (ids = new Set()));
    ids.add(id);
    this.bytes += bytes.length;
    while (this.bytes > this.maxBytes) {
      const [oldId, old] = this.entries.entries().next().value as [string, Entry];
      this.drop(oldId, old);
    }
  }

  private drop(id: string, entry: Entry) {
    this.entries.delete(id);
    this.byKey.get(entry.key)?.delete(id);
    if (this.byKey.get(entry.key)?.size === 0) this.byKey.delete(entry.key);
    this.bytes -= entry.size;
    void rm(entry.file, { force: true });
  }

  /** Forgets every block of `key` (it was deleted or replaced). */
  invalidate(key: string) {
    for (const id of [...(this.byKey.get(key) ?? [])]) {
      const entry = this.entries.get(id);
      if (entry) this.drop(id, entry);
    }
  }

  /** Forgets every block of every key under `prefix`, or of every key (another node deleted them). */
  invalidatePrefix(prefix = "") {
    this.epoch++;
    for (const key of [...this.byKey.keys()]) if (key.startsWith(prefix)) this.invalidate(key);
  }

  /** Whether any block of a key under `prefix` is cached here. */
  holds(prefix: string): boolean {
    for (const key of this.byKey.keys()) if (key.startsWith(prefix)) return true;
    return false;
  }

  /**
   * Bytes [start, end] of `key`: blocks already here are read from disk, the
   * missing ones are fetched with one ranged read per run of consecutive
   * blocks (`fetch` may return fewer bytes than asked at the object's end).
   */
  async read(key: string, range: { start: number; end: number }, fetch: (start: number, end: number) => Promise<Buffer>): Promise<Buffer> {
    await this.init();
    const first = Math.floor(range.start / this.blockSize);
    const last = Math.floor(range.end / this.blockSize);
    const blocks: (Buffer | null)[] = [];
    for (let i = first; i <= last; i++) {
      const id = this.id(key, i);
      const entry = this.entries.get(id);
      const bytes = entry ? await this.readEntry(entry) : null;
      if (entry && bytes) {
        this.touch(id, entry);
        this.hits++;
      } else if (entry) {
        this.drop(id, entry);
      }
      blocks.push(bytes);
    }
    // Fetch each run of missing blocks at once; concurrent readers of the same run share the fetch.
    for (let i = 0; i < blocks.length;) {
      if (blocks[i]) {
        i++;
        continue;
      }
      let j = i;
      while (j + 1 < blocks.length && !blocks[j + 1]) j++;
      const runStart = (first + i) * this.blockSize;
      const runEnd = (first + j + 1) * this.blockSize - 1;
      const flight = `${key}@${runStart}-${runEnd}`;
      let pending = this.inFlight.get(flight);
      const epoch = this.epoch;
      if (!pending) {
        this.misses += j - i + 1;
        pending = fetch(runStart, runEnd).finally(() => this.inFlight.delete(flight));
        this.inFlight.set(flight, pending);
      }
      const fetched = await pending;
      for (let k = i; k <= j; k++) {
        const piece = fetched.subarray((k - i) * this.blockSize, (k - i + 1) * this.blockSize);
        blocks[k] = piece;
        // A short block is the object's last one: cached as it is. Not after a forget that came during the fetch.
        if (epoch === this.epoch) await this.store(key, first + k, Buffer.from(piece)).catch(() => undefined);
      }
      i = j + 1;
    }
    const whole = Buffer.concat(blocks as Buffer[]);
    const from = range.start - first * this.blockSize;
    const length = range.end - range.start + 1;
    if (whole.length < from + length) throw new RangeError(`${key} ends before byte ${range.end}`);
    return whole.subarray(from, from + length);
  }
}

/** Removes cache folders of processes that no longer run (a node killed without stopping). */
export async function removeStaleProcessFolders(parent: string) {
  for (const name of await readdir(parent).catch(() => [] as string[])) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    let alive = true;
    try {
      process.kill(pid, 0);
    } catch (error) {
      alive = (error as NodeJS.ErrnoException).code === "EPERM";
    }
    if (!alive) await rm(path.join(parent, name), { recursive: true, force: true });
  }
}
