/**
 * Sends the demo through the public ingestion API exactly as a session proxy
 * would: start, events in batches, chunks, finish. The recorded sessions of
 * the catalogue (each encoded for itself) and the few hundred everyday
 * sessions of the plan (units of a few scenes joined by a stream copy) go
 * newest first, so the first page of the list fills first.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { env } from "@/lib/env";
import { IngestClient } from "@/lib/ingest/client";
import type { SessionEventInput, StartSessionInput } from "@/lib/ingest/schemas";
import { createApiToken } from "@/lib/tokens";
import { DEMO_RECORDINGS } from "./catalogue";
import { joinUnits, UNIT_MS } from "./paint/units";
import { planDemoSessions, type PlannedSession } from "./plan";
import { encodeScene, type EncodedScene, type Scene } from "./scenes";

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

type Media = { file: string | null; events: SessionEventInput[]; durationMs: number };

/** One session as the proxy sends it. */
type Outgoing = {
  label: string;
  start: Omit<StartSessionInput, "hash" | "startedAt">;
  startedAt: Date;
  media: (dir: string) => Promise<Media>;
  chunkSize: number;
  finish: "ok" | "active" | { errorMessage: string };
  /** Say in the log how long it took (the catalogue's, not the few hundred everyday ones). */
  logged: boolean;
};

/** Everyday sessions are small (a few hundred KB): one chunk for most. */
const PLANNED_CHUNK_SIZE = 1024 * 1024;

export type SendDemoOptions = {
  baseUrl?: string;
  token?: string;
  /** The everyday sessions to send (default: the whole plan). */
  plan?: PlannedSession[];
  /** Whether to send the catalogue's recorded sessions too (default: yes). */
  catalogue?: boolean;
  /** Sessions being prepared and sent at once. */
  concurrency?: number;
  /** Called with each session's hash once the proxy's part of it is done. */
  onSent?: (hash: string) => void;
};

/**
 * Generates the demo's sessions and sends them through the HTTP API of the
 * server at `baseUrl`, with an API token it creates ("demo-proxy"). Each
 * session is uploaded as soon as its media is ready, a few at a time.
 */
export async function sendDemo(options: SendDemoOptions = {}): Promise<{ sessions: string[] }> {
  const url = options.baseUrl ?? `http://localhost:${env.PORT}`;
  await waitForServer(url);
  const secret = options.token ?? (await createApiToken({ name: `demo-proxy-${randomBytes(2).toString("hex")}`, createdBy: null })).token;
  const client = new IngestClient(url, secret);
  const dir = await mkdtemp(path.join(os.tmpdir(), "sv-demo-"));
  const started = Date.now();
  const hashes: string[] = [];
  try {
    const now = Date.now();
    const scenes = new Map<string, Promise<EncodedScene>>();
    const encoded = (scene: Scene) => {
      let pending = scenes.get(scene.id);
      if (!pending) scenes.set(scene.id, (pending = encodeScene(dir, scene)));
      return pending;
    };
    const outgoing: Outgoing[] = [
      ...(options.catalogue === false
        ? []
        : DEMO_RECORDINGS.map((demo) => ({
            label: demo.label,
            start: demo.start,
            startedAt: new Date(now - demo.startedAgoMs),
            media: demo.media,
            chunkSize: demo.chunkSize ?? 256 * 1024,
            finish: demo.finish,
            logged: true,
          }))),
      ...(options.plan ?? planDemoSessions({ now })).map((planned, i) => plannedOutgoing(planned, i, encoded)),
    ].sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime());
    const total = outgoing.length;
    const queue = [...outgoing];
    const lanes = Array.from({ length: options.concurrency ?? 3 }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const t0 = Date.now();
        const hash = await sendSession(client, dir, next);
        hashes.push(hash);
        options.onSent?.(hash);
        if (next.logged) console.log(`[demo] ${next.label}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
        if (hashes.length % 50 === 0) console.log(`[demo] ${hashes.length} of ${total} sessions sent`);
      }
    });
    await Promise.all(lanes);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  console.log(`[demo] ${hashes.length} sessions sent through ${url}/api/v1 in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { sessions: hashes };
}

/** An everyday session: its scene's opening, then its screen at rest for as long as it lasted. */
function plannedOutgoing(planned: PlannedSession, index: number, encoded: (scene: Scene) => Promise<EncodedScene>): Outgoing {
  const { scene, units } = planned;
  return {
    label: `${planned.start.protocol} ${planned.start.host}`,
    logged: false,
    start: planned.start,
    startedAt: planned.startedAt,
    chunkSize: PLANNED_CHUNK_SIZE,
    finish: planned.status === "closed" ? "ok" : planned.status === "active" ? "active" : { errorMessage: planned.errorMessage ?? "Connection failed" },
    media: async (dir) => {
      if (!scene || units === 0) return { file: null, events: [], durationMs: planned.durationMs };
      const { opening, rest, events } = await encoded(scene);
      const files = [...opening.slice(0, units), ...Array.from({ length: Math.max(0, units - opening.length) }, () => rest)];
      const file = await joinUnits(dir, `planned-${index}`, files);
      const durationMs = units * UNIT_MS;
      return { file, events: events.filter((e) => e.t < durationMs), durationMs };
    },
  };
}

async function sendSession(client: IngestClient, dir: string, demo: Outgoing): Promise<string> {
  const hash = randomBytes(16).toString("hex");
  const { startedAt } = demo;
  const { file, events, durationMs } = await demo.media(dir);
  try {
    await client.start({ ...demo.start, hash, startedAt: startedAt.toISOString() });
    // Events go in batches, as a proxy flushes them while the session runs.
    const active = demo.finish === "active";
    const sent = active ? events.filter((e) => e.t < durationMs * 0.6) : events;
    for (let i = 0; i < sent.length; i += 500) await client.events(hash, sent.slice(i, i + 500));
    const endedAt = new Date(startedAt.getTime() + durationMs).toISOString();
    const errorMessage = typeof demo.finish === "object" ? demo.finish.errorMessage : null;
    if (!file) {
      await client.finish(hash, { endedAt, totalChunks: 0, errorMessage });
      return hash;
    }
    const { chunkSize } = demo;
    if (active) {
      // Still recording: the first part of the media has arrived, the rest has not.
      const size = (await stat(file)).size;
      const some = Math.max(1, Math.floor(size / chunkSize / 2));
      await client.uploadFile(hash, file, { chunkSize, limit: some });
      return hash;
    }
    const uploaded = await client.uploadFile(hash, file, { chunkSize });
    await client.finish(hash, { endedAt, totalChunks: uploaded.totalChunks, mediaSha256: uploaded.sha256, errorMessage });
    return hash;
  } finally {
    // Sent: the server has its own copy. (Units and scenes stay for the next sessions.)
    if (file) await rm(file, { force: true });
  }
}
