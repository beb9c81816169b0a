/**
 * The ingestion API against the built app (its web server) and a worker, on a
 * real PostgreSQL and the local-disk storage: the whole lifecycle, resume
 * after a restart, duplicate / conflicting / missing / out-of-order chunks,
 * tampering found by verification, result data refused, tokens, admin pages.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, db, useDatabaseUrl } from "@/lib/db/client";
import { auditLog, recordings, remoteSessions, sessionEvents } from "@/lib/db/schema";
import { chainHead } from "@/lib/recordings/chain";
import { IngestApiError, IngestClient, sha256Hex } from "@/lib/ingest/client";
import { ffmpegPath } from "@/lib/media/binaries";
import { createApiToken, revokeApiToken } from "@/lib/tokens";
import { createTestDatabase } from "../support/db";
import { createTestUser } from "../support/users";
import { launchBrowser, signIn } from "./support/browser";
import { freePort } from "./support/server";
import { webServerArgs } from "@/lib/setup/web-process";

type Server = { url: string; child: ChildProcess; stop: () => Promise<void> };

let databaseUrl: string;
let dataDir: string;
let server: Server;
let worker: ChildProcess;
let api: IngestClient;
let media: Buffer;

async function stopChild(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

/** The web server on the test database and data folder (kept across restarts). */
async function startServer(): Promise<Server> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, webServerArgs({ port, hostname: "127.0.0.1" }), {
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      NEXTAUTH_URL: url,
      NEXTAUTH_SECRET: "ingest-test-secret-0123456789abcdef",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  child.stdout?.on("data", (d) => output.push(String(d)));
  child.stderr?.on("data", (d) => output.push(String(d)));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the web server exited:\n${output.join("")}`);
    if (
      await fetch(`${url}/signin`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (Date.now() > deadline) throw new Error(`the web server did not answer:\n${output.join("")}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, child, stop: () => stopChild(child) };
}

/** A background worker (`npm run worker`) on the test database and data folder. */
function startWorker(): ChildProcess {
  return spawn(
    process.execPath,
    [path.resolve("node_modules/tsx/dist/cli.mjs"), "--conditions=react-server", "--tsconfig", "tsconfig.json", "lib/cli/worker.ts"],
    { env: { ...process.env, NODE_ENV: "production", DATABASE_URL: databaseUrl, DATA_DIR: dataDir }, stdio: ["ignore", "inherit", "inherit"] },
  );
}

const startInput = (hash: string, extra: Partial<Record<string, string>> = {}) => ({
  hash,
  protocol: "ssh" as const,
  host: "db-01.internal",
  credentialUsername: "root",
  user: "alice@example.com",
  userIp: "10.0.0.7",
  startedAt: "2026-03-01T10:00:00Z",
  clusterNode: "proxy-a",
  ...extra,
});

const uniqueHash = () => `t${randomBytes(8).toString("hex")}`;

function splitInto(buf: Buffer, n: number): Buffer[] {
  const size = Math.ceil(buf.length / n);
  return Array.from({ length: n }, (_, i) => buf.subarray(i * size, Math.min(buf.length, (i + 1) * size)));
}

async function expectStatus(promise: Promise<unknown>, status: number): Promise<IngestApiError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IngestApiError);
  expect((error as IngestApiError).status).toBe(status);
  return error as IngestApiError;
}

async function recordingOf(hash: string) {
  const [row] = await db
    .select({ recording: recordings, session: remoteSessions })
    .from(remoteSessions)
    .leftJoin(recordings, eq(recordings.sessionId, remoteSessions.id))
    .where(eq(remoteSessions.hash, hash));
  return row;
}

async function waitFor<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

