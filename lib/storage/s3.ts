import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import type { Dirent } from "node:fs";
import { mkdir, mkdtemp, open, readdir, rm, stat } from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectLegalHoldCommand,
  GetObjectLockConfigurationCommand,
  GetObjectRetentionCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  ListPartsCommand,
  PutObjectCommand,
  PutObjectLegalHoldCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { BlockCache } from "./cache";
import { isStoreError, notFound, StoreError } from "./errors";
import { writeFileHashed } from "./file-writer";
import { assertKey } from "./keys";
import { LocalDiskStorage } from "./local";
import type { HeldObjects, ObjectLocking, ObjectLockMode, ObjectLockRequest, ObjectLockState, StagedObject, Storage, StoredObject } from "./types";

export type S3Settings = {
  endpoint?: string;
  region: string;
  bucket: string;
  /** Prepended to every key ("" or ending with "/"). */
  prefix: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle: boolean;
  /** Write a recording's evidence with S3 Object Lock in this retention mode (the bucket must have Object Lock enabled); unset: no lock. */
  objectLock?: ObjectLockMode;
};

/** Objects up to this size go up in one PutObject from a file; larger ones in parts (lib-storage). */
const PART_SIZE = 8 * 1024 * 1024;
/** Parts in flight at once: PART_SIZE × (QUEUE_SIZE + 1) is the most a write holds in memory, whatever the size. */
const QUEUE_SIZE = 4;
/** A read of a cacheable key up to this length goes through the node's block cache; longer ones stream from the store. */
const CACHED_READ_MAX = 8 * 1024 * 1024;
/** Attempts of a PutObject whose body is a file stream (the SDK cannot rewind a stream to retry it). */
const FILE_PUT_ATTEMPTS = 3;

/** Keys whose bytes never change once written: chunks, assembled media, playable files named by generation. */
const IMMUTABLE = /^recordings\/[0-9]+\/(chunks\/[0-9]+|media|playable-[a-z0-9]+\.mp4)$/;
/**
 * The evidence of a recording, written locked with S3_OBJECT_LOCK: its chunks
 * (their SHA-256 chain is what verification proves) and the assembled media.
 * Playable files, thumbnails and exports are made again from them and
 * replaced, so they are not locked.
 */
const LOCKABLE = /^recordings\/[0-9]+\/(chunks\/[0-9]+|media)$/;
/** Only chunks are ever held on a node's own disk (see HeldObjects). */
const HOLDABLE = /^recordings\/[0-9]+\/chunks\/[0-9]+$/;

/**
 * The S3 client with the settings this product relies on.
 *
 * Checksums: since 3.729 the SDK adds a CRC32 to every upload and sends
 * streamed bodies `aws-chunked` with a trailer, which some S3-compatible
 * servers store framing and all (s3rver kept 300,045 bytes of a 300,000-byte
 * body). WHEN_REQUIRED turns that default off; every write here sends its own
 * SHA-256 instead (ChecksumSHA256, or ChecksumAlgorithm SHA256 on the parts of
 * a multipart upload, whose bodies are buffers and so go as plain headers).
 * @see https://docs.aws.amazon.com/sdk-for-javascript/v3/developer-guide/s3-checksums.html
 *
 * Retries: the SDK's standard mode retries 503 SlowDown, throttling and
 * dropped connections with exponential backoff and jitter.
 */
export function createS3Client(settings: S3Settings, options: { maxAttempts?: number } = {}): S3Client {
  return new S3Client({
    endpoint: settings.endpoint,
    region: settings.region,
    forcePathStyle: settings.forcePathStyle,
    credentials:
      settings.accessKeyId && settings.secretAccessKey ? { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } : undefined,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    maxAttempts: options.maxAttempts ?? 3,
    retryMode: "standard",
    // The SDK's own warnings (e.g. "a non-retryable streaming request" failed) repeat what the StoreError says.
    logger: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    requestHandler: new NodeHttpHandler({
      // A store that does not accept the connection within 3 s is down for this request's purpose.
      connectionTimeout: 3_000,
      // A socket silent this long is dead; a slow but moving transfer is not cut.
      requestTimeout: 30_000,
      httpAgent: new http.Agent({ keepAlive: true, maxSockets: 64 }),
      httpsAgent: new https.Agent({ keepAlive: true, maxSockets: 64 }),
    }),
  });
}

const sha256b64 = (hex: string) => Buffer.from(hex, "hex").toString("base64");

