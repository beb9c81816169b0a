import type { Readable } from "node:stream";

export type StoredObject = { key: string; size: number; modifiedAt: Date };

/**
 * Where recordings, playable media and exported videos live. Keys are built
 * by the code from database ids (see keys.ts), never taken from a request.
 * The local disk is the default; an S3-compatible store implements the same.
 */
export interface Storage {
  /** Streams `body` into `key`; the object appears whole or not at all. */
  write(key: string, body: Readable): Promise<{ size: number; sha256: string }>;
  /** Streams bytes [start, end] (inclusive) or the whole object. */
  read(key: string, range?: { start: number; end: number }): Promise<Readable>;
  /**
   * Bytes [start, end] (inclusive) in one buffer: for small ranges asked for
   * often (an HLS segment), where a stream costs more than the bytes.
   */
  readRange(key: string, range: { start: number; end: number }): Promise<Buffer>;
  stat(key: string): Promise<StoredObject | null>;
  /**
   * Removes what unfinished writes of `key` left behind (a process killed in
   * the middle of one); returns how many. Only while no write of `key` can be
   * running, e.g. under the lock of the job that writes it.
   */
  discardUnfinished(key: string): Promise<number>;
  delete(key: string): Promise<void>;
  list(prefix: string): AsyncIterable<StoredObject>;
  /**
   * A local file path for tools that need one (ffmpeg, ffprobe). Local disk
   * returns the file itself; a remote store would download to a temp file.
   * Call `release` when done.
   */
  localPath(key: string): Promise<{ path: string; release: () => Promise<void> }>;
  /** Moves a finished local file (e.g. ffmpeg output in a temp dir) into `key` atomically. */
  importFile(key: string, file: string): Promise<{ size: number }>;
}
