/**
 * The HLS playlist through the built app's own web server, as a client that
 * does its own decoding sees it: gzipped when Accept-Encoding allows it, with
 * the Content-Length of the bytes sent; plain text otherwise.
 */
import http from "node:http";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RemoteSession } from "@/lib/db/schema";
import { probeMedia } from "@/lib/media/probe";
import { LocalDiskStorage } from "@/lib/storage/local";
import { closeDb } from "../support/db";
import { insertSessionWithRecording, makeMedia, storeMedia } from "../support/player-media";
import { createTestUser } from "../support/users";
import { launchBrowser, signIn } from "./support/browser";
import { startAppServer, type AppServer } from "./support/server";

let app: AppServer;
let browser: Browser;
let session: RemoteSession;
let cookie: string;

beforeAll(async () => {
  app = await startAppServer();
  browser = await launchBrowser();
  const auditor = await createTestUser("auditor");
  const media = await makeMedia({ seconds: 12, kind: "h264" });
  const { probe } = await probeMedia(media);
  const created = await insertSessionWithRecording({ status: "ready", durationMs: 12_000, hasAudio: false, videoCodec: "h264", probe });
  session = created.session;
  await storeMedia(new LocalDiskStorage(path.join(app.dataDir, "recordings")), created.recording.id, media);
  const page = await browser.newPage();
  await signIn(page, app.url, auditor.email, auditor.password);
  cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await closeDb();
});

/** A GET with node:http, which leaves the body as sent (fetch would decode it). */
function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const parts: Buffer[] = [];
        res.on("data", (d: Buffer) => parts.push(d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
      })
      .on("error", reject);
  });
}

describe("the playlist on the wire", () => {
  it("is gzipped for a client that accepts gzip, and plain for one that does not", async () => {
    const url = `${app.url}/api/sessions/${session.hash}/hls/playlist.m3u8`;
    const plain = await rawGet(url, { cookie });
    expect(plain.status).toBe(200);
    expect(plain.headers["content-encoding"]).toBeUndefined();
    const text = plain.body.toString("utf8");
    expect(text.startsWith("#EXTM3U")).toBe(true);

    const zipped = await rawGet(url, { cookie, "accept-encoding": "gzip, deflate, br" });
    expect(zipped.status).toBe(200);
    expect(zipped.headers["content-encoding"]).toBe("gzip");
    expect(zipped.headers.vary).toMatch(/accept-encoding/i);
    expect(Number(zipped.headers["content-length"])).toBe(zipped.body.length);
    expect(gunzipSync(zipped.body).toString("utf8")).toBe(text);

    const refused = await rawGet(url, { cookie, "accept-encoding": "gzip;q=0, identity" });
    expect(refused.headers["content-encoding"]).toBeUndefined();
    expect(refused.body.toString("utf8")).toBe(text);
  });
});