/**
 * Hashes a body as it passes, whole and in the part windows lib-storage cuts
 * (PART_SIZE bytes each, the last shorter), so that the checksum the store
 * answers can be checked: a single PutObject answers the SHA-256 of the
 * bytes, a multipart upload the SHA-256 of its parts' SHA-256s, "-N".
 */
class PartHasher {
  private readonly whole = createHash("sha256");
  private part = createHash("sha256");
  private partFill = 0;
  private readonly parts: Buffer[] = [];
  size = 0;

  constructor(private readonly partSize: number) {}

  async *pass(body: AsyncIterable<Uint8Array | string>): AsyncGenerator<Buffer> {
    for await (const piece of body) {
      const bytes = typeof piece === "string" ? Buffer.from(piece, "utf8") : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
      this.whole.update(bytes);
      this.size += bytes.length;
      let offset = 0;
      while (offset < bytes.length) {
        const take = Math.min(this.partSize - this.partFill, bytes.length - offset);
        this.part.update(bytes.subarray(offset, offset + take));
        this.partFill += take;
        offset += take;
        if (this.partFill === this.partSize) {
          this.parts.push(this.part.digest());
          this.part = createHash("sha256");
          this.partFill = 0;
        }
      }
      yield bytes;
    }
  }

  finish(): { size: number; sha256: string; expected: string } {
    const sha256 = this.whole.digest("hex");
    // lib-storage sends a body of at most one part as a single PutObject.
    if (this.size <= this.partSize) return { size: this.size, sha256, expected: sha256b64(sha256) };
    const parts = [...this.parts];
    if (this.partFill > 0) parts.push(this.part.digest());
    return { size: this.size, sha256, expected: `${createHash("sha256").update(Buffer.concat(parts)).digest("base64")}-${parts.length}` };
  }
}

/** Network failures that mean "no answer", as Node and the SDK name them. */
const UNREACHABLE = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  "TimeoutError",
  "RequestTimeout",
  "AbortError",
]);

/**
 * An S3-compatible object store (AWS S3, MinIO, Ceph RGW…) shared by every
 * node. Writes send their SHA-256 and check what the store answers; reads of
 * byte ranges are ranged GETs, the small ones (HLS segments) through this
 * node's block cache; bodies stream both ways, so memory stays flat whatever
 * the size.
 *
 * Staging happens on this node's disk (fsynced, hashed on a worker thread),
 * and commit copies the file to the store. When the store cannot take it,
 * `hold` keeps the staged chunk on this node's disk instead: it is read from
 * there on this node until `held.push` copies it to the store.
 */
export class S3Storage implements Storage {
  readonly kind = "s3" as const;
  readonly held: HeldObjects;
  readonly lock: ObjectLocking | null;
  private readonly heldDisk: LocalDiskStorage;
  private readonly fileClient: S3Client;
  private lockResolver: ((key: string) => Promise<ObjectLockRequest | null>) | null = null;

  constructor(
    readonly settings: S3Settings,
    readonly client: S3Client,
    private readonly dirs: { staging: string; held: string; downloads: string },
    private readonly cache: BlockCache | null,
    fileClient?: S3Client,
  ) {
    this.heldDisk = new LocalDiskStorage(dirs.held);
    this.fileClient = fileClient ?? client;
    this.held = {
      has: async (key) => (await this.heldDisk.stat(key)) !== null,
      push: (key, expected) => this.pushHeld(key, expected),
      list: (prefix) => this.heldDisk.list(prefix),
    };
    const mode = settings.objectLock;
    this.lock = mode
      ? {
          mode,
          locks: (key) => LOCKABLE.test(key),
          setResolver: (resolver) => {
            this.lockResolver = resolver;
          },
          state: (key) => this.lockState(key),
          setLegalHold: (key, on) => this.putLegalHold(key, on),
        }
      : null;
  }

  describe(): string {
    const where = this.settings.endpoint ? ` at ${this.settings.endpoint}` : "";
    return `s3://${this.settings.bucket}/${this.settings.prefix}${where}`;
  }

  private objectKey(key: string): string {
    return `${this.settings.prefix}${assertKey(key)}`;
  }

