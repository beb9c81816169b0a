import { randomBytes } from "node:crypto";
import { createReadStream, type Dirent } from "node:fs";
import { copyFile, mkdir, open, readdir, rename, rm, stat, unlink } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { writeFileHashed } from "./file-writer";
import { assertKey } from "./keys";
import type { StagedObject, Storage, StoredObject } from "./types";

/** Makes a rename in `dir` durable: the new name survives a crash of the machine, not only the file's bytes. */
async function syncDirectory(dir: string) {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The temporary file a write of `target` fills before it is renamed into place. */
function partialPath(target: string): string {
  return `${target}.${randomBytes(6).toString("hex")}.partial`;
}
/** Whether a file name in a key's folder is a partial file of the key named `base` (see partialPath). */
const isPartialOf = (base: string, name: string) => name.startsWith(`${base}.`) && /^[0-9a-f]{12}\.partial$/.test(name.slice(base.length + 1));

/** Storage on the local disk under `root` (./data/recordings by default). */
export class LocalDiskStorage implements Storage {
  readonly kind = "local" as const;
  readonly held = null;
  readonly lock = null;

  constructor(readonly root: string) {}

  describe(): string {
    return `local disk at ${this.root}`;
  }

  async health(): Promise<{ ok: boolean; latencyMs: number; error: string | null }> {
    const started = performance.now();
    try {
      await mkdir(this.root, { recursive: true });
      return { ok: true, latencyMs: Math.round(performance.now() - started), error: null };
    } catch (error) {
      return { ok: false, latencyMs: Math.round(performance.now() - started), error: (error as Error).message };
    }
  }

  private file(key: string): string {
    return path.join(this.root, ...assertKey(key).split("/"));
  }

  async write(key: string, body: AsyncIterable<Uint8Array>): Promise<{ size: number; sha256: string }> {
    const staged = await this.stage(key, body);
    await staged.commit();
    return { size: staged.size, sha256: staged.sha256 };
  }

  async stage(key: string, body: AsyncIterable<Uint8Array>): Promise<StagedObject> {
    const target = this.file(key);
    const dir = path.dirname(target);
    await mkdir(dir, { recursive: true });
    const temp = partialPath(target);
    // Hashed, written and fsynced on a worker thread (see file-writer.ts), which removes the file on any failure.
    const { size, sha256 } = await writeFileHashed(temp, body);
    let settled = false;
    return {
      size,
      sha256,
      commit: async () => {
        // A rename within one folder is atomic: readers see the old object or the new one.
        await rename(temp, target);
        settled = true;
        await syncDirectory(dir);
      },
      discard: async () => {
        if (settled) return;
        settled = true;
        await rm(temp, { force: true });
      },
    };
  }

  async read(key: string, range?: { start: number; end: number }): Promise<Readable> {
    const file = this.file(key);
    await stat(file); // fail early with ENOENT instead of inside the stream
    return createReadStream(file, range ? { start: range.start, end: range.end } : undefined);
  }

  async readRange(key: string, range: { start: number; end: number }): Promise<Buffer> {
    const handle = await open(this.file(key), "r");
    try {
      const buffer = Buffer.allocUnsafe(range.end - range.start + 1);
      let filled = 0;
      while (filled < buffer.length) {
        const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, range.start + filled);
        if (bytesRead === 0) throw new RangeError(`${key} ends before byte ${range.end}`);
        filled += bytesRead;
      }
      return buffer;
    } finally {
      await handle.close();
    }
  }

  async stat(key: string): Promise<StoredObject | null> {
    try {
      const s = await stat(this.file(key));
      return s.isFile() ? { key, size: s.size, modifiedAt: s.mtime } : null;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
  }

  async discardUnfinished(key: string): Promise<number> {
    const target = this.file(key);
    let names: string[];
    try {
      names = await readdir(path.dirname(target));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return 0;
      throw error;
    }
    const unfinished = names.filter((name) => isPartialOf(path.basename(target), name));
    for (const name of unfinished) await rm(path.join(path.dirname(target), name), { force: true });
    return unfinished.length;
  }

  async discardStaleUnfinished(olderThanMs: number): Promise<number> {
    const before = Date.now() - olderThanMs;
    let removed = 0;
    const walk = async (dir: string) => {
      let entries: Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
        throw error;
      }
      for (const entry of entries) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) await walk(full);
        else if (entry.isFile() && /\.[0-9a-f]{12}\.partial$/.test(entry.name)) {
          const s = await stat(full).catch(() => null);
          if (s && s.mtimeMs < before) {
            await rm(full, { force: true });
            removed++;
          }
        }
      }
    };
    await walk(this.root);
    return removed;
  }

  async delete(key: string): Promise<void> {
    await unlink(this.file(key)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOENT") throw error;
    });
  }

  /** This disk is the store: nothing is cached. */
  forgetCached(): void {}

  async *list(prefix: string): AsyncIterable<StoredObject> {
    const dir = prefix.endsWith("/") ? prefix.slice(0, -1) : path.posix.dirname(prefix);
    const base = path.join(this.root, ...dir.split("/").filter(Boolean));
    let entries: string[];
    try {
      entries = (await readdir(base)).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
      throw error;
    }
    for (const name of entries) {
      if (name.endsWith(".partial")) continue;
      const key = dir ? `${dir}/${name}` : name;
      if (!key.startsWith(prefix)) continue;
      const s = await stat(path.join(base, name));
      if (s.isFile()) yield { key, size: s.size, modifiedAt: s.mtime };
      else if (s.isDirectory()) yield* this.list(`${key}/`);
    }
  }

  async localPath(key: string): Promise<{ path: string; release: () => Promise<void> }> {
    const file = this.file(key);
    await stat(file);
    return { path: file, release: async () => {} };
  }

  async importFile(key: string, file: string): Promise<{ size: number }> {
    const target = this.file(key);
    await mkdir(path.dirname(target), { recursive: true });
    const temp = partialPath(target);
    try {
      await rename(file, temp);
    } catch (error) {
      // Across file systems (e.g. /tmp to ./data) a rename fails: copy instead.
      if ((error as NodeJS.ErrnoException).code !== "EXDEV") throw error;
      await copyFile(file, temp);
      await rm(file, { force: true });
    }
    await rename(temp, target);
    await syncDirectory(path.dirname(target));
    return { size: (await stat(target)).size };
  }
}
