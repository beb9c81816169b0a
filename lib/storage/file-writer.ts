import { rm } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";

/**
 * Writes files on worker threads: the SHA-256 and the write calls of a
 * recording's bytes run there, so the event loop that serves the app only
 * copies each piece into a buffer and hands it over. Hashing on the event
 * loop cost about 1 s of it per GiB received, which every other request
 * (a player's segments, a page) waited behind during an upload.
 *
 * Buffers go to the thread and come back (transferred, not copied), a few
 * per file, so memory per write is bounded and nothing is allocated per piece.
 */

/** Bytes handed to the thread at a time. */
const BUFFER_BYTES = 1024 * 1024;
/** Buffers one write may have on the thread: the bound on its memory. */
const BUFFERS_PER_WRITE = 3;
const MAX_THREADS = Math.max(1, Math.min(4, availableParallelism()));
/** Buffers kept between writes, so a write of a chunk allocates (and the kernel zero-fills) nothing. */
const IDLE_BUFFERS = 8;
const idleBuffers: ArrayBuffer[] = [];

// The thread's code: CommonJS with Node's built-ins only, so it runs the same
// from the Next.js bundle and from tsx, with no file to locate at run time.
const THREAD_SOURCE = String.raw`
const { parentPort } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const fs = require("node:fs");

const files = new Map();

function closeAndRemove(file) {
  if (file.fd >= 0) try { fs.closeSync(file.fd); } catch {}
  try { fs.unlinkSync(file.path); } catch {}
}

parentPort.on("message", (message) => {
  const { id, type } = message;
  const file = files.get(id);
  try {
    if (type === "open") {
      files.set(id, { path: message.path, fd: fs.openSync(message.path, "wx"), hash: createHash("sha256"), size: 0 });
    } else if (type === "data") {
      if (file) {
        const bytes = new Uint8Array(message.buffer, 0, message.length);
        file.hash.update(bytes);
        for (let offset = 0; offset < bytes.length; ) offset += fs.writeSync(file.fd, bytes, offset, bytes.length - offset);
        file.size += bytes.length;
      }
      // The buffer goes back for the next bytes (not after a failed write: the writer stops on the error).
      parentPort.postMessage({ id, type: "written", buffer: message.buffer }, [message.buffer]);
    } else if (type === "end") {
      // fsync before close: a committed object survives a crash of the machine too.
      if (message.sync !== false) fs.fsyncSync(file.fd);
      const fd = file.fd;
      file.fd = -1; // closed even if close throws: its number may belong to another file by then
      fs.closeSync(fd);
      files.delete(id);
      parentPort.postMessage({ id, type: "done", size: file.size, sha256: file.hash.digest("hex") });
    } else if (type === "abort") {
      if (file) closeAndRemove(file);
      files.delete(id);
      parentPort.postMessage({ id, type: "aborted" });
    }
  } catch (error) {
    if (file) closeAndRemove(file);
    files.delete(id);
    parentPort.postMessage({ id, type: "error", message: error.message, code: error.code });
  }
});
`;

type Reply =
  | { id: number; type: "written"; buffer: ArrayBuffer }
  | { id: number; type: "done"; size: number; sha256: string }
  | { id: number; type: "aborted" }
  | { id: number; type: "error"; message: string; code?: string };

type Listener = (reply: Reply | { type: "crashed"; error: Error }) => void;

/** One worker thread and the writes it has open. */
class WriterThread {
  readonly worker = new Worker(THREAD_SOURCE, { eval: true, name: "file-writer" });
  readonly writes = new Map<number, Listener>();

  constructor(onExit: (thread: WriterThread) => void) {
    this.worker.unref();
    this.worker.on("message", (reply: Reply) => this.writes.get(reply.id)?.(reply));
    const crash = (error: Error) => {
      onExit(this);
      for (const listener of this.writes.values()) listener({ type: "crashed", error });
      this.writes.clear();
    };
    this.worker.on("error", crash);
    this.worker.on("exit", (code) => crash(new Error(`the file writer thread exited (code ${code})`)));
  }

  add(id: number, listener: Listener) {
    if (this.writes.size === 0) this.worker.ref(); // a write in progress keeps the process alive
    this.writes.set(id, listener);
  }

  remove(id: number) {
    this.writes.delete(id);
    if (this.writes.size === 0) this.worker.unref();
  }
}

const threads: WriterThread[] = [];
let nextId = 1;

/** The least busy thread; a new one while there are fewer than MAX_THREADS and all are busy. */
function pickThread(): WriterThread {
  const idle = threads.find((t) => t.writes.size === 0);
  if (idle) return idle;
  if (threads.length < MAX_THREADS) {
    const thread = new WriterThread((gone) => threads.splice(threads.indexOf(gone) >>> 0, 1));
    threads.push(thread);
    return thread;
  }
  return threads.reduce((a, b) => (b.writes.size < a.writes.size ? b : a));
}

