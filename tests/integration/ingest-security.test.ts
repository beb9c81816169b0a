/**
 * The ingestion API's route handlers, called as Next.js calls them, against
 * a real database and the local disk: sessions belong to the token that
 * started them, text the database cannot store (NUL, lone surrogates) is
 * refused or marked but never a 500, chunk numbers are canonical decimal
 * integers, and a failure to store logs ids and the error, never contents.
 */
import { createHash } from "node:crypto";
import { rm } from "node:fs/promises";
import { eq } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const dataDir = vi.hoisted(() => {
  const dir = `/tmp/sv-ingest-security-${process.pid}-${Date.now()}`;
  process.env.DATA_DIR = dir;
  return dir;
});

import { GET as getStatus } from "@/app/api/v1/sessions/[hash]/route";
import { PUT as putChunk } from "@/app/api/v1/sessions/[hash]/chunks/[seq]/route";
import { POST as postEvents } from "@/app/api/v1/sessions/[hash]/events/route";
import { POST as postFinish } from "@/app/api/v1/sessions/[hash]/finish/route";
import { POST as postStart } from "@/app/api/v1/sessions/route";
import { db } from "@/lib/db/client";
import { auditLog, remoteSessions, sessionEvents } from "@/lib/db/schema";
import { stopBoss } from "@/lib/jobs/queue";
import { createApiToken, listApiTokens, moveSessionToToken } from "@/lib/tokens";
import { closeDb, ownerUrlOf, useFreshDatabase } from "../support/db";
import { createTestUser } from "../support/users";

let appUrl: string;
let tokenA: string;
let tokenB: string;

beforeAll(async () => {
  appUrl = await useFreshDatabase();
  tokenA = (await createApiToken({ name: "proxy-a", createdBy: null })).token;
  tokenB = (await createApiToken({ name: "proxy-b", createdBy: null })).token;
});
afterAll(async () => {
  await stopBoss();
  await closeDb();
  await rm(dataDir, { recursive: true, force: true });
});

const BASE = "http://app.test/api/v1";
const ctx = (params: Record<string, string>) => ({ params: Promise.resolve(params) });
const auth = (token: string, extra: Record<string, string> = {}) => ({ Authorization: `Bearer ${token}`, ...extra });

function start(token: string, body: Record<string, unknown>) {
  return postStart(
    new Request(`${BASE}/sessions`, { method: "POST", headers: auth(token, { "Content-Type": "application/json" }), body: JSON.stringify(body) }),
  );
}
const startBody = (hash: string, extra: Record<string, unknown> = {}) => ({
  hash,
  protocol: "ssh",
  host: "db-01.internal",
  credentialUsername: "root",
  user: "alice@example.com",
  userIp: "10.0.0.7",
  startedAt: "2026-03-01T10:00:00Z",
  ...extra,
});
function chunk(token: string, hash: string, seq: string, bytes: Buffer) {
  return putChunk(
    new Request(`${BASE}/sessions/${hash}/chunks/${seq}`, {
      method: "PUT",
      headers: auth(token, { "X-Chunk-SHA256": createHash("sha256").update(bytes).digest("hex"), "Content-Length": String(bytes.length) }),
      body: new Uint8Array(bytes),
    }),
    ctx({ hash, seq }),
  );
}
function events(token: string, hash: string, lines: string) {
  return postEvents(new Request(`${BASE}/sessions/${hash}/events`, { method: "POST", headers: auth(token), body: lines }), ctx({ hash }));
}
function status(token: string, hash: string) {
  return getStatus(new Request(`${BASE}/sessions/${hash}`, { headers: auth(token) }), ctx({ hash }));
}
function finish(token: string, hash: string, body: Record<string, unknown>) {
  return postFinish(
    new Request(`${BASE}/sessions/${hash}/finish`, {
      method: "POST",
      headers: auth(token, { "Content-Type": "application/json" }),
      body: JSON.stringify(body),
    }),
    ctx({ hash }),
  );
}

