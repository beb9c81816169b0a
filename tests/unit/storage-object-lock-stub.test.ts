/**
 * Write-once storage against a stub of the SDK client (aws-sdk-client-mock;
 * no local S3 server here has Object Lock or versions): a delete removes
 * every version, a locked one is refused and reported as locked with the
 * store's lock, the lock state is read, the legal hold is set on every
 * version, and the start checks that the bucket has Object Lock.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectLegalHoldCommand,
  GetObjectLockConfigurationCommand,
  GetObjectRetentionCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  PutObjectLegalHoldCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { Readable } from "node:stream";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { checkStorageAtStart, createS3Storage } from "@/lib/storage";

const s3 = mockClient(S3Client);
let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "sv-lock-stub-"));
});
afterEach(() => s3.reset());
afterAll(async () => {
  s3.restore();
  await rm(work, { recursive: true, force: true });
});

const storage = (objectLock: "COMPLIANCE" | "GOVERNANCE" | null = "COMPLIANCE") =>
  createS3Storage(
    {
      endpoint: "http://127.0.0.1:1",
      region: "us-east-1",
      bucket: "stub",
      prefix: "",
      accessKeyId: "a",
      secretAccessKey: "b",
      forcePathStyle: true,
      objectLock: objectLock ?? undefined,
    },
    path.join(work, "node"),
    { cacheBytes: 0 },
  );
const serviceError = (name: string, status: number) =>
  new S3ServiceException({ name, $fault: status >= 500 ? "server" : "client", $metadata: { httpStatusCode: status }, message: name });
const until = new Date("2030-01-01T00:00:00.000Z");

describe("S3 Object Lock against a stubbed SDK client", () => {
  it("a delete removes every version of the object, not just its current one", async () => {
    s3.on(ListObjectVersionsCommand).resolves({
      Versions: [
        { Key: "recordings/1/media", VersionId: "v2" },
        { Key: "recordings/1/media", VersionId: "v1" },
        { Key: "recordings/1/media.other", VersionId: "x" },
      ],
      DeleteMarkers: [{ Key: "recordings/1/media", VersionId: "m1" }],
    });
    s3.on(DeleteObjectCommand).resolves({});
    await storage().delete("recordings/1/media");
    expect(s3.commandCalls(DeleteObjectCommand).map((c) => c.args[0].input.VersionId)).toEqual(["v2", "v1", "m1"]);
  });

  it("reports a locked object's early delete as refused by the store, with its lock, and never as done", async () => {
    s3.on(ListObjectVersionsCommand).resolves({ Versions: [{ Key: "recordings/1/chunks/00000000", VersionId: "v1" }] });
    s3.on(DeleteObjectCommand).rejects(serviceError("AccessDenied", 403));
    s3.on(GetObjectRetentionCommand).resolves({ Retention: { Mode: "COMPLIANCE", RetainUntilDate: until } });
    s3.on(GetObjectLegalHoldCommand).resolves({ LegalHold: { Status: "OFF" } });
    await expect(storage().delete("recordings/1/chunks/00000000")).rejects.toMatchObject({
      name: "StoreError",
      detail: { kind: "locked", code: "AccessDenied" },
      message: expect.stringMatching(/refused to delete recordings\/1\/chunks\/00000000: Object Lock keeps it under COMPLIANCE retention until 2030-01-01/),
    });
  });

  it("leaves a refused object that is not evidence behind a delete marker (a bucket's default retention)", async () => {
    s3.on(ListObjectVersionsCommand).resolves({ Versions: [{ Key: "recordings/1/playable-g1.mp4", VersionId: "v1" }] });
    s3.on(DeleteObjectCommand).callsFake((input: { VersionId?: string }) => {
      if (input.VersionId) throw serviceError("AccessDenied", 403);
      return {};
    });
    await storage().delete("recordings/1/playable-g1.mp4");
    expect(s3.commandCalls(DeleteObjectCommand).map((c) => c.args[0].input.VersionId)).toEqual(["v1", undefined]);
  });

  it("reads the lock the store keeps: retention and legal hold, none, or no object", async () => {
    s3.on(GetObjectRetentionCommand).resolves({ Retention: { Mode: "GOVERNANCE", RetainUntilDate: until } });
    s3.on(GetObjectLegalHoldCommand).resolves({ LegalHold: { Status: "ON" } });
    expect(await storage().lock!.state("recordings/1/media")).toEqual({ mode: "GOVERNANCE", retainUntil: until, legalHold: true });
    s3.reset();
    s3.on(GetObjectRetentionCommand).rejects(serviceError("NoSuchObjectLockConfiguration", 404));
    s3.on(GetObjectLegalHoldCommand).rejects(serviceError("NoSuchObjectLockConfiguration", 404));
    expect(await storage().lock!.state("recordings/1/media")).toEqual({ mode: null, retainUntil: null, legalHold: false });
    s3.reset();
    s3.on(GetObjectRetentionCommand).rejects(serviceError("NoSuchKey", 404));
    s3.on(GetObjectLegalHoldCommand).rejects(serviceError("NoSuchKey", 404));
    expect(await storage().lock!.state("recordings/1/media")).toBeNull();
  });

  it("puts the legal hold on and off every version with bytes", async () => {
    s3.on(ListObjectVersionsCommand).resolves({
      Versions: [
        { Key: "recordings/1/media", VersionId: "v2" },
        { Key: "recordings/1/media", VersionId: "v1" },
      ],
      DeleteMarkers: [{ Key: "recordings/1/media", VersionId: "m1" }],
    });
    s3.on(PutObjectLegalHoldCommand, { VersionId: "m1" }).rejects(serviceError("MethodNotAllowed", 405));
    s3.on(PutObjectLegalHoldCommand, { VersionId: "v1" }).resolves({});
    s3.on(PutObjectLegalHoldCommand, { VersionId: "v2" }).resolves({});
    await storage().lock!.setLegalHold("recordings/1/media", true);
    const calls = s3.commandCalls(PutObjectLegalHoldCommand).map((c) => [c.args[0].input.VersionId, c.args[0].input.LegalHold?.Status]);
    expect(calls).toEqual([
      ["v2", "ON"],
      ["v1", "ON"],
      ["m1", "ON"],
    ]);
  });

  it("has no lock without S3_OBJECT_LOCK, and then deletes the current version only", async () => {
    const plain = storage(null);
    expect(plain.lock).toBeNull();
    s3.on(DeleteObjectCommand).resolves({});
    await plain.delete("recordings/1/media");
    expect(s3.commandCalls(ListObjectVersionsCommand)).toHaveLength(0);
    expect(s3.commandCalls(DeleteObjectCommand)[0]!.args[0].input.VersionId).toBeUndefined();
  });

  it("stops the start when the bucket has no Object Lock, and starts when it has", async () => {
    // The write, read and delete of the start's own object are tested in storage-s3-stub.test.ts.
    const withAccess = () => {
      const s = storage();
      vi.spyOn(s, "checkAccess").mockResolvedValue();
      return s;
    };
    s3.on(GetObjectLockConfigurationCommand).rejects(serviceError("ObjectLockConfigurationNotFoundError", 404));
    await expect(checkStorageAtStart("node-a", withAccess())).rejects.toThrow(
      /does not have Object Lock enabled; S3_OBJECT_LOCK=.* needs a bucket created with Object Lock/,
    );
    s3.reset();
    s3.on(GetObjectLockConfigurationCommand).resolves({ ObjectLockConfiguration: { ObjectLockEnabled: "Enabled" } });
    await expect(checkStorageAtStart("node-a", withAccess())).resolves.toBeUndefined();
    // Without S3_OBJECT_LOCK the bucket's configuration is not asked for.
    s3.reset();
    const plain = storage(null);
    vi.spyOn(plain, "checkAccess").mockResolvedValue();
    await checkStorageAtStart("node-a", plain);
    expect(s3.commandCalls(GetObjectLockConfigurationCommand)).toHaveLength(0);
  });

  it("the start's own object is deleted as before (its current version): a bucket's default retention may keep the versions", async () => {
    let put: Buffer = Buffer.alloc(0);
    s3.on(HeadBucketCommand).resolves({});
    s3.on(PutObjectCommand).callsFake(async (input: { Body: AsyncIterable<Uint8Array> | Uint8Array }) => {
      const parts: Buffer[] = [];
      if (input.Body instanceof Uint8Array) parts.push(Buffer.from(input.Body));
      else for await (const p of input.Body) parts.push(Buffer.from(p));
      put = Buffer.concat(parts);
      return {};
    });
    s3.on(HeadObjectCommand).callsFake(async () => ({ ContentLength: put.length }));
    s3.on(GetObjectCommand).callsFake(async () => ({
      // Our reads only iterate the body.
      Body: Readable.from([put]) as never,
      ContentRange: `bytes 0-${put.length - 1}/${put.length}`,
    }));
    s3.on(DeleteObjectCommand).resolves({});
    await storage().checkAccess("node-a");
    expect(s3.commandCalls(ListObjectVersionsCommand)).toHaveLength(0);
    expect(s3.commandCalls(DeleteObjectCommand).map((c) => c.args[0].input.VersionId)).toEqual([undefined]);
  });
});
