/**
 * Write-once storage on the wire: what the real SDK sends for a locked write
 * of a recording's evidence (S3_OBJECT_LOCK), caught by a plain HTTP server
 * standing in for S3 (no local S3 server here has Object Lock): the lock
 * headers, and the checksum S3 requires of a put with Object Lock parameters.
 */
import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createS3Storage } from "@/lib/storage";

type Seen = { method: string; url: string; headers: http.IncomingHttpHeaders; body: Buffer };
let seen: Seen[] = [];
let server: http.Server;
let endpoint: string;
let work: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "sv-lock-wire-"));
  server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (p: Buffer) => parts.push(p));
    req.on("end", () => {
      const body = Buffer.concat(parts);
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      // A store that answers the SHA-256 of what it received, as S3 does for a put with a checksum.
      res.setHeader("ETag", '"e"');
      res.setHeader("x-amz-checksum-sha256", createHash("sha256").update(body).digest("base64"));
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
beforeEach(() => {
  seen = [];
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(work, { recursive: true, force: true });
});

const until = new Date("2031-06-30T12:00:00.000Z");
const storage = (objectLock?: "COMPLIANCE" | "GOVERNANCE") => {
  const s = createS3Storage(
    { endpoint, region: "us-east-1", bucket: "evidence", prefix: "", accessKeyId: "a", secretAccessKey: "b", forcePathStyle: true, objectLock },
    path.join(work, "node"),
    { cacheBytes: 0 },
  );
  s.lock?.setResolver(async () => ({ retainUntil: until, legalHold: true }));
  return s;
};
const puts = () => seen.filter((r) => r.method === "PUT");
const b64 = (b: Buffer) => createHash("sha256").update(b).digest("base64");

describe("a locked write on the wire", () => {
  it("a chunk's put carries the mode, the retain-until, the legal hold and its SHA-256", async () => {
    const bytes = Buffer.from("chunk bytes of a recording");
    const staged = await storage("COMPLIANCE").stage("recordings/7/chunks/00000000", Readable.from([bytes]));
    await staged.commit();
    const [put] = puts();
    expect(put?.url.split("?")[0]).toBe("/evidence/recordings/7/chunks/00000000");
    expect(put?.headers["x-amz-object-lock-mode"]).toBe("COMPLIANCE");
    expect(new Date(String(put?.headers["x-amz-object-lock-retain-until-date"])).toISOString()).toBe(until.toISOString());
    expect(put?.headers["x-amz-object-lock-legal-hold"]).toBe("ON");
    expect(put?.headers["x-amz-checksum-sha256"]).toBe(b64(bytes));
  });

  it("the assembled media's put (lib-storage) carries them too, with the checksum of its bytes", async () => {
    const bytes = Buffer.alloc(300_000, 7);
    await storage("GOVERNANCE").write("recordings/7/media", Readable.from([bytes]));
    const [put] = puts();
    expect(put?.headers["x-amz-object-lock-mode"]).toBe("GOVERNANCE");
    expect(put?.headers["x-amz-object-lock-legal-hold"]).toBe("ON");
    expect(put?.headers["x-amz-checksum-sha256"]).toBe(b64(bytes));
    expect(put?.body.equals(bytes)).toBe(true);
  });

  it("locks nothing that is made again from the evidence, and nothing without S3_OBJECT_LOCK", async () => {
    await storage("COMPLIANCE").write("recordings/7/playable-g1.mp4", Readable.from([Buffer.from("playable")]));
    await storage().write("recordings/8/media", Readable.from([Buffer.from("media")]));
    expect(puts()).toHaveLength(2);
    for (const put of puts()) {
      expect(put.headers["x-amz-object-lock-mode"]).toBeUndefined();
      expect(put.headers["x-amz-object-lock-legal-hold"]).toBeUndefined();
    }
  });
});
