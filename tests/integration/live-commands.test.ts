/**
 * The command channel between the auditors and the proxies, against a real
 * database: a command issued by another process (another node: its own pool)
 * reaches a proxy waiting on this one within a second through LISTEN/NOTIFY;
 * a proxy that was not connected gets what it missed on its next call, once;
 * another token sees nothing of it and cannot answer it; the permission rule
 * is checked by the function every caller goes through; the proxy's answer
 * and the session's end are kept on the command and in the audit trail.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as postAnswer } from "@/app/api/v1/commands/[id]/route";
import { GET as getCommands } from "@/app/api/v1/commands/route";
import { POST as postFinish } from "@/app/api/v1/sessions/[hash]/finish/route";
import { POST as postStart } from "@/app/api/v1/sessions/route";
import { db } from "@/lib/db/client";
import { auditLog, liveCommands, remoteSessions } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { buildOpenApiDocument } from "@/lib/ingest/openapi";
import { claimLiveCommandsUnchecked } from "@/lib/ingest/queries";
import { stopBoss } from "@/lib/jobs/queue";
import { canControlLiveSessions, issueLiveCommand, listActiveSessions } from "@/lib/live";
import { closeCommandListener } from "@/lib/live/channel";
import { saveParameters } from "@/lib/settings";
import { createApiToken } from "@/lib/tokens";
import { closeDb, useFreshDatabase } from "../support/db";
import { createTestUser } from "../support/users";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../..");

let appUrl: string;
let tokenA: string;
let tokenB: string;
let admin: Awaited<ReturnType<typeof createTestUser>>;

const BASE = "http://app.test/api/v1";
const auth = (token: string) => ({ Authorization: `Bearer ${token}`, "Content-Type": "application/json" });
const ctx = (params: Record<string, string>) => ({ params: Promise.resolve(params) });
const viewerOf = (u: { id: string; email: string; name: string; role: "admin" | "auditor" | "user" }) => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role,
});

async function startSession(token: string, hash: string) {
  const res = await postStart(
    new Request(`${BASE}/sessions`, {
      method: "POST",
      headers: auth(token),
      body: JSON.stringify({
        hash,
        protocol: "ssh",
        host: "db-01",
        credentialUsername: "root",
        user: "alice",
        userIp: "10.0.0.7",
        startedAt: new Date().toISOString(),
      }),
    }),
  );
  expect(res.status).toBe(201);
}
async function poll(token: string, wait: number) {
  const res = await getCommands(new Request(`${BASE}/commands?wait=${wait}`, { headers: auth(token) }));
  expect(res.status).toBe(200);
  return (await res.json()) as { commands: { id: string; hash: string; kind: string; text: string | null; issuedBy: string }[]; redeliverAfterSeconds: number };
}
function answer(token: string, id: string, body: unknown) {
  return postAnswer(new Request(`${BASE}/commands/${id}`, { method: "POST", headers: auth(token), body: JSON.stringify(body) }), ctx({ id }));
}

beforeAll(async () => {
  appUrl = await useFreshDatabase();
  tokenA = (await createApiToken({ name: "proxy-a", createdBy: null })).token;
  tokenB = (await createApiToken({ name: "proxy-b", createdBy: null })).token;
  admin = await createTestUser("admin", { name: "Ana Admin" });
});
afterAll(async () => {
  await closeCommandListener();
  await stopBoss();
  await closeDb();
});

describe("the command channel", () => {
  it("delivers a command issued by another process to a proxy waiting here within a second", async () => {
    await startSession(tokenA, "live-node-1");
    const waiting = poll(tokenA, 20).then((body) => ({ body, at: Date.now() }));
    // The other node: its own process and pool, the function the server action calls.
    const child = await run(
      path.join(root, "node_modules/.bin/tsx"),
      [
        "--conditions=react-server",
        "--tsconfig",
        "tsconfig.json",
        "tests/support/issue-live-command.ts",
        appUrl,
        admin.id,
        "live-node-1",
        "terminate",
        "Exfiltration in progress",
      ],
      { cwd: root, env: { ...process.env, NODE_ENV: "test" }, timeout: 30_000 },
    );
    const issued = JSON.parse(child.stdout.trim().split("\n").at(-1)!) as { id: string; committedAt: number; pid: number };
    expect(issued.pid).not.toBe(process.pid);
    const { body, at } = await waiting;
    expect(body.commands).toEqual([
      expect.objectContaining({ id: issued.id, hash: "live-node-1", kind: "terminate", text: "Exfiltration in progress", issuedBy: "Ana Admin" }),
    ]);
    // From the other process's commit to the answer in this one.
    expect(at - issued.committedAt).toBeLessThan(1000);
    const [row] = await db.select().from(liveCommands).where(eq(liveCommands.id, issued.id));
    expect(row?.deliveredAt).toBeInstanceOf(Date);
    expect((await answer(tokenA, issued.id, {})).status).toBe(200);
  });

  it("gives a proxy that reconnects the commands it missed, in order, once", async () => {
    await startSession(tokenA, "live-missed");
    const lock = await issueLiveCommand({ viewer: viewerOf(admin), hash: "live-missed", kind: "lock", text: "Checking what you run" });
    const message = await issueLiveCommand({ viewer: viewerOf(admin), hash: "live-missed", kind: "message", text: "Please stop" });
    const first = await poll(tokenA, 0);
    expect(first.commands.map((c) => c.id)).toEqual([lock.id, message.id]);
    expect((await poll(tokenA, 0)).commands).toEqual([]);
    // Answered: never again, even after the redelivery delay.
    for (const c of first.commands) expect((await answer(tokenA, c.id, {})).status).toBe(200);
    expect(await claimLiveCommandsUnchecked({ tokenId: (await tokenIdOf("live-missed"))!, redeliverAfterMs: 0 })).toEqual([]);
  });

  it("delivers again, with the same id, a command delivered and never acknowledged", async () => {
    await startSession(tokenA, "live-lost");
    const unlock = await issueLiveCommand({ viewer: viewerOf(admin), hash: "live-lost", kind: "unlock", text: "ignored" });
    expect(unlock.text).toBeNull();
    expect((await poll(tokenA, 0)).commands.map((c) => c.id)).toEqual([unlock.id]);
    const tokenId = (await tokenIdOf("live-lost"))!;
    expect((await claimLiveCommandsUnchecked({ tokenId, redeliverAfterMs: 60_000 })).map((c) => c.id)).toEqual([]);
    expect((await claimLiveCommandsUnchecked({ tokenId, redeliverAfterMs: 0 })).map((c) => c.id)).toEqual([unlock.id]);
    await answer(tokenA, unlock.id, { outcome: "done" });
  });

  it("shows another token nothing of these commands and refuses its answers like a missing command", async () => {
    await startSession(tokenA, "live-other");
    const cmd = await issueLiveCommand({ viewer: viewerOf(admin), hash: "live-other", kind: "message", text: "Hello" });
    expect((await poll(tokenB, 0)).commands).toEqual([]);
    const refused = await answer(tokenB, cmd.id, { outcome: "done" });
    expect(refused.status).toBe(404);
    const missing = await answer(tokenA, "00000000-0000-4000-8000-000000000000", {});
    expect(missing.status).toBe(404);
    expect(await refused.json()).toEqual(
      await missing.json().then((b: { error: string; field: string }) => ({ ...b, error: b.error.replace("00000000-0000-4000-8000-000000000000", cmd.id) })),
    );
    const [row] = await db.select().from(liveCommands).where(eq(liveCommands.id, cmd.id));
    expect(row).toMatchObject({ deliveredAt: null, outcome: null });
    // And a request without a token touches nothing.
    expect((await getCommands(new Request(`${BASE}/commands`))).status).toBe(401);
    expect((await getCommands(new Request(`${BASE}/commands?wait=31`, { headers: auth(tokenA) }))).status).toBe(400);
    expect((await answer(tokenA, cmd.id, { outcome: "maybe" })).status).toBe(422);
    expect((await postAnswer(new Request(`${BASE}/commands/x`, { method: "POST", headers: auth(tokenA), body: "{}" }), ctx({ id: "x" }))).status).toBe(400);
    expect((await poll(tokenA, 0)).commands.map((c) => c.id)).toEqual([cmd.id]);
  });

  it("records the acknowledgement and the outcome once, in the audit trail with the reason and the proxy's answer", async () => {
    await startSession(tokenA, "live-answer");
    const cmd = await issueLiveCommand({ viewer: viewerOf(admin), ip: "10.1.1.1", hash: "live-answer", kind: "lock", text: "Suspicious sudo" });
    const ack = await answer(tokenA, cmd.id, {});
    expect(ack.status).toBe(200);
    expect(await ack.json()).toMatchObject({ id: cmd.id, outcome: null, acknowledgedAt: expect.any(String) });
    const done = await answer(tokenA, cmd.id, { outcome: "done", message: "Input locked on the target" });
    expect(await done.json()).toMatchObject({ outcome: "done", outcomeMessage: "Input locked on the target" });
    expect((await answer(tokenA, cmd.id, { outcome: "done" })).status).toBe(200);
    const conflict = await answer(tokenA, cmd.id, { outcome: "refused" });
    expect(conflict.status).toBe(409);
    const entries = await db.select().from(auditLog).where(eq(auditLog.targetId, "live-answer"));
    const issued = entries.filter((e) => e.action === "live.command_issued");
    const answered = entries.filter((e) => e.action === "live.command_answered");
    expect(issued).toHaveLength(1);
    expect(issued[0]).toMatchObject({
      actorId: admin.id,
      actorEmail: admin.email,
      ip: "10.1.1.1",
      details: expect.objectContaining({ commandId: cmd.id, kind: "lock", reason: "Suspicious sudo" }),
    });
    expect(answered).toHaveLength(1);
    expect(answered[0]?.details).toMatchObject({
      commandId: cmd.id,
      outcome: "done",
      message: "Input locked on the target",
      reason: "Suspicious sudo",
      issuedBy: "Ana Admin",
      by: "proxy",
    });
  });

  it("ends a terminated session with who terminated it and why; what was never answered becomes gone", async () => {
    await startSession(tokenA, "live-end");
    const terminate = await issueLiveCommand({ viewer: viewerOf(admin), hash: "live-end", kind: "terminate", text: "Policy violation" });
    const pending = await issueLiveCommand({ viewer: viewerOf(admin), hash: "live-end", kind: "message", text: "Bye" });
    await answer(tokenA, terminate.id, { outcome: "done" });
    const finish = await postFinish(
      new Request(`${BASE}/sessions/live-end/finish`, {
        method: "POST",
        headers: auth(tokenA),
        body: JSON.stringify({ endedAt: new Date().toISOString(), totalChunks: 0 }),
      }),
      ctx({ hash: "live-end" }),
    );
    expect(finish.status).toBe(200);
    const [session] = await db.select().from(remoteSessions).where(eq(remoteSessions.hash, "live-end"));
    expect(session?.status).toBe("closed");
    expect(session?.errorMessage).toMatch(/^Terminated by Ana Admin at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC: Policy violation$/);
    const [gone] = await db.select().from(liveCommands).where(eq(liveCommands.id, pending.id));
    expect(gone).toMatchObject({ outcome: "gone" });
    const goneEntries = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetId, "live-end"), eq(auditLog.action, "live.command_answered")));
    expect(goneEntries.map((e) => (e.details as { outcome: string }).outcome).sort()).toEqual(["done", "gone"]);
    await expect(issueLiveCommand({ viewer: viewerOf(admin), hash: "live-end", kind: "lock", text: "late" })).rejects.toMatchObject({ status: 409 });
  });

  it("documents both endpoints in the OpenAPI document", () => {
    const doc = buildOpenApiDocument() as { paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, unknown> } };
    expect(doc.paths["/api/v1/commands"]?.get).toBeTruthy();
    expect(doc.paths["/api/v1/commands/{id}"]?.post).toBeTruthy();
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(["LiveCommands", "LiveCommandAnswer", "LiveCommandReceipt"]));
  });
});

describe("who may control a live session", () => {
  it("lets admins always, auditors only with the system parameter, users never; a refused call stores nothing", async () => {
    await startSession(tokenA, "live-perm");
    const auditor = viewerOf(await createTestUser("auditor"));
    const user = viewerOf(await createTestUser("user"));
    expect(await canControlLiveSessions(auditor)).toBe(false);
    const refused = issueLiveCommand({ viewer: auditor, hash: "live-perm", kind: "terminate", text: "no" });
    await expect(refused).rejects.toBeInstanceOf(AppError);
    await expect(refused).rejects.toMatchObject({ status: 403 });
    await expect(issueLiveCommand({ viewer: user, hash: "live-perm", kind: "message", text: "hi" })).rejects.toMatchObject({ status: 403 });
    await expect(issueLiveCommand({ viewer: viewerOf(admin), hash: "live-perm", kind: "terminate", text: "  " })).rejects.toMatchObject({
      status: 422,
      field: "text",
    });
    const sessionId = (await db.select().from(remoteSessions).where(eq(remoteSessions.hash, "live-perm")))[0]!.id;
    expect(await db.select().from(liveCommands).where(eq(liveCommands.sessionId, sessionId))).toEqual([]);

    await saveParameters({ actor: admin, values: [{ key: "remote_session.auditors_control_live", value: true }] });
    expect(await canControlLiveSessions(auditor)).toBe(true);
    const cmd = await issueLiveCommand({ viewer: auditor, hash: "live-perm", kind: "terminate", text: "Now allowed" });
    expect(cmd).toMatchObject({ kind: "terminate", text: "Now allowed", issuedBy: auditor.id });
    expect(await canControlLiveSessions(user)).toBe(false);
    await saveParameters({ actor: admin, values: [{ key: "remote_session.auditors_control_live", value: false }] });
    await expect(issueLiveCommand({ viewer: auditor, hash: "live-perm", kind: "unlock" })).rejects.toMatchObject({ status: 403 });
  });

  it("lists the sessions being recorded, as the viewer may see them", async () => {
    const rows = await listActiveSessions({ viewer: viewerOf(admin) });
    expect(rows.map((r) => r.hash)).toEqual(expect.arrayContaining(["live-perm", "live-other"]));
    expect(rows.map((r) => r.hash)).not.toContain("live-end");
    const user = viewerOf(await createTestUser("user"));
    expect(await listActiveSessions({ viewer: user })).toEqual([]);
  });
});

async function tokenIdOf(hash: string) {
  const [row] = await db.select({ id: remoteSessions.apiTokenId }).from(remoteSessions).where(eq(remoteSessions.hash, hash));
  return row?.id ?? null;
}