describe("a session belongs to the token that started it", () => {
  it("answers another token with the 404 of a missing session, everywhere", async () => {
    const hash = "boundsession0001";
    expect((await start(tokenA, startBody(hash))).status).toBe(201);
    expect((await chunk(tokenA, hash, "0", Buffer.from("first chunk"))).status).toBe(201);
    const missing = await (await status(tokenB, "nosuchsession001")).json();

    const asB = await status(tokenB, hash);
    expect(asB.status).toBe(404);
    expect(await asB.json()).toEqual({ ...missing, error: (missing as { error: string }).error.replace("nosuchsession001", hash) });
    expect((await chunk(tokenB, hash, "1", Buffer.from("injected"))).status).toBe(404);
    expect((await chunk(tokenB, hash, "0", Buffer.from("first chunk"))).status).toBe(404);
    expect((await events(tokenB, hash, JSON.stringify({ type: "command", t: 5, command: "forged" }))).status).toBe(404);
    expect((await finish(tokenB, hash, { endedAt: "2026-03-01T10:05:00Z", totalChunks: 0 })).status).toBe(404);
    // Starting the same hash again from another token does not hand the session over.
    expect((await start(tokenB, startBody(hash))).status).toBe(409);
    const stored = await db
      .select()
      .from(sessionEvents)
      .innerJoin(remoteSessions, eq(remoteSessions.id, sessionEvents.sessionId))
      .where(eq(remoteSessions.hash, hash));
    expect(stored).toHaveLength(0);
    // The session's own token still works.
    const asA = await status(tokenA, hash);
    expect(asA.status).toBe(200);
    expect(((await asA.json()) as { recording: { chunks: unknown[] } }).recording.chunks).toHaveLength(1);
  });
});

describe("an admin moves a session to another token", () => {
  it("hands it over explicitly, audited: then only the new token may use it", async () => {
    const hash = "movedsession0001";
    expect((await start(tokenA, startBody(hash))).status).toBe(201);
    const admin = await createTestUser("admin");
    const auditor = await createTestUser("auditor");
    const b = (await listApiTokens()).find((t) => t.name === "proxy-b")!;
    await expect(moveSessionToToken({ actor: auditor, ip: null, hash, tokenId: b.id })).rejects.toMatchObject({ status: 403 });
    await expect(moveSessionToToken({ actor: admin, ip: null, hash: "nosuchsession001", tokenId: b.id })).rejects.toMatchObject({ status: 404 });
    await moveSessionToToken({ actor: admin, ip: "10.0.0.1", hash, tokenId: b.id });
    expect((await status(tokenB, hash)).status).toBe(200);
    expect((await status(tokenA, hash)).status).toBe(404);
    expect((await events(tokenB, hash, JSON.stringify({ type: "command", t: 5, command: "resumed" }))).status).toBe(201);
    const [entry] = await db.select().from(auditLog).where(eq(auditLog.action, "session.token_moved"));
    expect(entry).toMatchObject({ actorId: admin.id, targetId: hash, details: { to: b.id, toName: "proxy-b" } });
    expect((entry!.details as { from: string }).from).not.toBe(b.id);
  });
});

describe("finishing is idempotent", () => {
  it("keeps the first outcome of a session without media when the finish is retried", async () => {
    const hash = "retriedfinish001";
    expect((await start(tokenA, startBody(hash))).status).toBe(201);
    const failed = { endedAt: "2026-03-01T10:05:00Z", totalChunks: 0, errorMessage: "connection reset by target" };
    const first = await finish(tokenA, hash, failed);
    expect(first.status).toBe(200);
    const receipt = await first.json();
    expect(receipt).toMatchObject({ status: "failed" });
    // The proxy lost the answer and retries; a later, different finish does not rewrite the stored outcome either.
    const again = await finish(tokenA, hash, failed);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(receipt);
    const other = await finish(tokenA, hash, { endedAt: "2026-03-01T10:09:00Z", totalChunks: 0 });
    expect(await other.json()).toEqual(receipt);
    const [row] = await db.select().from(remoteSessions).where(eq(remoteSessions.hash, hash));
    expect(row).toMatchObject({ status: "failed", errorMessage: "connection reset by target", endedAt: new Date("2026-03-01T10:05:00Z") });
  });
});

describe("chunk numbers", () => {
  it.each(["1e3", "0x10", " 1", "1 ", "01", "+1", "1.0", "-0", "", "10000001"])("refuses %j with a 400 naming seq", async (seq) => {
    const hash = "seqsession000001";
    await start(tokenA, startBody(hash));
    const res = await chunk(tokenA, hash, seq, Buffer.from("x"));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { field: string }).field).toBe("seq");
  });
});

