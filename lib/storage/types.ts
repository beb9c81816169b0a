import type { Readable } from "node:stream";

export type StoredObject = { key: string; size: number; modifiedAt: Date };

/** S3 Object Lock's retention modes: GOVERNANCE yields to a user allowed to bypass it, COMPLIANCE to no one. */
export type ObjectLockMode = "GOVERNANCE" | "COMPLIANCE";

/** What the store keeps locked of an object: its retention (mode, until when) and its legal hold. */
export type ObjectLockState = { mode: ObjectLockMode | null; retainUntil: Date | null; legalHold: boolean };

/** What a write of a recording's evidence asks the store to lock (a null retainUntil: none of its own, the bucket's default applies). */
export type ObjectLockRequest = { retainUntil: Date | null; legalHold: boolean };

/**
 * Write-once storage (S3 Object Lock, S3_OBJECT_LOCK): the evidence of a
 * recording (its chunks and assembled media) is written locked, so that the
 * store itself refuses to delete it before its retention ends or while it is
 * on legal hold, whoever asks. The store decides; the product only asks and reads.
 */
export interface ObjectLocking {
  readonly mode: ObjectLockMode;
  /** Whether the store locks this key's writes (a recording's chunks and media). */
  locks(key: string): boolean;
  /** Tells the store how to lock each write of a key it locks; without one, writes carry no lock of their own. */
  setResolver(resolver: ((key: string) => Promise<ObjectLockRequest | null>) | null): void;
  /** The lock the store keeps on `key` now; null when there is no such object. */
  state(key: string): Promise<ObjectLockState | null>;
  /** Puts the object's legal hold on or off (PutObjectLegalHold) on every version the store keeps. */
  setLegalHold(key: string, on: boolean): Promise<void>;
}

/** A write that is whole but not yet visible: see Storage.stage. */
export type StagedObject = {
  size: number;
  sha256: string;
  /** Makes the bytes the object `key`, replacing what was there, durably; afterwards `discard` does nothing. */
  commit(options?: { signal?: AbortSignal }): Promise<void>;
  /**
   * Keeps the bytes on this node's own disk, fsynced, when a
   * shared store cannot take them now: `key` reads from there on this node
   * until `Storage.held.push` copies it to the store. Only a remote store
   * offers it, and only for chunks; afterwards `discard` does nothing.
   */
  hold?: () => Promise<void>;
  /** Drops the bytes; `key` stays as it was. */
  discard(): Promise<void>;
};

/**
 * Objects this node keeps on its own disk because the shared store could not
 * take them when they arrived (see StagedObject.hold). Until pushed they exist
 * nowhere else: losing this node's disk loses them.
 */
export interface HeldObjects {
  has(key: string): Promise<boolean>;
  /** Copies the object to the store, checked against what is known of it, then removes this node's copy. */
  push(key: string, expected: { size: number; sha256: string }): Promise<void>;
  list(prefix: string): AsyncIterable<StoredObject>;
}

/**
 * Where recordings, playable media and exported videos live. Keys are built
 * by the code from database ids (see keys.ts), never taken from a request.
 * The local disk is the default (local.ts); an S3-compatible store shared by
 * the nodes of a cluster implements the same (s3.ts).
 */
export interface Storage {
  /** "local": this machine's disk (one node); "s3": a store shared by every node of a cluster. */
  readonly kind: "local" | "s3";
  /** What a remote store keeps on this node until it can take it; null where this disk is the store. */
  readonly held: HeldObjects | null;
  /** Write-once storage when configured (S3 with S3_OBJECT_LOCK); null otherwise. */
  readonly lock: ObjectLocking | null;
  /** Where the objects are, for logs and Settings > Cluster (no secrets). */
  describe(): string;
  /** Whether the store answers, and how fast. */
  health(): Promise<{ ok: boolean; latencyMs: number; error: string | null }>;
  /** Streams `body` into `key`; the object appears whole or not at all. */
  write(key: string, body: AsyncIterable<Uint8Array>): Promise<{ size: number; sha256: string }>;
  /**
   * Streams `body` toward `key` without showing it: for a write that is
   * checked (its SHA-256, a database row) before it counts. The caller
   * commits or discards; a process killed in between leaves an unfinished
   * write that discardUnfinished removes and list does not show.
   */
  stage(key: string, body: AsyncIterable<Uint8Array>): Promise<StagedObject>;
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
  /**
   * Removes what unfinished writes of any key left behind, when untouched for
   * `olderThanMs` (a write in progress keeps touching its file; a process
   * killed in the middle of one never does again); returns how many.
   */
  discardStaleUnfinished(olderThanMs: number): Promise<number>;
  /**
   * Removes `key`. A store with Object Lock removes every version it keeps,
   * and refuses (StoreError kind "locked") while one is under retention or
   * legal hold.
   */
  delete(key: string): Promise<void>;
  /**
   * Drops this node's cached copies of every object under `prefix` (all of
   * them without one): another node deleted them. Nothing to do where
   * nothing is cached.
   */
  forgetCached(prefix?: string): void;
  list(prefix: string): AsyncIterable<StoredObject>;
  /**
   * A local file path for tools that need one (ffmpeg, ffprobe). Local disk
   * returns the file itself; a remote store downloads it to a temp file.
   * Call `release` when done.
   */
  localPath(key: string): Promise<{ path: string; release: () => Promise<void> }>;
  /** Moves a finished local file (e.g. ffmpeg output in a temp dir) into `key` atomically. */
  importFile(key: string, file: string): Promise<{ size: number }>;
}
