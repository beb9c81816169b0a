/**
 * Sends the demo recordings through the public ingestion API exactly as a
 * session proxy would: start, events in batches, chunks, finish.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { env } from "@/lib/env";
import { IngestClient } from "@/lib/ingest/client";
import { createApiToken } from "@/lib/tokens";
import { DEMO_RECORDINGS, type DemoSession } from "./catalogue";

/** Waits until the web server answers, e.g. right after `next start` was spawned. */
export async function waitForServer(baseUrl: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await fetch(`${baseUrl}/api/v1/openapi.json`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${baseUrl} did not answer within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * Generates the demo recordings and sends them through the HTTP API of the
 * server at `baseUrl`, with an API token it creates ("demo-proxy"). Media is
 * encoded two at a time; each session is uploaded as soon as it is ready.
 */
export async function seedDemoRecordings({ baseUrl, token }: { baseUrl?: string; token?: string } = {}): Promise<{ sessions: string[] }> {
  const url = baseUrl ?? `http://localhost:${env.PORT}`;
  await waitForServer(url);
  const secret = token ?? (await createApiToken({ name: `demo-proxy-${randomBytes(2).toString("hex")}`, createdBy: null })).token;
  const client = new IngestClient(url, secret);
  const dir = await mkdtemp(path.join(os.tmpdir(), "sv-demo-"));
  const started = Date.now();
  const hashes: string[] = [];
  try {
    const queue = [...DEMO_RECORDINGS];
    const workers = Array.from({ length: 2 }, async () => {
      for (let demo = queue.shift(); demo; demo = queue.shift()) {
        const t0 = Date.now();
        hashes.push(await sendDemoSession(client, dir, demo));
        console.log(`[demo] ${demo.label}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      }
    });
    await Promise.all(workers);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  console.log(`[demo] ${hashes.length} recorded sessions sent through ${url}/api/v1 in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { sessions: hashes };
}

async function sendDemoSession(client: IngestClient, dir: string, demo: DemoSession): Promise<string> {
  const hash = randomBytes(10).toString("hex");
  const startedAt = new Date(Date.now() - demo.startedAgoMs);
  const { file, events, durationMs } = await demo.media(dir);
  await client.start({ ...demo.start, hash, startedAt: startedAt.toISOString() });
  // Events go in batches, as a proxy flushes them while the session runs.
  const active = demo.finish === "active";
  const sent = active ? events.filter((e) => e.t < durationMs * 0.6) : events;
  for (let i = 0; i < sent.length; i += 500) await client.events(hash, sent.slice(i, i + 500));
  const endedAt = new Date(startedAt.getTime() + durationMs).toISOString();
  if (!file) {
    const errorMessage = typeof demo.finish === "object" ? demo.finish.errorMessage : null;
    await client.finish(hash, { endedAt, totalChunks: 0, errorMessage });
    return hash;
  }
  const chunkSize = demo.chunkSize ?? 256 * 1024;
  if (active) {
    // Still recording: the first part of the media has arrived, the rest has not.
    const size = (await stat(file)).size;
    const some = Math.max(1, Math.floor(size / chunkSize / 2));
    await client.uploadFile(hash, file, { chunkSize, limit: some });
    return hash;
  }
  const uploaded = await client.uploadFile(hash, file, { chunkSize });
  await client.finish(hash, {
    endedAt,
    totalChunks: uploaded.totalChunks,
    mediaSha256: uploaded.sha256,
    errorMessage: typeof demo.finish === "object" ? demo.finish.errorMessage : null,
  });
  return hash;
}