/** The bytes of a piece: a Buffer or other typed array as its bytes, a string as UTF-8 (as Node's streams do). */
function bytesOf(piece: unknown): Uint8Array {
  if (piece instanceof Uint8Array) return piece;
  if (typeof piece === "string") return Buffer.from(piece, "utf8");
  if (ArrayBuffer.isView(piece)) return new Uint8Array(piece.buffer, piece.byteOffset, piece.byteLength);
  if (piece instanceof ArrayBuffer) return new Uint8Array(piece);
  throw new TypeError(`writeFileHashed: a piece of the body is neither bytes nor a string (${piece === null ? "null" : typeof piece})`);
}

function errorFrom(reply: { message: string; code?: string }): Error {
  return Object.assign(new Error(reply.message), reply.code ? { code: reply.code } : {});
}

/**
 * Creates `path` (which must not exist), writes `body` into it, fsyncs
 * (unless `sync: false`: a staging file whose durability is the store's) and
 * closes it; returns its size and SHA-256. Pieces may be bytes or strings
 * (UTF-8); they are copied, never kept or changed. If `body`, the disk or the
 * thread fails, the file is removed and the error thrown.
 */
export async function writeFileHashed(
  path: string,
  body: AsyncIterable<ArrayBufferView | string>,
  options: { sync?: boolean } = {},
): Promise<{ size: number; sha256: string }> {
  const thread = pickThread();
  const id = nextId++;
  const free: ArrayBuffer[] = [];
  let buffersMade = 0;
  let failure: Error | null = null;
  let crashed = false;
  /** The buffer being filled here (not on the thread). */
  let held: ArrayBuffer | null = null;
  let wake: (() => void) | null = null;
  let aborted: (() => void) | null = null;
  let resolveDone!: (result: { size: number; sha256: string }) => void;
  let rejectDone!: (error: Error) => void;
  const finished = new Promise<{ size: number; sha256: string }>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  finished.catch(() => undefined); // awaited below; a failure before then is not an unhandled rejection

  thread.add(id, (reply) => {
    if (reply.type === "written") free.push(reply.buffer);
    else if (reply.type === "done") resolveDone({ size: reply.size, sha256: reply.sha256 });
    else if (reply.type === "aborted") aborted?.();
    else {
      if (reply.type === "crashed") crashed = true;
      failure ??= reply.type === "error" ? errorFrom(reply) : reply.error;
      rejectDone(failure);
      aborted?.();
    }
    wake?.();
  });

  /** A buffer to fill: a returned one, a new one while under the bound, else wait for one to return. */
  const takeBuffer = async (): Promise<ArrayBuffer> => {
    for (;;) {
      if (failure) throw failure;
      const buffer = free.pop();
      if (buffer) return buffer;
      if (buffersMade < BUFFERS_PER_WRITE) {
        buffersMade++;
        return idleBuffers.pop() ?? new ArrayBuffer(BUFFER_BYTES);
      }
      await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
    }
  };

  try {
    thread.worker.postMessage({ id, type: "open", path });
    held = await takeBuffer();
    let view = new Uint8Array(held);
    let filled = 0;
    const send = () => {
      const buffer = held!;
      held = null;
      thread.worker.postMessage({ id, type: "data", buffer, length: filled }, [buffer]);
      filled = 0;
    };
    for await (const item of body) {
      if (failure) throw failure;
      const piece = bytesOf(item);
      for (let offset = 0; offset < piece.byteLength;) {
        const n = Math.min(piece.byteLength - offset, BUFFER_BYTES - filled);
        view.set(n === piece.byteLength ? piece : piece.subarray(offset, offset + n), filled);
        filled += n;
        offset += n;
        if (filled === BUFFER_BYTES) {
          send();
          held = await takeBuffer();
          view = new Uint8Array(held);
        }
      }
    }
    if (filled > 0) send();
    thread.worker.postMessage({ id, type: "end", sync: options.sync !== false });
    return await finished;
  } catch (error) {
    if (!failure) {
      // The body failed (a client that hung up, a size limit): the thread removes the file.
      await new Promise<void>((resolve) => {
        aborted = resolve;
        thread.worker.postMessage({ id, type: "abort" });
      });
    }
    // A thread that died could not remove it.
    if (crashed) await rm(path, { force: true }).catch(() => undefined);
    throw error;
  } finally {
    thread.remove(id);
    if (held) free.push(held); // taken but not sent: an empty body, a size that is a multiple of the buffer
    idleBuffers.push(...free.splice(0, IDLE_BUFFERS - idleBuffers.length));
  }
}
