/**
 * What no local S3 server does, against a stub of the SDK client
 * (aws-sdk-client-mock): a store that answers another checksum, a bad digest,
 * 503 SlowDown, a 412, refused credentials at start. Everything else is tested
 * against a real S3-speaking server (storage-contract.test.ts).
 */
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { checkStorageAtStart, createS3Storage } from "@/lib/storage";

const s3 = mockClient(S3Client);
let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "sv-s3-stub-"));
});
afterEach(() => s3.reset());
afterAll(async () => {
  s3.restore();
  await rm(work, { recursive: true, force: true });
});

const storage = () =>
  createS3Storage(
    { endpoint: "http://127.0.0.1:1", region: "us-east-1", bucket: "stub", prefix: "", accessKeyId: "a", secretAccessKey: "b", forcePathStyle: true },
    path.join(work, "node"),
    { cacheBytes: 0 },
  );
const b64 = (data: string) => createHash("sha256").update(data).digest("base64");
const serviceError = (name: string, status: number) =>
  new S3ServiceException({ name, $fault: status >= 500 ? "server" : "client", $metadata: { httpStatusCode: status }, message: name });

describe("S3 storage against a stubbed SDK client", () => {
  it("sends the SHA-256 of every write and accepts the store's answer when it matches", async () => {
    s3.on(PutObjectCommand).resolves({ ChecksumSHA256: b64("chunk bytes") });
    const staged = await storage().stage("recordings/1/chunks/00000000", Readable.from([Buffer.from("chunk bytes")]));
    await staged.commit();
    const put = s3.commandCalls(PutObjectCommand)[0]!.args[0].input;
    expect(put.ChecksumSHA256).toBe(b64("chunk bytes"));
    expect(put.ContentLength).toBe(11);
  });

  it("refuses a write whose answered checksum differs, and removes what the store kept", async () => {
    s3.on(PutObjectCommand).resolves({ ChecksumSHA256: b64("other bytes") });
    s3.on(DeleteObjectCommand).resolves({});
    const staged = await storage().stage("recordings/1/chunks/00000001", Readable.from([Buffer.from("chunk bytes")]));
    await expect(staged.commit()).rejects.toMatchObject({ name: "StoreError", detail: { kind: "corrupt" } });
    expect(s3.commandCalls(DeleteObjectCommand).map((c) => c.args[0].input.Key)).toContain("recordings/1/chunks/00000001");
    await staged.discard();
  });

  describe("a multipart upload (over one 8 MiB part)", () => {
    const MIB = 1024 * 1024;
    // 8 MiB + 8 MiB + 1 MiB: three parts, each with its own SHA-256; the store answers the SHA-256 of the three digests, "-3".
    const body = [Buffer.alloc(8 * MIB, 1), Buffer.alloc(8 * MIB, 2), Buffer.alloc(MIB, 3)];
    const digest = (b: Buffer) => createHash("sha256").update(b).digest();
    const composite = `${createHash("sha256")
      .update(Buffer.concat(body.map(digest)))
      .digest("base64")}-3`;
    const stubParts = () => {
      s3.on(CreateMultipartUploadCommand).resolves({ UploadId: "mp1" });
      s3.on(UploadPartCommand).callsFake((input: { PartNumber: number }) => ({
        ETag: `"e${input.PartNumber}"`,
        ChecksumSHA256: digest(body[input.PartNumber - 1]!).toString("base64"),
      }));
      s3.on(DeleteObjectCommand).resolves({});
      s3.on(AbortMultipartUploadCommand).resolves({});
    };

    it("asks the store for SHA-256 parts and accepts its answer when it is the composite of what was sent", async () => {
      stubParts();
      s3.on(CompleteMultipartUploadCommand).resolves({ ChecksumSHA256: composite });
      await expect(storage().write("recordings/9/media", body)).resolves.toMatchObject({ size: 17 * MIB });
      expect(s3.commandCalls(CreateMultipartUploadCommand)[0]!.args[0].input.ChecksumAlgorithm).toBe("SHA256");
      expect(s3.commandCalls(UploadPartCommand)).toHaveLength(3);
      expect(s3.commandCalls(DeleteObjectCommand)).toHaveLength(0);
    });

    it("removes the object when the store answers another composite checksum", async () => {
      stubParts();
      s3.on(CompleteMultipartUploadCommand).resolves({ ChecksumSHA256: `${b64("something else")}-3` });
      await expect(storage().write("recordings/9/media", body)).rejects.toMatchObject({ name: "StoreError", detail: { kind: "corrupt" } });
      expect(s3.commandCalls(DeleteObjectCommand).map((c) => c.args[0].input.Key)).toEqual(["recordings/9/media"]);
    });
  });

  it("checks the size where the store answers no checksum", async () => {
    s3.on(PutObjectCommand).resolves({});
    s3.on(HeadObjectCommand).resolves({ ContentLength: 5 });
    s3.on(DeleteObjectCommand).resolves({});
    await expect(storage().write("recordings/1/media", [Buffer.from("eleven byte")])).rejects.toThrow(/kept 5 bytes.*not the 11 sent/);
  });

  it("tries a bad digest and 503 SlowDown again, then gives a StoreError the caller can act on", async () => {
    s3.on(PutObjectCommand)
      .rejectsOnce(serviceError("BadDigest", 400))
      .rejectsOnce(serviceError("SlowDown", 503))
      .resolves({ ChecksumSHA256: b64("abc") });
    const staged = await storage().stage("recordings/2/chunks/00000000", Readable.from([Buffer.from("abc")]));
    await staged.commit();
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(3);

    s3.reset();
    s3.on(PutObjectCommand).rejects(serviceError("SlowDown", 503));
    const busy = await storage().stage("recordings/2/chunks/00000001", Readable.from([Buffer.from("abc")]));
    await expect(busy.commit()).rejects.toMatchObject({ name: "StoreError", detail: { kind: "busy", code: "SlowDown" } });
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(3);
    // Still staged: the caller can hold it on this node.
    await busy.hold!();
  });

  it("does not retry a 412 (a condition that will not become true by trying again)", async () => {
    s3.on(PutObjectCommand).rejects(serviceError("PreconditionFailed", 412));
    const staged = await storage().stage("recordings/3/chunks/00000000", Readable.from([Buffer.from("abc")]));
    await expect(staged.commit()).rejects.toMatchObject({ detail: { kind: "refused", status: 412 } });
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(1);
    await staged.discard();
  });

  it("stops the start on refused credentials or a missing bucket, naming the variables to check", async () => {
    s3.on(HeadBucketCommand).rejects(serviceError("InvalidAccessKeyId", 403));
    await expect(checkStorageAtStart("node-a", storage())).rejects.toThrow(/STORAGE=s3: .*InvalidAccessKeyId.*check S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY/);
    s3.reset();
    s3.on(HeadBucketCommand).rejects(serviceError("NotFound", 404));
    await expect(checkStorageAtStart("node-a", storage())).rejects.toThrow(/bucket "stub" does not exist.*check S3_BUCKET/);
    // Unreachable: a warning, the node starts and holds chunks until the store answers.
    s3.reset();
    s3.on(HeadBucketCommand).rejects(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }));
    await expect(checkStorageAtStart("node-a", storage())).resolves.toBeUndefined();
  });

  it("sweeps multipart uploads begun over the age asked with no part since, keeps those still adding parts, and warns when the store is away", async () => {
    const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000);
    s3.on(ListMultipartUploadsCommand)
      .resolvesOnce({
        IsTruncated: true,
        NextKeyMarker: "recordings/2/media",
        NextUploadIdMarker: "u2",
        Uploads: [
          { Key: "recordings/1/media", UploadId: "u1", Initiated: ago(120) }, // a crash two hours ago
          { Key: "recordings/2/media", UploadId: "u2", Initiated: ago(90) }, // long, but a part went up a minute ago
        ],
      })
      .resolvesOnce({
        Uploads: [
          { Key: "recordings/3/media", UploadId: "u3", Initiated: ago(5) }, // just begun
          { Key: "recordings/4/media", UploadId: "u4", Initiated: ago(300) }, // a store without ListParts
        ],
      });
    s3.on(ListPartsCommand, { UploadId: "u1" }).resolves({ Parts: [{ PartNumber: 1, LastModified: ago(119) }] });
    s3.on(ListPartsCommand, { UploadId: "u2" }).resolves({
      Parts: [
        { PartNumber: 1, LastModified: ago(89) },
        { PartNumber: 2, LastModified: ago(1) },
      ],
    });
    s3.on(ListPartsCommand, { UploadId: "u4" }).rejects(serviceError("NotImplemented", 501));
    s3.on(AbortMultipartUploadCommand).resolves({});
    expect(await storage().discardStaleUnfinished(60 * 60_000)).toBe(2);
    expect(s3.commandCalls(AbortMultipartUploadCommand).map((c) => c.args[0].input.UploadId)).toEqual(["u1", "u4"]);
    expect(s3.commandCalls(ListMultipartUploadsCommand)[1]!.args[0].input).toMatchObject({ KeyMarker: "recordings/2/media", UploadIdMarker: "u2" });

    s3.reset();
    s3.on(ListMultipartUploadsCommand).rejects(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }));
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      expect(await storage().discardStaleUnfinished(60 * 60_000)).toBe(0);
      expect(warn.mock.calls.flat().join(" ")).toMatch(/could not be reached.*next sweep/);
    } finally {
      warn.mockRestore();
    }
  });
});