  /** The SDK's error as a StoreError (or ENOENT for a missing object), with words for a person. */
  private translate(error: unknown, what: string, key?: string): Error {
    if (isStoreError(error)) return error;
    const where = this.describe();
    const answered = (error as S3ServiceException).$metadata?.httpStatusCode;
    if (error instanceof S3ServiceException || answered) {
      const e = error as S3ServiceException;
      const status = e.$metadata?.httpStatusCode;
      const code = e.name;
      if (key && (code === "NoSuchKey" || code === "NotFound") && status === 404) return notFound(key);
      if (code === "NoSuchBucket")
        return new StoreError(`The bucket "${this.settings.bucket}" does not exist at ${where} (NoSuchBucket)`, { kind: "refused", status, code });
      if (status === 403 || code === "InvalidAccessKeyId" || code === "SignatureDoesNotMatch" || code === "AccessDenied") {
        return new StoreError(`The store refused the credentials or the request (${code}, ${status ?? "?"}) while it ${what}`, {
          kind: "refused",
          status,
          code,
        });
      }
      if (status === 503 || status === 500 || code === "SlowDown" || code === "ServiceUnavailable" || code === "InternalError") {
        return new StoreError(`The store is busy or failing (${code}, ${status ?? "?"}) while it ${what}`, { kind: "busy", status, code });
      }
      if (code === "BadDigest" || code === "InvalidDigest" || code === "XAmzContentSHA256Mismatch") {
        return new StoreError(`The store received other bytes than were sent (${code}) while it ${what}`, { kind: "corrupt", status, code });
      }
      if (status === 412 || code === "PreconditionFailed") {
        return new StoreError(`A condition of the request did not hold (${code}, 412) while it ${what}`, { kind: "refused", status, code });
      }
      return new StoreError(`The store answered ${code} (${status ?? "?"}) while it ${what}`, {
        kind: status && status < 500 ? "refused" : "failed",
        status,
        code,
      });
    }
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).name;
    if (code && UNREACHABLE.has(code)) {
      return new StoreError(`The store at ${where} could not be reached (${code}) while it ${what}`, { kind: "unreachable", code });
    }
    const message = error instanceof Error ? error.message : String(error);
    return new StoreError(`The store could not be used (${message}) while it ${what}`, { kind: "failed", code });
  }

  /** HeadBucket, its failure as a StoreError. */
  private async headBucket(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.settings.bucket }), { abortSignal: AbortSignal.timeout(5_000) });
    } catch (error) {
      const status = (error as S3ServiceException).$metadata?.httpStatusCode;
      // HeadBucket answers a missing bucket with a bare 404 (a HEAD response has no body to name it).
      if (status === 404)
        throw new StoreError(`The bucket "${this.settings.bucket}" does not exist at ${this.describe()} (404)`, {
          kind: "refused",
          status,
          code: "NoSuchBucket",
        });
      throw this.translate(error, "checked the bucket");
    }
  }

  /** Whether the bucket answers with these credentials, and how fast. */
  async health(): Promise<{ ok: boolean; latencyMs: number; error: string | null }> {
    const started = performance.now();
    try {
      await this.headBucket();
      return { ok: true, latencyMs: Math.round(performance.now() - started), error: null };
    } catch (error) {
      return { ok: false, latencyMs: Math.round(performance.now() - started), error: (error as Error).message };
    }
  }

  /**
   * Proves at start that this node can use the store: the bucket exists, the
   * credentials may write, read and delete, and a small object comes back
   * byte for byte. Throws a StoreError naming what is wrong.
   */
  async checkAccess(node: string): Promise<void> {
    await this.headBucket();
    const key = `health/${node.toLowerCase().replace(/[^a-z0-9_.-]/g, "-")}`;
    const bytes = randomBytes(64);
    const written = await this.write(key, [bytes]);
    const back = await this.readRange(key, { start: 0, end: bytes.length - 1 }, { cache: false });
    // The current version only: a bucket's default retention may lock even this object's versions.
    await this.deleteCurrent(key);
    if (!back.equals(bytes) || written.size !== bytes.length) {
      throw new StoreError(`The store did not give back the bytes written to it (${written.size} bytes sent, ${back.length} read)`, { kind: "corrupt" });
    }
  }

  private async checkAnswer(key: string, answered: string | undefined, expected: string, size: number): Promise<void> {
    if (answered) {
      // A composite checksum is "<base64>-<parts>"; some servers leave out the part count.
      if (answered === expected || answered === expected.split("-")[0]) return;
      await this.client.send(new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: this.objectKey(key) })).catch(() => undefined);
      throw new StoreError(`The store answered SHA-256 ${answered} for ${key}, not the ${expected} sent: the object was removed`, { kind: "corrupt" });
    }
    // A store that keeps no checksum (many S3-compatible ones): at least the size must be right.
    const head = await this.client.send(new HeadObjectCommand({ Bucket: this.settings.bucket, Key: this.objectKey(key) })).catch((error) => {
      throw this.translate(error, `checked ${key} after writing it`);
    });
    if (head.ContentLength !== size) {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: this.objectKey(key) })).catch(() => undefined);
      throw new StoreError(`The store kept ${head.ContentLength ?? "?"} bytes of ${key}, not the ${size} sent: the object was removed`, { kind: "corrupt" });
    }
  }

  async write(
    key: string,
    body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    options: { signal?: AbortSignal } = {},
  ): Promise<{ size: number; sha256: string }> {
    const hasher = new PartHasher(PART_SIZE);
    const source = async function* () {
      yield* body as AsyncIterable<Uint8Array>;
    };
    const lock = await this.lockParams(key);
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.settings.bucket, Key: this.objectKey(key), Body: Readable.from(hasher.pass(source())), ChecksumAlgorithm: "SHA256", ...lock },
      partSize: PART_SIZE,
      queueSize: QUEUE_SIZE,
      leavePartsOnError: false,
    });
    options.signal?.addEventListener("abort", () => void upload.abort(), { once: true });
    let answered: string | undefined;
    try {
      answered = (await upload.done()).ChecksumSHA256;
    } catch (error) {
      throw this.translate(error, `wrote ${key}`);
    }
    const { size, sha256, expected } = hasher.finish();
    this.cache?.invalidate(key);
    await this.checkAnswer(key, answered, expected, size);
    return { size, sha256 };
  }

  /** Puts a local file whose SHA-256 is known into `key` and checks the store's answer. */
  private async putFile(key: string, file: string, known: { size: number; sha256: string }, signal?: AbortSignal): Promise<void> {
    if (known.size > PART_SIZE) {
      const written = await this.write(key, createReadStream(file), { signal });
      if (written.sha256 !== known.sha256 || written.size !== known.size) {
        await this.delete(key).catch(() => undefined);
        throw new StoreError(`The file for ${key} changed while it was copied to the store`, { kind: "corrupt" });
      }
      return;
    }
    const lock = await this.lockParams(key);
    for (let attempt = 1; ; attempt++) {
      // Opened first: a file that is gone (swept) is an error here, not one the SDK's stream leaves unhandled.
      const body = (await open(file, "r")).createReadStream();
      try {
        const answer = await this.fileClient.send(
          new PutObjectCommand({
            Bucket: this.settings.bucket,
            Key: this.objectKey(key),
            Body: body,
            ContentLength: known.size,
            // Also what S3 requires of a locked put (Content-MD5 or a checksum header).
            ChecksumSHA256: sha256b64(known.sha256),
            ...lock,
          }),
          { abortSignal: signal },
        );
        this.cache?.invalidate(key);
        await this.checkAnswer(key, answer.ChecksumSHA256, sha256b64(known.sha256), known.size);
        return;
      } catch (error) {
        const translated = this.translate(error, `wrote ${key}`);
        const retry =
          isStoreError(translated) && (translated.detail.kind === "busy" || translated.detail.kind === "unreachable" || translated.detail.kind === "corrupt");
        if (!retry || attempt >= FILE_PUT_ATTEMPTS || signal?.aborted) throw translated;
        await new Promise((r) => setTimeout(r, 100 * 2 ** attempt + Math.random() * 100));
      } finally {
        // The stream owns the file handle: destroying it closes the file, whatever the SDK read of it.
        body.destroy();
      }
    }
  }

  async stage(key: string, body: AsyncIterable<Uint8Array>): Promise<StagedObject> {
    assertKey(key);
    await mkdir(this.dirs.staging, { recursive: true });
    const temp = path.join(this.dirs.staging, `${randomBytes(8).toString("hex")}.partial`);
    // Not fsynced here: once in the store the file is dropped; hold() fsyncs it before it counts.
    const { size, sha256 } = await writeFileHashed(temp, body, { sync: false });
    let settled = false;
    return {
      size,
      sha256,
      commit: async ({ signal } = {}) => {
        await this.putFile(key, temp, { size, sha256 }, signal);
        settled = true;
        await rm(temp, { force: true });
      },
      hold: HOLDABLE.test(key)
        ? async () => {
            // fsync the bytes, then a rename (same file system) and a synced folder make it durable here.
            const handle = await open(temp, "r+");
            try {
              await handle.sync();
            } finally {
              await handle.close();
            }
            await this.heldDisk.importFile(key, temp);
            settled = true;
          }
        : undefined,
      discard: async () => {
        if (settled) return;
        settled = true;
        await rm(temp, { force: true });
      },
    };
  }

  /** Copies a held object to the store, checked, then removes this node's copy. */
  private async pushHeld(key: string, expected: { size: number; sha256: string }): Promise<void> {
    const local = await this.heldDisk.stat(key);
    if (!local) {
      // A push that copied it and was cut short before the row said so: the store has it, or it is lost here.
      const inStore = await this.hashStored(key);
      if (inStore && inStore.sha256 === expected.sha256 && inStore.size === expected.size) return;
      throw new Error(`This node's copy of ${key} is missing from its disk, and the store does not have it`);
    }
    const { path: file } = await this.heldDisk.localPath(key);
    await this.putFile(key, file, expected);
    await this.heldDisk.delete(key);
  }

  private async hashStored(key: string): Promise<{ sha256: string; size: number } | null> {
    if (!(await this.stat(key, { held: false }))) return null;
    const hash = createHash("sha256");
    let size = 0;
    for await (const piece of await this.read(key, undefined, { held: false })) {
      hash.update(piece as Buffer);
      size += (piece as Buffer).length;
    }
    return { sha256: hash.digest("hex"), size };
  }

  private async heldCopy(key: string): Promise<boolean> {
    return HOLDABLE.test(key) && (await this.heldDisk.stat(key)) !== null;
  }

  async read(key: string, range?: { start: number; end: number }, options: { held?: boolean } = {}): Promise<Readable> {
    if (options.held !== false && (await this.heldCopy(key))) {
      try {
        return await this.heldDisk.read(key, range);
      } catch (error) {
        // Pushed to the store in between: read it there.
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      }
    }
    if (range && this.cache && IMMUTABLE.test(key) && range.end - range.start < CACHED_READ_MAX) {
      return Readable.from([await this.readRange(key, range)]);
    }
    return this.get(key, range);
  }

  private async get(key: string, range?: { start: number; end: number }): Promise<Readable> {
    try {
      const answer = await this.client.send(
        new GetObjectCommand({ Bucket: this.settings.bucket, Key: this.objectKey(key), Range: range ? `bytes=${range.start}-${range.end}` : undefined }),
      );
      // A server that ignores the Range header answers the whole object: never pass that off as the range.
      if (range && !(answer.ContentRange ?? "").startsWith(`bytes ${range.start}-`)) {
        (answer.Body as Readable | undefined)?.destroy();
        throw new StoreError(`The store answered ${answer.ContentRange ?? "the whole object"} for bytes ${range.start}-${range.end} of ${key}`, {
          kind: "corrupt",
        });
      }
      return answer.Body as Readable;
    } catch (error) {
      if ((error as S3ServiceException).name === "InvalidRange") throw new RangeError(`${key} ends before byte ${range?.start}`);
      throw this.translate(error, `read ${key}`, key);
    }
  }

  private async getBuffer(key: string, start: number, end: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    for await (const part of await this.get(key, { start, end })) parts.push(part as Buffer);
    return Buffer.concat(parts);
  }

  async readRange(key: string, range: { start: number; end: number }, options: { cache?: boolean } = {}): Promise<Buffer> {
    if (await this.heldCopy(key)) {
      try {
        return await this.heldDisk.readRange(key, range);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      }
    }
    if (this.cache && options.cache !== false && IMMUTABLE.test(key)) {
      return this.cache.read(key, range, (start, end) => this.getBuffer(key, start, end));
    }
    const bytes = await this.getBuffer(key, range.start, range.end);
    if (bytes.length !== range.end - range.start + 1) throw new RangeError(`${key} ends before byte ${range.end}`);
    return bytes;
  }

  async stat(key: string, options: { held?: boolean } = {}): Promise<StoredObject | null> {
    if (options.held !== false && HOLDABLE.test(key)) {
      const local = await this.heldDisk.stat(key);
      if (local) return local;
    }
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.settings.bucket, Key: this.objectKey(key) }));
      return { key, size: head.ContentLength ?? 0, modifiedAt: head.LastModified ?? new Date(0) };
    } catch (error) {
      const status = (error as S3ServiceException).$metadata?.httpStatusCode;
      if (status === 404) return null;
      throw this.translate(error, `looked up ${key}`);
    }
  }

  async discardUnfinished(key: string): Promise<number> {
    // A write killed midway leaves a multipart upload open (the store keeps its parts, invisible, until aborted).
    let aborted = 0;
    try {
      const listing = await this.client.send(new ListMultipartUploadsCommand({ Bucket: this.settings.bucket, Prefix: this.objectKey(key) }));
      for (const upload of listing.Uploads ?? []) {
        if (upload.Key !== this.objectKey(key) || !upload.UploadId) continue;
        await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.settings.bucket, Key: upload.Key, UploadId: upload.UploadId }));
        aborted++;
      }
    } catch (error) {
      const translated = this.translate(error, `listed the unfinished uploads of ${key}`);
      // Stores without ListMultipartUploads: the bucket's lifecycle rule aborts them (see README).
      if (isStoreError(translated) && (translated.detail.kind === "refused" || translated.detail.status === 501)) return 0;
      throw translated;
    }
    return aborted;
  }

  /**
   * On this node: staged files no commit, hold or discard took (every
   * process's staging folder) and partial files of held chunks, untouched
   * for `olderThanMs`. In the store: multipart uploads begun before then with
   * no part uploaded since (a write in progress keeps adding parts; a store
   * without ListParts is judged by when the upload began). A store that
   * cannot be asked now is left to the next sweep and to the bucket's
   * lifecycle rule that aborts incomplete multipart uploads (see README).
   */
  async discardStaleUnfinished(olderThanMs: number): Promise<number> {
    const before = Date.now() - olderThanMs;
    let removed = await removeStalePartials(path.dirname(this.dirs.staging), before);
    removed += await this.heldDisk.discardStaleUnfinished(olderThanMs);
    try {
      removed += await this.abortStaleUploads(before);
    } catch (error) {
      const translated = this.translate(error, "listed the unfinished multipart uploads");
      // A store without ListMultipartUploads (refused, 501) leaves it to the lifecycle rule.
      const unsupported = isStoreError(translated) && (translated.detail.kind === "refused" || translated.detail.status === 501);
      if (!unsupported) console.warn(`[storage] ${translated.message}; the next sweep tries again`);
    }
    return removed;
  }

  private async abortStaleUploads(before: number): Promise<number> {
    let aborted = 0;
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    do {
      const listing = await this.client.send(
        new ListMultipartUploadsCommand({ Bucket: this.settings.bucket, Prefix: this.settings.prefix, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }),
      );
      for (const upload of listing.Uploads ?? []) {
        if (!upload.Key || !upload.UploadId || !upload.Initiated || upload.Initiated.getTime() >= before) continue;
        if (await this.partSince(upload.Key, upload.UploadId, before)) continue;
        await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.settings.bucket, Key: upload.Key, UploadId: upload.UploadId }));
        aborted++;
      }
      keyMarker = listing.IsTruncated ? listing.NextKeyMarker : undefined;
      uploadIdMarker = listing.IsTruncated ? listing.NextUploadIdMarker : undefined;
    } while (keyMarker);
    return aborted;
  }

  /** Whether a part of the upload was uploaded at or after `before`; false where the store cannot list parts. */
  private async partSince(key: string, uploadId: string, before: number): Promise<boolean> {
    let marker: string | undefined;
    try {
      do {
        const page = await this.client.send(new ListPartsCommand({ Bucket: this.settings.bucket, Key: key, UploadId: uploadId, PartNumberMarker: marker }));
        if ((page.Parts ?? []).some((part) => (part.LastModified?.getTime() ?? 0) >= before)) return true;
        marker = page.IsTruncated ? page.NextPartNumberMarker : undefined;
      } while (marker);
    } catch (error) {
      const status = (error as S3ServiceException).$metadata?.httpStatusCode;
      // No ListParts here (fauxqs has none): when the upload began is all there is to go on.
      if (status && status >= 400 && status !== 500 && status !== 503) return false;
      throw error;
    }
    return false;
  }

  async delete(key: string): Promise<void> {
    this.cache?.invalidate(key);
    if (HOLDABLE.test(key)) await this.heldDisk.delete(key);
    if (this.lock) return this.deleteVersions(key);
    await this.deleteCurrent(key);
  }

  /** DeleteObject without a version: the object, or on a versioned bucket a delete marker over it. */
  private async deleteCurrent(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: this.objectKey(key) }));
    } catch (error) {
      if ((error as S3ServiceException).$metadata?.httpStatusCode === 404) return;
      throw this.translate(error, `deleted ${key}`);
    }
  }

  /** Every version of `key` the store keeps (an Object Lock bucket is versioned), delete markers included. */
  private async listVersions(key: string): Promise<string[]> {
    const versions: string[] = [];
    let keyMarker: string | undefined;
    let versionMarker: string | undefined;
    do {
      const page = await this.client
        .send(
          new ListObjectVersionsCommand({ Bucket: this.settings.bucket, Prefix: this.objectKey(key), KeyMarker: keyMarker, VersionIdMarker: versionMarker }),
        )
        .catch((error) => {
          throw this.translate(error, `listed the versions of ${key}`);
        });
      for (const v of [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]) {
        if (v.Key === this.objectKey(key) && v.VersionId) versions.push(v.VersionId);
      }
      keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
      versionMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
    } while (keyMarker);
    return versions;
  }

  /**
   * Deletes every version of `key`: a DeleteObject without a version would
   * only hide the bytes behind a delete marker. The store refuses a version
   * under retention or legal hold (AccessDenied): the evidence is then
   * reported locked, with the lock the store keeps; anything else is left
   * behind a delete marker (a bucket's default retention locks even the
   * objects made from the evidence).
   */
  private async deleteVersions(key: string): Promise<void> {
    let refused: StoreError | null = null;
    for (const versionId of await this.listVersions(key)) {
      try {
        await this.client.send(new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: this.objectKey(key), VersionId: versionId }));
      } catch (error) {
        if ((error as S3ServiceException).$metadata?.httpStatusCode === 404) continue;
        const translated = this.translate(error, `deleted ${key}`);
        if (isStoreError(translated) && translated.detail.code === "AccessDenied") {
          refused ??= translated;
          continue;
        }
        throw translated;
      }
    }
    if (!refused) return;
    if (!LOCKABLE.test(key)) return this.deleteCurrent(key);
    const state = await this.lockState(key).catch(() => null);
    const until = state?.retainUntil ? ` under ${state.mode ?? "its"} retention until ${state.retainUntil.toISOString()}` : "";
    const hold = state?.legalHold ? `${until ? " and" : ""} on legal hold` : "";
    throw new StoreError(`The store refused to delete ${key}: Object Lock keeps it${until || hold ? `${until}${hold}` : ""} (${refused.detail.code})`, {
      kind: "locked",
      status: refused.detail.status,
      code: refused.detail.code,
    });
  }

  /** The lock values of a write of `key`: its mode and retain-until and its legal hold, from the resolver (nothing for other keys). */
  private async lockParams(key: string): Promise<{
    ObjectLockMode?: ObjectLockMode;
    ObjectLockRetainUntilDate?: Date;
    ObjectLockLegalHoldStatus?: "ON" | "OFF";
  }> {
    if (!this.lock || !LOCKABLE.test(key) || !this.lockResolver) return {};
    const request = await this.lockResolver(key);
    if (!request) return {};
    return {
      ...(request.retainUntil ? { ObjectLockMode: this.lock.mode, ObjectLockRetainUntilDate: request.retainUntil } : {}),
      ObjectLockLegalHoldStatus: request.legalHold ? "ON" : "OFF",
    };
  }

  /** GetObjectRetention and GetObjectLegalHold of the current version; null when there is no such object. */
  private async lockState(key: string): Promise<ObjectLockState | null> {
    const Key = this.objectKey(key);
    // An object without a retention or a legal hold of its own answers 404 with a code of its own (no such lock configuration).
    const none = (error: unknown) => {
      const e = error as S3ServiceException;
      if (e.name === "NoSuchKey" || e.name === "NoSuchVersion") return "missing" as const;
      if (e.$metadata?.httpStatusCode === 404 || e.name === "NoSuchObjectLockConfiguration" || e.name === "ObjectLockConfigurationNotFoundError")
        return "none" as const;
      throw this.translate(error, `read the lock of ${key}`);
    };
    const [retention, hold] = await Promise.all([
      this.client.send(new GetObjectRetentionCommand({ Bucket: this.settings.bucket, Key })).catch(none),
      this.client.send(new GetObjectLegalHoldCommand({ Bucket: this.settings.bucket, Key })).catch(none),
    ]);
    if (retention === "missing" || hold === "missing") return null;
    const mode = retention === "none" ? undefined : retention.Retention?.Mode;
    return {
      mode: mode === "GOVERNANCE" || mode === "COMPLIANCE" ? mode : null,
      retainUntil: retention === "none" ? null : (retention.Retention?.RetainUntilDate ?? null),
      legalHold: hold !== "none" && hold.LegalHold?.Status === "ON",
    };
  }

  private async putLegalHold(key: string, on: boolean): Promise<void> {
    for (const versionId of await this.listVersions(key)) {
      try {
        await this.client.send(
          new PutObjectLegalHoldCommand({
            Bucket: this.settings.bucket,
            Key: this.objectKey(key),
            VersionId: versionId,
            LegalHold: { Status: on ? "ON" : "OFF" },
          }),
        );
      } catch (error) {
        // A delete marker has no legal hold (MethodNotAllowed); only the versions with bytes do.
        const e = error as S3ServiceException;
        if (e.name === "MethodNotAllowed" || e.$metadata?.httpStatusCode === 405 || e.$metadata?.httpStatusCode === 404) continue;
        throw this.translate(error, `${on ? "put" : "released"} the legal hold of ${key}`);
      }
    }
  }

  /** At start, when asked to write locked: the bucket must have Object Lock enabled, or every locked put would be refused. */
  async checkObjectLock(): Promise<void> {
    let enabled: string | undefined;
    try {
      enabled = (await this.client.send(new GetObjectLockConfigurationCommand({ Bucket: this.settings.bucket }))).ObjectLockConfiguration?.ObjectLockEnabled;
    } catch (error) {
      if ((error as S3ServiceException).name !== "ObjectLockConfigurationNotFoundError")
        throw this.translate(error, "read the bucket's Object Lock configuration");
    }
    if (enabled !== "Enabled") {
      throw new StoreError(`The bucket "${this.settings.bucket}" does not have Object Lock enabled`, {
        kind: "refused",
        code: "ObjectLockConfigurationNotFoundError",
      });
    }
  }

  forgetCached(prefix?: string): void {
    this.cache?.invalidatePrefix(prefix);
  }

  /** Whether this node's cache holds any block of a key under `prefix` (for the tests of a deletion across nodes). */
  caches(prefix: string): boolean {
    return this.cache?.holds(prefix) ?? false;
  }

  async *list(prefix: string): AsyncIterable<StoredObject> {
    const seen = new Set<string>();
    let token: string | undefined;
    do {
      let page;
      try {
        page = await this.client.send(
          new ListObjectsV2Command({ Bucket: this.settings.bucket, Prefix: `${this.settings.prefix}${prefix}`, ContinuationToken: token }),
        );
      } catch (error) {
        throw this.translate(error, `listed ${prefix}`);
      }
      for (const object of page.Contents ?? []) {
        if (!object.Key) continue;
        const key = object.Key.slice(this.settings.prefix.length);
        seen.add(key);
        yield { key, size: object.Size ?? 0, modifiedAt: object.LastModified ?? new Date(0) };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    // Chunks held on this node's disk are objects too (not yet in the store).
    for await (const object of this.heldDisk.list(prefix)) if (!seen.has(object.key)) yield object;
  }

  async localPath(key: string): Promise<{ path: string; release: () => Promise<void> }> {
    if (await this.heldCopy(key)) return this.heldDisk.localPath(key);
    // ffmpeg and ffprobe seek in their input: a file on this node's disk, streamed down (memory stays flat).
    await mkdir(this.dirs.downloads, { recursive: true });
    const dir = await mkdtemp(path.join(this.dirs.downloads, "get-"));
    const file = path.join(dir, path.posix.basename(key));
    const release = () => rm(dir, { recursive: true, force: true });
    try {
      await pipeline(await this.get(key), createWriteStream(file));
      const expected = await this.stat(key, { held: false });
      if (expected && (await stat(file)).size !== expected.size) throw new StoreError(`The download of ${key} came out short`, { kind: "corrupt" });
    } catch (error) {
      await release();
      throw error;
    }
    return { path: file, release };
  }

  async importFile(key: string, file: string): Promise<{ size: number }> {
    const { size } = await this.write(key, createReadStream(file));
    await rm(file, { force: true });
    return { size };
  }
}

/** Removes `*.partial` files under `dir` last modified before `before`; returns how many. */
async function removeStalePartials(dir: string, before: number): Promise<number> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return 0;
    throw error;
  }
  let removed = 0;
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) removed += await removeStalePartials(full, before);
    else if (entry.isFile() && entry.name.endsWith(".partial")) {
      const s = await stat(full).catch(() => null);
      if (s && s.mtimeMs < before) {
        await rm(full, { force: true });
        removed++;
      }
    }
  }
  return removed;
}