beforeAll(async () => {
  databaseUrl = await createTestDatabase();
  useDatabaseUrl(databaseUrl);
  dataDir = await mkdtemp(path.join(os.tmpdir(), "sv-ingest-"));
  server = await startServer();
  worker = startWorker();
  const { token } = await createApiToken({ name: "test-proxy", createdBy: null });
  api = new IngestClient(server.url, token);
  // A real 2-second recording: H.264 video 320×240 and AAC audio, fragmented MP4.
  const file = path.join(dataDir, "source.mp4");
  await execa(
    ffmpegPath(),
    [
      "-v",
      "error",
      "-f",
      "lavfi",
      "-i",
      "testsrc=size=320x240:rate=10:duration=2",
      "-f",
      "lavfi",
      "-i",
      "sine=frequency=440:duration=2",
      "-c:v",
      "libx264",
      "-preset",
      "ultrafast",
      "-pix_fmt",
      "yuv420p",
      "-c:a",
      "aac",
      "-shortest",
      "-movflags",
      "frag_keyframe+empty_moov+default_base_moof",
      "-y",
      file,
    ],
    { timeout: 60_000 },
  );
  media = await readFile(file);
  await createTestUser("user", { email: "alice@example.com", name: "Alice" });
});

afterAll(async () => {
  if (worker) await stopChild(worker);
  await server?.stop();
  await closeDb();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("ingestion API", () => {
  it("runs a whole session: start, chunks out of order, events, finish, probe", async () => {
    const hash = uniqueHash();
    const first = await api.start(startInput(hash));
    expect(first.status).toBe(201);
    const again = await api.start(startInput(hash, { host: "other" }));
    expect(again.status).toBe(200);
    expect(again.body.created).toBe(false);

    const chunks = splitInto(media, 4);
    for (const seq of [2, 0, 3, 1]) expect((await api.putChunk(hash, seq, chunks[seq]!)).status).toBe(201);
    // The same chunk again: accepted once, stored once.
    const dup = await api.putChunk(hash, 1, chunks[1]!);
    expect(dup.status).toBe(200);
    expect(dup.body.duplicate).toBe(true);
    // Another body for an acknowledged number: refused, the stored chunk unchanged.
    const conflict = await expectStatus(api.putChunk(hash, 1, Buffer.from("something else")), 409);
    expect(JSON.stringify(conflict.body)).toContain("seq");

    const status = await api.status(hash);
    expect(status.body.recording?.chunks.map((c) => c.seq)).toEqual([0, 1, 2, 3]);
    expect(status.body.recording?.nextSeq).toBe(4);
    expect(status.body.recording?.sizeBytes).toBe(media.length);

    const stored = await api.events(hash, [
      { type: "key", t: 100, key: "l" },
      { type: "key", t: 150, key: "s", modifiers: ["shift"] },
      { type: "key", t: 300, key: "x", masked: true },
      { type: "command", t: 400, command: "ls -la" },
      { type: "window", t: 500, title: "Terminal" },
    ]);
    expect(stored.body.stored).toBe(5);

    const finish = await api.finish(hash, { endedAt: "2026-03-01T10:00:02Z", totalChunks: 4, mediaSha256: sha256Hex(media) });
    expect(finish.body.recording?.status).toBe("processing");
    expect(finish.body.recording?.chainHead).toBe(chainHead(chunks.map((c) => sha256Hex(c))));

    const { recording, session } = (await waitFor(
      "the probe",
      () => recordingOf(hash),
      (r) => r?.recording?.status === "ready" || r?.recording?.status === "failed",
    ))!;
    expect(recording?.status).toBe("ready");
    expect(recording?.width).toBe(320);
    expect(recording?.height).toBe(240);
    expect(recording?.videoCodec).toBe("h264");
    expect(recording?.hasAudio).toBe(true);
    expect(recording?.durationMs).toBeGreaterThan(1800);
    expect(recording?.durationMs).toBeLessThan(2300);
    expect(recording?.integrityStatus).toBe("verified");
    expect(session.status).toBe("closed");
    expect(session.recordingSize).toBe(media.length);
    expect(session.userId).not.toBeNull(); // alice@example.com has an account
    expect(session.host).toBe("db-01.internal"); // the second start changed nothing
    const assembled = await readFile(path.join(dataDir, "recordings", "recordings", String(recording!.id), "media"));
    expect(sha256Hex(assembled)).toBe(sha256Hex(media));
    const events = await db.select().from(sessionEvents).where(eq(sessionEvents.sessionId, session.id));
    expect(events).toHaveLength(5);
    expect(events.find((e) => e.tMs === 300)?.data).toEqual({ key: "x", masked: true });

    // Finished: no more chunks.
    await expectStatus(api.putChunk(hash, 4, Buffer.from("late")), 409);
  });

  it("keeps one body when two uploads of the same chunk number race", async () => {
    const hash = uniqueHash();
    await api.start(startInput(hash));
    const a = randomBytes(512 * 1024);
    const b = randomBytes(512 * 1024);
    const bodies = [a, b, a, b, a, b];
    // Sent together, all are past the first look before any is recorded: the lock decides.
    const outcomes = await Promise.allSettled(bodies.map((body) => api.putChunk(hash, 0, body)));
    const statuses = outcomes.map((o) => (o.status === "fulfilled" ? o.value.status : (o.reason as IngestApiError).status));
    const kept = sha256Hex(a) === (await api.status(hash)).body.recording?.chunks[0]?.sha256 ? a : b;
    // One winner (201); the same bytes again are duplicates (200); the other bytes are refused (409).
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    bodies.forEach((body, i) => expect(body === kept ? [200, 201] : [409]).toContain(statuses[i]));

    const { recording, session } = (await recordingOf(hash))!;
    expect(recording?.sizeBytes).toBe(kept.length);
    expect(session.recordingSize).toBe(kept.length);
    const folder = path.join(dataDir, "recordings", "recordings", String(recording!.id), "chunks");
    // The stored bytes are the recorded chunk's, and no unfinished write is left beside them.
    expect(await readdir(folder)).toEqual(["00000000"]);
    expect(sha256Hex(await readFile(path.join(folder, "00000000")))).toBe(sha256Hex(kept));
  });

  it("answers bad requests with a 4xx naming the field", async () => {
    const hash = uniqueHash();
    const bad = await expectStatus(api.start({ ...startInput(hash), protocol: "gopher" as "ssh" }), 422);
    expect(bad.body).toMatchObject({ field: "protocol" });
    const unknown = await expectStatus(api.start({ ...startInput(hash), extra: 1 } as ReturnType<typeof startInput>), 422);
    expect(JSON.stringify(unknown.body)).toContain("extra");
    await api.start(startInput(hash));
    const res = await fetch(`${server.url}/api/v1/sessions/${hash}/chunks/abc`, {
      method: "PUT",
      headers: { authorization: `Bearer ${api.token}`, "x-chunk-sha256": sha256Hex("x") },
      body: "x",
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ field: "seq" });
    const noHeader = await fetch(`${server.url}/api/v1/sessions/${hash}/chunks/0`, {
      method: "PUT",
      headers: { authorization: `Bearer ${api.token}` },
      body: "x",
    });
    expect(noHeader.status).toBe(400);
    expect(await noHeader.json()).toMatchObject({ field: "x-chunk-sha256" });
    // A body that does not match its announced SHA-256 is not acknowledged.
    const wrong = await expectStatus(api.putChunk(hash, 0, Buffer.from("actual bytes"), sha256Hex("other bytes")), 422);
    expect(wrong.body).toMatchObject({ field: "X-Chunk-SHA256" });
    expect((await api.status(hash)).body.recording?.chunks).toEqual([]);
    await expectStatus(api.status("no-such-session"), 404);
    const broken = await fetch(`${server.url}/api/v1/sessions`, {
      method: "POST",
      headers: { authorization: `Bearer ${api.token}`, "content-type": "application/json" },
      body: "{not json",
    });
    expect(broken.status).toBe(400);
  });

  it("refuses a query event carrying result rows, and stores nothing of its batch", async () => {
    const hash = uniqueHash();
    await api.start({ ...startInput(hash), protocol: "postgresql" });
    const secret = "4111-1111-1111-1111";
    const batch = [
      JSON.stringify({ type: "query", t: 10, statement: "select 1", outcome: "success", rowsAffected: 1 }),
      JSON.stringify({ type: "query", t: 20, statement: "select card from cards", outcome: "success", columns: ["card"], rows: [[secret]] }),
    ].join("\n");
    const refused = await expectStatus(api.events(hash, batch), 422);
    expect(JSON.stringify(refused.body)).toMatch(/result data/);
    expect(JSON.stringify(refused.body)).not.toContain(secret);
    // Any other unknown key on a query is refused too.
    await expectStatus(api.events(hash, JSON.stringify({ type: "query", t: 1, statement: "x", outcome: "error", resultPreview: secret })), 422);
    const [session] = await db.select().from(remoteSessions).where(eq(remoteSessions.hash, hash));
    const stored = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(sessionEvents)
      .where(eq(sessionEvents.sessionId, session!.id));
    expect(stored[0]?.n).toBe(0);
    const leaked = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(sessionEvents)
      .where(sql`${sessionEvents.data}::text like ${"%" + secret + "%"}`);
    expect(leaked[0]?.n).toBe(0);
    // Statement, outcome, rows affected and the error are what a query event keeps.
    const ok = await api.events(hash, [
      { type: "query", t: 30, statement: "delete from t where id = 1", outcome: "success", rowsAffected: 1 },
      { type: "query", t: 40, statement: "select * from nope", outcome: "error", errorMessage: 'relation "nope" does not exist' },
    ]);
    expect(ok.body.stored).toBe(2);
  });

  it("leaves a session with missing chunks or a wrong total hash visibly incomplete", async () => {
    const chunks = splitInto(media, 3);
    const missing = uniqueHash();
    await api.start(startInput(missing));
    await api.putChunk(missing, 0, chunks[0]!);
    await api.putChunk(missing, 2, chunks[2]!);
    const status = await api.status(missing);
    expect(status.body.recording?.nextSeq).toBe(1);
    const done = await api.finish(missing, { endedAt: "2026-03-01T10:05:00Z", totalChunks: 3, mediaSha256: sha256Hex(media) });
    expect(done.body.recording?.status).toBe("incomplete");
    expect(done.body.recording?.statusReason).toMatch(/Missing chunk 1 of 3/);
    // The late chunk arrives: the proxy sends it and finishes again; now it is complete.
    await api.putChunk(missing, 1, chunks[1]!);
    const retried = await api.finish(missing, { endedAt: "2026-03-01T10:05:00Z", totalChunks: 3, mediaSha256: sha256Hex(media) });
    expect(retried.body.recording?.status).toBe("processing");

    const wrongHash = uniqueHash();
    await api.start(startInput(wrongHash));
    for (const [seq, c] of chunks.entries()) await api.putChunk(wrongHash, seq, c);
    const wrong = await api.finish(wrongHash, { endedAt: "2026-03-01T10:05:00Z", totalChunks: 3, mediaSha256: sha256Hex("not the media") });
    expect(wrong.body.recording?.status).toBe("incomplete");
    expect(wrong.body.recording?.statusReason).toMatch(/does not match/);

    // A failed session without media: closed as failed, no recording.
    const failed = uniqueHash();
    await api.start(startInput(failed));
    const f = await api.finish(failed, { endedAt: "2026-03-01T10:00:01Z", totalChunks: 0, errorMessage: "Connection refused" });
    expect(f.body.status).toBe("failed");
    expect(f.body.recording).toBeNull();
    await expectStatus(api.putChunk(failed, 0, Buffer.from("too late")), 409);
  });

  it("marks media ffprobe cannot read as failed, with ffprobe's reason", async () => {
    const hash = uniqueHash();
    const garbage = Buffer.concat([Buffer.from("not a video at all "), randomBytes(64 * 1024)]);
    await api.start(startInput(hash));
    await api.putChunk(hash, 0, garbage);
    await api.finish(hash, { endedAt: "2026-03-01T10:00:02Z", totalChunks: 1, mediaSha256: sha256Hex(garbage) });
    const { recording } = (await waitFor(
      "the probe",
      () => recordingOf(hash),
      (r) => r?.recording?.status !== "processing",
    ))!;
    expect(recording?.status).toBe("failed");
    expect(recording?.statusReason).toMatch(/ffprobe cannot read the media: .*Invalid data/i);
    expect(recording?.statusReason).not.toContain(dataDir); // the reason names no server path
  });

  it("keeps acknowledged chunks across a server restart, and the proxy resumes", async () => {
    const hash = uniqueHash();
    const chunks = splitInto(media, 4);
    await api.start(startInput(hash));
    await api.putChunk(hash, 0, chunks[0]!);
    await api.putChunk(hash, 1, chunks[1]!);
    await server.stop();
    server = await startServer();
    api = new IngestClient(server.url, api.token);
    const status = await api.status(hash);
    expect(status.body.recording?.chunks.map((c) => c.seq)).toEqual([0, 1]);
    const next = status.body.recording!.nextSeq;
    expect(next).toBe(2);
    for (let seq = next; seq < 4; seq++) await api.putChunk(hash, seq, chunks[seq]!);
    const done = await api.finish(hash, { endedAt: "2026-03-01T10:00:02Z", totalChunks: 4, mediaSha256: sha256Hex(media) });
    expect(done.body.recording?.status).toBe("processing");
  });

  it("completes an assembly cut short by a server crash, without the proxy calling finish again", async () => {
    // No worker while the server dies: the worker that starts afterwards is what must complete it.
    await stopChild(worker);
    const hash = uniqueHash();
    // Big enough that assembling takes a while (random bytes: ffprobe will refuse them, which is fine here).
    const file = path.join(dataDir, "crash-source.bin");
    await writeFile(file, randomBytes(160 * 1024 * 1024));
    await api.start(startInput(hash));
    const uploaded = await api.uploadFile(hash, file, { chunkSize: 8 * 1024 * 1024 });
    await rm(file);
    const finishing = api.finish(hash, { endedAt: "2026-03-01T10:00:02Z", totalChunks: uploaded.totalChunks, mediaSha256: uploaded.sha256 });
    finishing.catch(() => undefined); // the server dies under it
    await waitFor(
      "finish to claim the recording",
      () => recordingOf(hash),
      (r) => r?.recording?.statusReason === "Assembling the chunks",
      30_000,
    );
    server.child.kill("SIGKILL");
    await new Promise((r) => server.child.once("exit", r));
    const cut = (await recordingOf(hash))!;
    expect(cut.recording?.status).toBe("processing");
    expect(cut.recording?.finishedAt).toBeNull();

    server = await startServer();
    api = new IngestClient(server.url, api.token);
    worker = startWorker();
    const { recording } = (await waitFor(
      "the worker to assemble and probe",
      () => recordingOf(hash),
      (r) => r?.recording?.status !== "processing",
      120_000,
    ))!;
    expect(recording?.finishedAt).not.toBeNull();
    expect(recording?.sizeBytes).toBe(160 * 1024 * 1024);
    expect(recording?.integrityStatus).toBe("verified");
    // The probe ran after the recovered assembly: it read the whole media and refused it.
    expect(recording?.status).toBe("failed");
    expect(recording?.statusReason).toMatch(/ffprobe cannot read the media/);
    const assembled = await readFile(path.join(dataDir, "recordings", "recordings", String(recording!.id), "media"));
    expect(sha256Hex(assembled)).toBe(uploaded.sha256);
    // The killed assembly's partial file was removed by the one that completed it.
    expect((await readdir(path.join(dataDir, "recordings", "recordings", String(recording!.id)))).filter((n) => n.endsWith(".partial"))).toEqual([]);
  }, 240_000);

  it("finds a tampered chunk when the recordings are verified", async () => {
    const hash = uniqueHash();
    const chunks = splitInto(media, 4);
    await api.start(startInput(hash));
    for (const [seq, c] of chunks.entries()) await api.putChunk(hash, seq, c);
    await api.finish(hash, { endedAt: "2026-03-01T10:00:02Z", totalChunks: 4, mediaSha256: sha256Hex(media) });
    const { recording } = (await recordingOf(hash))!;
    const chunkFile = path.join(dataDir, "recordings", "recordings", String(recording!.id), "chunks", "00000002");
    const bytes = await readFile(chunkFile);
    bytes[10] = bytes[10]! ^ 0xff;
    await writeFile(chunkFile, bytes);
    const { verifyRecordingsJob } = await import("@/lib/jobs/verify-recordings");
    await verifyRecordingsJob.send({ recordingId: recording!.id });
    const after = await waitFor(
      "the verification",
      async () => (await recordingOf(hash))!.recording!,
      (r) => r.integrityStatus === "mismatch",
    );
    expect(after.integrityFirstBadChunk).toBe(2);
    expect(after.integrityDetail).toMatch(/chunk 2 does not match/);
    const { stopBoss } = await import("@/lib/jobs/queue");
    await stopBoss();
  });

  it("refuses a wrong or revoked token with 401 and touches nothing", async () => {
    const hash = uniqueHash();
    const wrong = new IngestClient(server.url, `svt_aaaaaaaaaaaa_${"A".repeat(43)}`);
    await expectStatus(wrong.start(startInput(hash)), 401);
    const noToken = await fetch(`${server.url}/api/v1/sessions/${hash}`);
    expect(noToken.status).toBe(401);
    const { token, row } = await createApiToken({ name: "to-revoke", createdBy: null });
    const revocable = new IngestClient(server.url, token);
    expect((await revocable.start(startInput(hash))).status).toBe(201);
    await revokeApiToken({ id: row.id });
    await expectStatus(revocable.putChunk(hash, 0, Buffer.from("x")), 401);
    await expectStatus(revocable.events(hash, [{ type: "command", t: 1, command: "id" }]), 401);
    const [session] = await db.select().from(remoteSessions).where(eq(remoteSessions.hash, hash));
    expect(await db.select().from(recordings).where(eq(recordings.sessionId, session!.id))).toHaveLength(0);
    expect(await db.select().from(sessionEvents).where(eq(sessionEvents.sessionId, session!.id))).toHaveLength(0);
  });

  it("serves an OpenAPI 3.1 document built from the request schemas", async () => {
    const res = await fetch(`${server.url}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<string, unknown>;
      components: { schemas: Record<string, { properties?: Record<string, unknown>; additionalProperties?: unknown }> };
    };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/api/v1/sessions/{hash}/chunks/{seq}", "/api/v1/audited-commands"]));
    expect(Object.keys(doc.components.schemas.AuditedCommands!.properties!)).toEqual(["version", "syntax", "rules"]);
    expect(Object.keys(doc.components.schemas.StartSession!.properties!)).toEqual(
      expect.arrayContaining(["hash", "protocol", "host", "credentialUsername", "user", "userIp", "startedAt"]),
    );
    expect(JSON.stringify(doc.components.schemas.SessionEvent)).toContain("rowsAffected");
  });
});

describe("API token administration", () => {
  it("lets an admin create and revoke tokens (audited), and refuses a user role with 403", async () => {
    const admin = await createTestUser("admin");
    const user = await createTestUser("user");
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      await signIn(page, server.url, admin.email, admin.password);
      await page.goto(`${server.url}/settings/tokens`);
      await page.getByLabel("Name").fill("proxy-ui");
      await page.getByRole("button", { name: "Create token" }).click();
      const token = (await page.getByTestId("new-token").textContent({ timeout: 15_000 }))!.trim();
      expect(token).toMatch(/^svt_/);
      const client = new IngestClient(server.url, token);
      expect((await client.start(startInput(uniqueHash()))).status).toBe(201);
      await page.reload();
      expect(await page.content()).not.toContain(token); // shown once only
      page.once("dialog", (d) => void d.accept());
      await page.locator('tr[data-token-name="proxy-ui"]').getByRole("button", { name: "Revoke" }).click();
      await page.locator('tr[data-token-name="proxy-ui"]').getByText("Revoked").waitFor({ timeout: 15_000 });
      await expectStatus(client.start(startInput(uniqueHash())), 401);
      const audited = await db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.actorId, admin.id), sql`${auditLog.action} like 'token.%'`));
      expect(audited.map((a) => a.action).sort()).toEqual(["token.created", "token.revoked"]);

      const userPage = await (await browser.newContext()).newPage();
      await signIn(userPage, server.url, user.email, user.password);
      const res = await userPage.goto(`${server.url}/settings/tokens`);
      expect(res?.status()).toBe(403);
      expect(await userPage.content()).not.toContain("Create token");
    } finally {
      await browser.close();
    }
  });
});
