/**
 * The security check of the built app, as an attacker would probe it: the
 * security headers (a CSP with nonces that still lets the app run, no
 * framing, HSTS and Secure cookies over HTTPS), the sign-in's return path
 * (no open redirect), sign-out and the idle timeout revoking the cookie on
 * the server, forwarded headers believed only from trusted proxies, every
 * byte of a recording audited however it is fetched, bad input answered
 * with a 4xx (or a message on the page), and who investigates a user hidden
 * from that user.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import { and, eq, sql } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { auditLog, systemParameters, type RemoteSession } from "@/lib/db/schema";
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
let admin: Awaited<ReturnType<typeof createTestUser>>;
let auditor: Awaited<ReturnType<typeof createTestUser>>;
let owner: Awaited<ReturnType<typeof createTestUser>>;

beforeAll(async () => {
  app = await startAppServer();
  browser = await launchBrowser();
  admin = await createTestUser("admin", { name: "Ada Admin" });
  auditor = await createTestUser("auditor", { name: "Ines Investigator" });
  owner = await createTestUser("user", { name: "Pat Operator" });
  const media = await makeMedia({ seconds: 8, kind: "h264" });
  const { probe } = await probeMedia(media);
  const created = await insertSessionWithRecording({ status: "ready", durationMs: 8000, hasAudio: false, videoCodec: "h264", probe, userId: owner.id });
  session = created.session;
  await storeMedia(new LocalDiskStorage(path.join(app.dataDir, "recordings")), created.recording.id, media);
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await closeDb();
});

const cookieHeader = async (page: Page) => (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");

/** Signs in through next-auth's own endpoint, as a script would; returns the answer and the cookies it set. */
async function signInByHttp(baseUrl: string, email: string, password: string, headers: Record<string, string> = {}) {
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`, { headers });
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const jar = csrf.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const res = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { ...headers, "Content-Type": "application/x-www-form-urlencoded", Cookie: jar },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
  });
  const setCookies = res.headers.getSetCookie();
  // With json=true next-auth answers { url } instead of redirecting; a refused sign-in's url has ?error=.
  const body = (await res.json().catch(() => ({}))) as { url?: string };
  const location = res.headers.get("location") ?? body.url ?? "";
  return { res, setCookies, location, cookie: [jar, ...setCookies.map((c) => c.split(";")[0])].join("; ") };
}

async function auditRows(action: string) {
  return db.select().from(auditLog).where(eq(auditLog.action, action)).orderBy(auditLog.id);
}

describe("security headers", () => {
  it("sends a nonce CSP without unsafe-inline scripts, no framing, nosniff, a referrer and a permissions policy", async () => {
    const res = await fetch(`${app.url}/signin`);
    const csp = res.headers.get("content-security-policy") ?? "";
    const scriptSrc =
      csp
        .split(";")
        .map((d) => d.trim())
        .find((d) => d.startsWith("script-src")) ?? "";
    expect(scriptSrc).toMatch(/'nonce-[A-Za-z0-9+/=]{16,}'/);
    expect(scriptSrc).not.toContain("unsafe-inline");
    expect(scriptSrc).not.toContain("unsafe-eval");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("same-origin");
    expect(res.headers.get("permissions-policy")).toContain("camera=()");
    expect(res.headers.get("strict-transport-security")).toBeNull();
    // Every script of the page carries this request's nonce; the next request gets another.
    const html = await res.text();
    const nonce = /'nonce-([^']+)'/.exec(scriptSrc)![1]!;
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
    const again = await fetch(`${app.url}/signin`);
    expect(again.headers.get("content-security-policy")).not.toContain(nonce);
    // The API: nothing in its answers may run or be framed.
    const api = await fetch(`${app.url}/api/v1/openapi.json`);
    expect(api.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(api.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("runs the app under that policy (no violation), and an admin page does not load inside another origin's frame", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const violations: string[] = [];
    page.on("console", (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
    });
    await signIn(page, app.url, admin.email, admin.password);
    await page.goto(`${app.url}/settings/users`);
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toContain("Users");
    // Client-side navigation works: the scripts ran.
    await page.getByRole("navigation", { name: "Side menu" }).getByRole("link", { name: "Audit trail" }).click();
    await page.waitForURL((u) => u.pathname === "/settings/audit");
    expect(violations).toEqual([]);

    // Another origin (another port of this machine, served here) frames the app's pages, the admin page with the
    // admin's cookie (the same site): the browser shows none of them.
    const framed = [`${app.url}/signin`, `${app.url}/settings/users`];
    const evil = http.createServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "text/html" });
      res.end(framed.map((src) => `<iframe src="${src}" width="600" height="400"></iframe>`).join(""));
    });
    await new Promise<void>((resolve) => evil.listen(0, "127.0.0.1", resolve));
    const framer = await context.newPage();
    await framer.goto(`http://127.0.0.1:${(evil.address() as { port: number }).port}/`);
    await framer.waitForTimeout(2000);
    const frames = framer.frames().filter((f) => f !== framer.mainFrame());
    expect(frames).toHaveLength(2);
    for (const frame of frames) {
      const text = await frame.evaluate(() => document.body?.innerText ?? "").catch(() => "");
      expect(text).not.toMatch(/Session Video|Sign in|Users/);
      expect(framed).not.toContain(frame.url());
    }
    evil.close();
    await context.close();
  });

  it("over HTTPS: Secure cookies with the __Secure- prefix, HSTS, and upgrade-insecure-requests", async () => {
    const https = await startAppServer({ NEXTAUTH_URL: "https://session-video.example" }, { databaseUrl: app.databaseUrl });
    try {
      const res = await fetch(`${https.url}/signin`);
      expect(res.headers.get("strict-transport-security")).toMatch(/max-age=\d{7,}/);
      expect(res.headers.get("content-security-policy")).toContain("upgrade-insecure-requests");
      const user = await createTestUser("auditor");
      const { setCookies } = await signInByHttp(https.url, user.email, user.password);
      const session = setCookies.find((c) => c.includes("session-token"));
      expect(session).toBeDefined();
      expect(session).toMatch(/^__Secure-next-auth\.session-token=/);
      expect(session).toMatch(/;\s*Secure/i);
      expect(session).toMatch(/;\s*HttpOnly/i);
    } finally {
      await https.stop();
    }
  });
});