describe("text the database cannot store", () => {
  it("refuses a NUL in a start field with a 422 naming it", async () => {
    for (const field of ["host", "credentialUsername", "user", "userIp", "clusterNode"]) {
      const res = await start(tokenA, startBody(`nulstart${field.slice(0, 8).padEnd(8, "x")}`, { [field]: "a\u0000b" }));
      expect([field, res.status]).toEqual([field, 422]);
      const body = (await res.json()) as { field: string; error: string };
      expect(body.field).toBe(field);
      expect(body.error).toMatch(/NUL/);
    }
  });

  it("stores a batch with NULs and lone surrogates: each replaced, and the fields named on the event", async () => {
    const hash = "nulevents0000001";
    await start(tokenA, startBody(hash));
    const lines = [
      JSON.stringify({ type: "window", t: 1, title: "evil\u0000title" }),
      JSON.stringify({ type: "key", t: 2, key: "\u0000" }),
      // A lone surrogate as JSON writes it: \ud800
      '{"type":"command","t":3,"command":"echo \\ud800 done"}',
      JSON.stringify({ type: "command", t: 4, command: "plain" }),
    ].join("\n");
    const res = await events(tokenA, hash, lines);
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ stored: 4, replaced: 3 });
    const rows = await db
      .select({ t: sessionEvents.tMs, data: sessionEvents.data })
      .from(sessionEvents)
      .innerJoin(remoteSessions, eq(remoteSessions.id, sessionEvents.sessionId))
      .where(eq(remoteSessions.hash, hash))
      .orderBy(sessionEvents.tMs);
    expect(rows.map((r) => r.data)).toEqual([
      { title: "evil\u2400title", replaced: ["title"] },
      { key: "\u2400", replaced: ["key"] },
      { command: "echo \ufffd done", replaced: ["command"] },
      { command: "plain" },
    ]);
    const done = await finish(tokenA, hash, { endedAt: "2026-03-01T10:05:00Z", totalChunks: 0, errorMessage: "target said \u0000" });
    expect(done.status).toBe(200);
    const [session] = await db.select().from(remoteSessions).where(eq(remoteSessions.hash, hash));
    expect(session!.errorMessage).toBe("target said \u2400");
  });
});

describe("the server log", () => {
  async function asOwner(statement: string) {
    const client = new pg.Client({ connectionString: ownerUrlOf(appUrl) });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  }

  it("names the route and the error of a batch or a start that fails to store, never what was typed or sent", async () => {
    const hash = "logsession000001";
    await start(tokenA, startBody(hash));
    const logged: string[] = [];
    const spy = vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
      logged.push(
        args
          .map((a) => (a instanceof Error ? `${a.stack}\n${JSON.stringify(a, Object.getOwnPropertyNames(a))}` : typeof a === "string" ? a : JSON.stringify(a)))
          .join(" "),
      );
    });
    // The database refuses every insert of events or sessions: what is logged about it?
    await asOwner("REVOKE INSERT ON session_events, remote_sessions FROM session_video_app");
    try {
      const typed = [..."hunter2-Secret"].map((key, i) => JSON.stringify({ type: "key", t: 10 + i, key, masked: true })).join("\n");
      const failed = await events(tokenA, hash, typed);
      expect(failed.status).toBe(500);
      const started = await start(tokenA, startBody("logsession000002", { host: "crown-jewels.internal", user: "victim@example.com" }));
      expect(started.status).toBe(500);
    } finally {
      await asOwner("GRANT INSERT ON session_events, remote_sessions TO session_video_app");
      spy.mockRestore();
    }
    const log = logged.join("\n");
    expect(log).toContain("ingest events");
    expect(log).toContain("ingest start");
    expect(log).toMatch(/42501|permission denied/);
    for (const secret of ["hunter2", "Secret", '"h"', "crown-jewels", "victim@example.com", "10.0.0.7"]) expect(log).not.toContain(secret);
    // The typed keys are not in the log even one character at a time.
    expect(log).not.toMatch(/"key":"/);
  });
});
