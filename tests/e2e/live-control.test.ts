/**
 * Live control end to end, in Chromium against the built app: an auditor
 * allowed by the system parameter opens Live sessions, locks a session's
 * input (the proxy, played here by a small loop over the ingestion API, stops
 * typing), unlocks it, and terminates it with a reason; the session ends, and
 * the player, the report and the audit trail say who and why. Without the
 * parameter the auditor sees no buttons, and replaying the action's own
 * request is refused and stores nothing.
 */
import { and, count, eq } from "drizzle-orm";
import type { Browser, Request as PwRequest } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { auditLog, liveCommands, remoteSessions, sessionEvents } from "@/lib/db/schema";
import { startSimulatedProxy } from "@/lib/demo/live-proxy";
import { issueLiveCommand } from "@/lib/live";
import { setParameter } from "@/lib/settings/queries";
import { createApiToken } from "@/lib/tokens";
import { closeDb } from "../support/db";
import { createTestUser } from "../support/users";
import { launchBrowser, signIn } from "./support/browser";
import { startAppServer, type AppServer } from "./support/server";

let app: AppServer;
let browser: Browser;
let token: string;
type Person = Awaited<ReturnType<typeof createTestUser>>;
let admin: Person;
let auditor: Person;

beforeAll(async () => {
  app = await startAppServer();
  browser = await launchBrowser();
  [admin, auditor] = await Promise.all([createTestUser("admin"), createTestUser("auditor", { name: "Olga Auditor" })]);
  token = (await createApiToken({ name: "proxy-e2e", createdBy: null })).token;
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await closeDb();
});

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${app.url}/api/v1${path}`, { ...init, headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", ...init.headers } });

async function startSession(hash: string) {
  const res = await api("/sessions", {
    method: "POST",
    body: JSON.stringify({
      hash,
      protocol: "ssh",
      host: "db-07",
      credentialUsername: "root",
      user: "Mallory",
      userIp: "10.9.9.9",
      startedAt: new Date().toISOString(),
      clusterNode: "proxy-a",
    }),
  });
  expect(res.status).toBe(201);
}

/**
 * The proxy's side: holds the command channel open, honours lock, unlock and
 * terminate (answering done, and finishing the session after a terminate),
 * and types a command every 300 ms while its input is not locked.
 */
function fakeProxy(hash: string) {
  let locked = false;
  let stopped = false;
  let t = 0;
  const typing = setInterval(() => {
    if (locked || stopped) return;
    t += 300;
    void api(`/sessions/${hash}/events`, { method: "POST", body: JSON.stringify({ type: "command", t, command: `echo ${t}` }) });
  }, 300);
  const loop = (async () => {
    while (!stopped) {
      const res = await api("/commands?wait=5").catch(() => null);
      if (!res?.ok) continue;
      const { commands } = (await res.json()) as { commands: { id: string; hash: string; kind: string }[] };
      for (const c of commands) {
        await api(`/commands/${c.id}`, { method: "POST", body: "{}" });
        if (c.kind === "lock") locked = true;
        if (c.kind === "unlock") locked = false;
        await api(`/commands/${c.id}`, { method: "POST", body: JSON.stringify({ outcome: "done" }) });
        if (c.kind === "terminate") {
          stopped = true;
          await api(`/sessions/${c.hash}/finish`, { method: "POST", body: JSON.stringify({ endedAt: new Date().toISOString(), totalChunks: 0 }) });
        }
      }
    }
  })();
  return {
    isLocked: () => locked,
    stop: async () => {
      stopped = true;
      clearInterval(typing);
      await loop;
    },
  };
}

async function eventsOf(hash: string) {
  const [row] = await db
    .select({ n: count() })
    .from(sessionEvents)
    .innerJoin(remoteSessions, eq(remoteSessions.id, sessionEvents.sessionId))
    .where(eq(remoteSessions.hash, hash));
  return row?.n ?? 0;
}

async function until(check: () => Promise<boolean> | boolean, ms = 15_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("live control", () => {
  let terminateRequest: { url: string; headers: Record<string, string>; body: string } | null = null;

  it("an allowed auditor locks, unlocks and terminates a live session with a reason; everything says who and why", async () => {
    const hash = "e2e-live-control-1";
    await startSession(hash);
    const proxy = fakeProxy(hash);
    await setParameter({ key: "remote_session.auditors_control_live", value: true, updatedBy: admin.id });
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await signIn(page, app.url, auditor.email, auditor.password);
      await page.getByRole("link", { name: "Live sessions" }).click();
      await page.waitForURL("**/sessions/live");
      const row = page.getByRole("table", { name: "Live sessions" }).locator(`tr[data-hash="${hash}"]`);
      await row.waitFor();
      await expect(row.textContent()).resolves.toContain("Mallory");
      await expect(row.textContent()).resolves.toContain("proxy-a");
      await row.getByRole("link", { name: "Watch live" }).click();
      await page.waitForURL(`**/sessions/${hash}/play`);
      const controls = page.getByTestId("live-controls");

      await until(async () => (await eventsOf(hash)) >= 2);
      await controls.getByRole("button", { name: "Lock input" }).click();
      await page
        .getByRole("form", { name: "Lock input" })
        .getByLabel(/Reason/)
        .fill("Checking the sudo use");
      await page.getByRole("form", { name: "Lock input" }).getByRole("button", { name: "Lock input now" }).click();
      await controls.getByText(/^Input locked by Olga Auditor at \d\d:\d\d:\d\d: Checking the sudo use$/).waitFor();
      expect(proxy.isLocked()).toBe(true);
      await new Promise((r) => setTimeout(r, 500));
      const whileLocked = await eventsOf(hash);
      await new Promise((r) => setTimeout(r, 1200));
      expect(await eventsOf(hash)).toBe(whileLocked);

      await controls.getByRole("button", { name: "Unlock input" }).click();
      await page.getByRole("form", { name: "Unlock input" }).getByRole("button", { name: "Unlock input now" }).click();
      await controls.getByText(/^Input unlocked by Olga Auditor/).waitFor();
      await until(async () => (await eventsOf(hash)) > whileLocked);

      await controls.getByRole("button", { name: "Terminate session" }).click();
      const form = page.getByRole("form", { name: "Terminate session" });
      // A reason is required: the browser's check first, the action's own on a blank one.
      await form.getByLabel(/Reason/).fill("   ");
      await form.getByRole("button", { name: "Terminate session now" }).click();
      await form.getByRole("alert").waitFor();
      await expect(form.getByRole("alert").textContent()).resolves.toContain("Give a reason");
      await form.getByLabel(/Reason/).fill("Copying the customer table out");
      page.on("request", (r: PwRequest) => {
        if (r.method() === "POST" && r.headers()["next-action"] && (r.postData() ?? "").includes("Copying the customer table out")) {
          terminateRequest = { url: r.url(), headers: r.headers(), body: r.postData() ?? "" };
        }
      });
      await form.getByRole("button", { name: "Terminate session now" }).click();
      await page.getByTestId("live-terminated").waitFor();
      await expect(page.getByTestId("live-terminated").textContent()).resolves.toMatch(
        /^Terminated by Olga Auditor at \d\d:\d\d:\d\d: Copying the customer table out$/,
      );
      await controls.getByText(/The session has ended/).waitFor();
      await proxy.stop();

      const [session] = await db.select().from(remoteSessions).where(eq(remoteSessions.hash, hash));
      expect(session?.status).toBe("closed");
      expect(session?.errorMessage).toMatch(/^Terminated by Olga Auditor at .* UTC: Copying the customer table out$/);

      // The report says so, and so does the timeline marker of the player.
      await page.goto(`${app.url}/sessions/${hash}`);
      await page.getByText(/^Terminated by Olga Auditor at .*UTC: Copying the customer table out$/).waitFor();
      await page.getByTestId("live-terminated").waitFor();

      const trail = await db.select().from(auditLog).where(eq(auditLog.targetId, hash));
      const issued = trail.filter((e) => e.action === "live.command_issued");
      expect(issued.map((e) => (e.details as { kind: string }).kind)).toEqual(["lock", "unlock", "terminate"]);
      expect(issued.every((e) => e.actorId === auditor.id)).toBe(true);
      expect(issued[2]?.details).toMatchObject({ reason: "Copying the customer table out" });
      const answered = trail.filter((e) => e.action === "live.command_answered");
      expect(answered.map((e) => (e.details as { outcome: string }).outcome)).toEqual(["done", "done", "done"]);
    } finally {
      await proxy.stop();
      await context.close();
    }
  });

  it("an auditor without the parameter sees no buttons, and a direct call of the action is refused", async () => {
    expect(terminateRequest).not.toBeNull();
    await setParameter({ key: "remote_session.auditors_control_live", value: false, updatedBy: admin.id });
    const hash = "e2e-live-control-2";
    await startSession(hash);
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await signIn(page, app.url, auditor.email, auditor.password);
      for (const path of [`/sessions/${hash}`, `/sessions/${hash}/play`]) {
        await page.goto(`${app.url}${path}`);
        await page.getByTestId("live-controls").waitFor();
        await expect(page.getByRole("button", { name: /Terminate session|Lock input|Send a message/ }).count()).resolves.toBe(0);
      }
      // The very request the button sent in the first test, for this session, with this auditor's cookie.
      const cookies = await context.cookies();
      const { url, headers, body } = terminateRequest!;
      const replay = await fetch(url, {
        method: "POST",
        headers: {
          ...Object.fromEntries(
            Object.entries(headers).filter(([k]) => ["next-action", "content-type", "accept", "origin", "next-router-state-tree"].includes(k)),
          ),
          cookie: cookies.map((c) => `${c.name}=${c.value}`).join("; "),
        },
        body: body.replaceAll("e2e-live-control-1", hash),
      });
      const text = await replay.text();
      expect(text).toContain("You may not control live sessions");
      const [session] = await db.select().from(remoteSessions).where(eq(remoteSessions.hash, hash));
      expect(await db.select().from(liveCommands).where(eq(liveCommands.sessionId, session!.id))).toEqual([]);
      const issued = await db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.targetId, hash), eq(auditLog.action, "live.command_issued")));
      expect(issued).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("the demo's simulated proxy records a terminal live: it plays advancing in the player, stops typing when locked, and ends on terminate", async () => {
    const proxy = await startSimulatedProxy({ baseUrl: app.url });
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await until(() => proxy.currentHash() !== null);
      const hash = proxy.currentHash()!;
      const viewer = { id: admin.id, email: admin.email, name: admin.name, role: admin.role };
      await signIn(page, app.url, admin.email, admin.password);
      // A few seconds of picture first: the player needs the first complete fragments.
      await until(async () => ((await db.select().from(remoteSessions).where(eq(remoteSessions.hash, hash)))[0]?.recordingSize ?? 0) > 0, 30_000);
      await new Promise((r) => setTimeout(r, 3000));
      await page.goto(`${app.url}/sessions/${hash}/play`);
      await page.locator("[data-state=live]").waitFor();
      await page.getByRole("button", { name: "Play", exact: true }).click();
      // The live player follows the growing recording: the picture advances.
      const video = page.getByTestId("video");
      await until(async () => (await video.evaluate((v: HTMLVideoElement) => v.currentTime)) > 1, 60_000);
      const first = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
      await new Promise((r) => setTimeout(r, 2000));
      expect(await video.evaluate((v: HTMLVideoElement) => v.currentTime)).toBeGreaterThan(first);
      // How far the picture trails the proxy: wall-clock time recorded so far minus the playhead
      // (an upper bound: it also counts ffmpeg's start before its first frame).
      const [started] = await db.select({ at: remoteSessions.startedAt }).from(remoteSessions).where(eq(remoteSessions.hash, hash));
      const lags: number[] = [];
      for (let i = 0; i < 10; i++) {
        const playhead = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
        lags.push((Date.now() - started!.at.getTime()) / 1000 - playhead);
        await new Promise((r) => setTimeout(r, 500));
      }
      lags.sort((a, b) => a - b);
      console.log(`[live] picture behind the proxy: median ${lags[5]!.toFixed(1)} s, max ${lags[9]!.toFixed(1)} s (upper bound)`);
      expect(lags[5]).toBeLessThan(8);

      await until(async () => (await eventsOf(hash)) > 3);
      await issueLiveCommand({ viewer, hash, kind: "lock", text: "demo lock" });
      await until(async () =>
        (await db.select().from(liveCommands).where(eq(liveCommands.kind, "lock"))).some((c) => c.text === "demo lock" && c.outcome === "done"),
      );
      await new Promise((r) => setTimeout(r, 1500));
      const locked = await eventsOf(hash);
      await new Promise((r) => setTimeout(r, 2000));
      expect(await eventsOf(hash)).toBe(locked);

      await issueLiveCommand({ viewer, hash, kind: "terminate", text: "demo over" });
      await until(async () => (await db.select().from(remoteSessions).where(eq(remoteSessions.hash, hash)))[0]?.status !== "active", 30_000);
      const [session] = await db.select().from(remoteSessions).where(eq(remoteSessions.hash, hash));
      expect(session).toMatchObject({ status: "closed" });
      expect(session?.errorMessage).toMatch(/^Terminated by .* UTC: demo over$/);
      expect(session!.recordingSize).toBeGreaterThan(0);
    } finally {
      await context.close();
      await proxy.stop();
    }
  });
});