describe("the return path after sign-in", () => {
  it.each([["/%5Cevil.example/x"], ["/%09/evil.example"], ["//evil.example/x"], ["https://evil.example/x"], ["/%0A/evil.example"]])(
    "callbackUrl=%s stays on the app",
    async (callbackUrl) => {
      const page = await browser.newPage();
      await page.goto(`${app.url}/signin?callbackUrl=${callbackUrl}`);
      await page.getByLabel("Email").fill(auditor.email);
      await page.getByLabel("Password").fill(auditor.password);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL((u) => u.pathname !== "/signin" || u.origin !== app.url, { timeout: 30_000 }).catch(() => undefined);
      await page.waitForTimeout(500);
      expect(new URL(page.url()).origin).toBe(app.url);
      expect(new URL(page.url()).pathname).toBe("/sessions");
      await page.close();
    },
  );

  it("lands on a path of the app it was asked for", async () => {
    const page = await browser.newPage();
    await page.goto(`${app.url}/signin?callbackUrl=${encodeURIComponent(`/sessions/${session.hash}?from=mail`)}`);
    await page.getByLabel("Email").fill(auditor.email);
    await page.getByLabel("Password").fill(auditor.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((u) => u.pathname === `/sessions/${session.hash}`, { timeout: 30_000 });
    expect(new URL(page.url()).search).toBe("?from=mail");
    await page.close();
  });
});

describe("signing out and idling end the session on the server", () => {
  it("a cookie kept from before sign-out opens nothing; another browser of the same account stays signed in", async () => {
    const kept = await browser.newPage();
    await signIn(kept, app.url, auditor.email, auditor.password);
    const other = await browser.newContext().then((c) => c.newPage());
    await signIn(other, app.url, auditor.email, auditor.password);
    const cookie = await cookieHeader(kept);
    const report = `${app.url}/sessions/${session.hash}`;
    const playlist = `${app.url}/api/sessions/${session.hash}/hls/playlist.m3u8`;
    expect((await fetch(report, { headers: { Cookie: cookie }, redirect: "manual" })).status).toBe(200);

    await kept.getByRole("button", { name: "Sign out" }).click();
    await kept.waitForURL((u) => u.pathname === "/signin");
    // The copy of the cookie, replayed by hand.
    const after = await fetch(report, { headers: { Cookie: cookie }, redirect: "manual" });
    expect(after.status).toBe(307);
    expect(after.headers.get("location")).toContain("/signin");
    expect((await fetch(playlist, { headers: { Cookie: cookie } })).status).toBe(401);
    // Signing out one browser does not sign out the others.
    expect((await fetch(report, { headers: { Cookie: await cookieHeader(other) }, redirect: "manual" })).status).toBe(200);
    await kept.close();
    await other.context().close();
  });

  it("signs out a browser idle past the timeout (a system parameter, 30 minutes by default)", async () => {
    const page = await browser.newPage();
    await signIn(page, app.url, auditor.email, auditor.password);
    const cookie = await cookieHeader(page);
    const report = `${app.url}/sessions/${session.hash}`;
    expect((await fetch(report, { headers: { Cookie: cookie }, redirect: "manual" })).status).toBe(200);
    // 29 minutes without a request: still signed in (and the request moves the clock).
    await db.execute(sql`update sign_ins set last_seen_at = now() - interval '29 minutes' where user_id = ${auditor.id} and ended_at is null`);
    expect((await fetch(report, { headers: { Cookie: cookie }, redirect: "manual" })).status).toBe(200);
    await db.execute(sql`update sign_ins set last_seen_at = now() - interval '31 minutes' where user_id = ${auditor.id} and ended_at is null`);
    expect((await fetch(report, { headers: { Cookie: cookie }, redirect: "manual" })).status).toBe(307);
    await page.close();
    // A shorter timeout set by an admin applies (within the 10 s the value is cached).
    await db.insert(systemParameters).values({ key: "security.idle_timeout_minutes", value: 5 });
    const again = await browser.newPage();
    await signIn(again, app.url, auditor.email, auditor.password);
    const fresh = await cookieHeader(again);
    await db.execute(sql`update sign_ins set last_seen_at = now() - interval '6 minutes' where user_id = ${auditor.id} and ended_at is null`);
    await new Promise((r) => setTimeout(r, 10_500));
    expect((await fetch(report, { headers: { Cookie: fresh }, redirect: "manual" })).status).toBe(307);
    await db.delete(systemParameters).where(eq(systemParameters.key, "security.idle_timeout_minutes"));
    await again.close();
  });
});

describe("client addresses", () => {
  it("records the socket's address, not a forged X-Forwarded-For", async () => {
    const user = await createTestUser("auditor");
    const { res } = await signInByHttp(app.url, user.email, user.password, { "X-Forwarded-For": "203.0.113.66", "X-Real-IP": "203.0.113.67" });
    expect(res.status).toBe(200);
    const [entry] = (await auditRows("auth.sign_in")).filter((e) => e.actorId === user.id);
    expect(entry?.ip).toBe("127.0.0.1");
  });

  it("believes X-Forwarded-For from a trusted proxy, read from the right", async () => {
    const behindProxy = await startAppServer({ TRUSTED_PROXIES: "127.0.0.1, 10.0.0.0/8" }, { databaseUrl: app.databaseUrl });
    try {
      const user = await createTestUser("auditor");
      // The client wrote the first hop itself; our proxy (127.0.0.1) and another trusted one (10.1.2.3) added the rest.
      const { res } = await signInByHttp(behindProxy.url, user.email, user.password, { "X-Forwarded-For": "192.0.2.1, 203.0.113.9, 10.1.2.3" });
      expect(res.status).toBe(200);
      const [entry] = (await auditRows("auth.sign_in")).filter((e) => e.actorId === user.id);
      expect(entry?.ip).toBe("203.0.113.9");
    } finally {
      await behindProxy.stop();
    }
  });
});

describe("every byte of a recording leaves with an audit entry", () => {
  it("ffmpeg copying the whole recording through the HLS playlist is audited once, with the bytes served, and the trail shows it", async () => {
    const client = process.env.HLS_CLIENT_FFMPEG ?? "/usr/bin/ffmpeg";
    if (!existsSync(client)) throw new Error(`The HLS client ${client} is missing: install Debian's ffmpeg or set HLS_CLIENT_FFMPEG`);
    const { cookie } = await signInByHttp(app.url, auditor.email, auditor.password);
    const before = (await auditRows("session.streamed")).length;
    const dir = await mkdtemp(path.join(os.tmpdir(), "sv-copy-"));
    try {
      const out = path.join(dir, "copy.mp4");
      const url = `${app.url}/api/sessions/${session.hash}/hls/playlist.m3u8`;
      const result = await execa(
        client,
        ["-hide_banner", "-nostdin", "-loglevel", "error", "-headers", `Cookie: ${cookie}\r\n`, "-i", url, "-c", "copy", out],
        {
          timeout: 120_000,
          reject: false,
        },
      );
      expect(result.exitCode).toBe(0);
      expect((await stat(out)).size).toBeGreaterThan(10_000);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const streamed = (await auditRows("session.streamed")).slice(before);
    expect(streamed).toHaveLength(1);
    expect(streamed[0]).toMatchObject({ actorId: auditor.id, targetId: session.hash, ip: "127.0.0.1" });
    // The counts are written every 2 s; the audit trail shows them.
    await new Promise((r) => setTimeout(r, 2500));
    const { rows } = await db.execute<{ bytes: string; requests: number }>(
      sql`select bytes, requests from playback_streams where audit_id = ${streamed[0]!.id}`,
    );
    expect(Number(rows[0]!.bytes)).toBeGreaterThan(10_000);
    expect(rows[0]!.requests).toBeGreaterThan(2);
    const page = await browser.newPage();
    await signIn(page, app.url, admin.email, admin.password);
    await page.goto(`${app.url}/settings/audit?action=session.streamed`);
    await expect(page.getByTestId("stream-served").first().textContent()).resolves.toMatch(/Served .*B in \d+ requests/);
    await page.close();
  });

  it("a user probing someone else's session gets the 404 of a missing one, and the trail keeps who probed what", async () => {
    const prober = await createTestUser("user");
    const { cookie } = await signInByHttp(app.url, prober.email, prober.password);
    const report = await fetch(`${app.url}/sessions/${session.hash}`, { headers: { Cookie: cookie } });
    const missing = await fetch(`${app.url}/sessions/${"0".repeat(32)}`, { headers: { Cookie: cookie } });
    expect(report.status).toBe(404);
    expect(missing.status).toBe(404);
    expect((await fetch(`${app.url}/api/sessions/${session.hash}/hls/playlist.m3u8`, { headers: { Cookie: cookie } })).status).toBe(404);
    const refused = (await auditRows("session.access_refused")).filter((e) => e.actorId === prober.id);
    expect(refused.map((e) => [e.targetId, (e.details as { asked: string }).asked])).toEqual(
      expect.arrayContaining([
        [session.hash, "report"],
        ["0".repeat(32), "report"],
        [session.hash, "hls playlist"],
      ]),
    );
  });
});

describe("bad input gets a 4xx or a message, never a 500", () => {
  it("answers malformed percent-encoding, TRACE and a cross-origin server action with a 4xx", async () => {
    const { cookie } = await signInByHttp(app.url, admin.email, admin.password);
    const headers = { Cookie: cookie };
    for (const p of [
      "/sessions/%zz",
      "/sessions/%E0%A4%A/play",
      `/sessions/${session.hash}%zz`,
      "/api/sessions/%zz/hls/playlist.m3u8",
      "/api/v1/sessions/%zz",
      "/api/exports/%zz/download",
      "/settings/%",
    ]) {
      const res = await fetch(`${app.url}${p}`, { headers });
      expect([p, res.status]).toEqual([p, 400]);
      expect(((await res.json()) as { error: string }).error).toMatch(/percent-encoding/);
    }
    for (const p of ["/sessions", "/api/v1/sessions", `/api/sessions/${session.hash}/hls/playlist.m3u8`, "/signin", "/api/auth/session"]) {
      for (const method of ["TRACE", "TRACK"]) {
        // fetch refuses to send TRACE: a plain HTTP request does.
        const status = await new Promise<number>((resolve, reject) => {
          const req = http.request(`${app.url}${p}`, { method, headers }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          });
          req.on("error", reject);
          req.end();
        });
        // Node's own parser answers TRACK (a method it does not know) with 400; TRACE reaches our server: 405.
        expect([method, p, status]).toEqual([method, p, method === "TRACE" ? 405 : 400]);
      }
    }
    const action = await fetch(`${app.url}/settings/tokens`, {
      method: "POST",
      headers: {
        ...headers,
        "Next-Action": "00deadbeef00deadbeef00deadbeef00deadbeef00",
        Origin: "https://evil.example",
        "Content-Type": "text/plain;charset=UTF-8",
      },
      body: "[]",
    });
    expect(action.status).toBe(403);
  });

  it("shows a message for a NUL in any search box and for a date out of range, instead of failing", async () => {
    const { cookie } = await signInByHttp(app.url, admin.email, admin.password);
    for (const [p, message] of [
      ["/sessions?q=%00", /Search text cannot contain control characters/],
      ["/sessions?q=a%00b", /Search text cannot contain control characters/],
      ["/settings/users?q=%00", /Search text cannot contain control characters/],
      ["/settings/audit?actor=%00", /actor filter cannot contain control characters/],
      ["/settings/audit?target=%00", /target filter cannot contain control characters/],
      ["/settings/audit?from=0000-01-01", /start date must be a date between 2000 and 2100/],
      ["/settings/audit?to=9999-12-31", /end date must be a date between 2000 and 2100/],
      ["/sessions/commands?q=ab%00cd", /Search text cannot contain control characters/],
    ] as const) {
      const res = await fetch(`${app.url}${p}`, { headers: { Cookie: cookie } });
      expect([p, res.status]).toEqual([p, 200]);
      expect([p, await res.text()]).toEqual([p, expect.stringMatching(message)]);
    }
  });
});

describe("who investigates a user is hidden from that user", () => {
  it("the user's own download page and report never name the auditor who exported their session", async () => {
    await db
      .insert(systemParameters)
      .values({ key: "remote_session.video_download_enabled", value: true })
      .onConflictDoUpdate({ target: systemParameters.key, set: { value: true } });
    const investigator = await browser.newPage();
    await signIn(investigator, app.url, auditor.email, auditor.password);
    await investigator.goto(`${app.url}/sessions/${session.hash}/download`);
    await investigator.getByRole("button", { name: /Generate video/ }).click();
    await investigator.waitForSelector("text=Asked for by", { timeout: 30_000 });
    await investigator.close();

    const user = await browser.newPage();
    await signIn(user, app.url, owner.email, owner.password);
    for (const p of [`/sessions/${session.hash}/download`, `/sessions/${session.hash}`]) {
      await user.goto(`${app.url}${p}`);
      const text = await user.locator("main").innerText();
      expect(text).not.toContain(auditor.name);
      expect(text).not.toContain(auditor.email);
    }
    await user.close();
    const audits = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "export.requested"), eq(auditLog.actorId, auditor.id)));
    expect(audits).toHaveLength(1);
  });
});

// Last: it locks sign-in from this machine's address for the rest of the run.
describe("the per-address lockout", () => {
  it("cannot dodge the per-address lockout by rotating or prepending X-Forwarded-For", async () => {
    // 30 failures from one address, each claiming another: the address is locked all the same.
    for (let i = 0; i < 30; i++) {
      await signInByHttp(app.url, `nobody-${i}@example.test`, "wrong", { "X-Forwarded-For": `198.51.100.${i + 1}` });
    }
    const user = await createTestUser("auditor");
    const prepended = await signInByHttp(app.url, user.email, user.password, { "X-Forwarded-For": "192.0.2.200, 127.0.0.1" });
    expect(prepended.location).toContain("error=");
    expect(decodeURIComponent(prepended.location)).toMatch(/network address/);
    const locked = (await auditRows("auth.sign_in_locked")).at(-1);
    expect(locked).toMatchObject({ ip: "127.0.0.1", details: { scope: "ip" } });
  });
});
