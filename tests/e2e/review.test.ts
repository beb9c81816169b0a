import path from "node:path";
import { rm } from "node:fs/promises";
import { and, eq } from "drizzle-orm";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { accessRequests, auditLog, sessionNotes, sessionReviews, type RemoteSession } from "@/lib/db/schema";
import { setParameter } from "@/lib/settings/queries";
import { markReviewed } from "@/lib/review";
import { LocalDiskStorage } from "@/lib/storage/local";
import { closeDb } from "../support/db";
import { insertEvents, insertSessionWithRecording, makeMedia, storeMedia } from "../support/player-media";
import { createTestUser } from "../support/users";
import { launchBrowser, signIn } from "./support/browser";
import { startResendStandIn } from "../support/resend-stand-in";
import { startAppServer, type AppServer } from "./support/server";

/**
 * The review workflow in the built app and real Chromium: the justification
 * before the player, an approval round trip by email (through the local
 * Resend-compatible server), a review with a verdict and the list filtered by
 * it, a note at a moment on the timeline, and an assessor's link with its
 * one-time code that shows one session and stops once revoked.
 */

const RESEND_KEY = "re_review_test_key";
const DURATION_S = 12;
let app: AppServer;
let resend: Awaited<ReturnType<typeof startResendStandIn>>;
let browser: Browser;
let media: string;
let storage: LocalDiskStorage;
type TestUser = Awaited<ReturnType<typeof createTestUser>>;
let admin: TestUser;
let admin2: TestUser;
let auditor: TestUser;

beforeAll(async () => {
  resend = await startResendStandIn(RESEND_KEY);
  app = await startAppServer({ RESEND_API_KEY: RESEND_KEY, RESEND_BASE_URL: resend.url });
  storage = new LocalDiskStorage(path.join(app.dataDir, "recordings"));
  browser = await launchBrowser();
  admin = await createTestUser("admin");
  admin2 = await createTestUser("admin");
  auditor = await createTestUser("auditor");
  media = await makeMedia({ seconds: DURATION_S, kind: "h264" });
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await resend?.close();
  await closeDb();
  if (media) await rm(path.dirname(media), { recursive: true, force: true });
});

/** A finished SSH session with a playable recording and a few typed lines. */
async function newSession(): Promise<RemoteSession> {
  const { session, recording } = await insertSessionWithRecording({ status: "ready", durationMs: DURATION_S * 1000, videoCodec: "h264" });
  await storeMedia(storage, recording.id, media);
  await insertEvents(session.id, [
    ...[..."whoami"].map((c, i) => ({ tMs: 1000 + i * 100, type: "key" as const, data: { key: c } })),
    { tMs: 1800, type: "key", data: { key: "Enter" } },
    ...[..."cat /etc/shadow"].map((c, i) => ({ tMs: 8000 + i * 100, type: "key" as const, data: { key: c } })),
    { tMs: 9800, type: "key", data: { key: "Enter" } },
  ]);
  return session;
}

async function signedIn(user: TestUser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, app.url, user.email, user.password);
  return { context, page };
}

async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const emailTo = (to: string, subject: RegExp) =>
  waitFor(`the email "${subject}" to ${to}`, () => resend.emails.find((e) => e.body.to.includes(to) && subject.test(e.body.subject)));
const linkIn = (text: string, pathPrefix: string) => {
  const found = text.match(/https?:\/\/[^\s"<>]+/g)?.find((u) => new URL(u).pathname.startsWith(pathPrefix));
  if (!found) throw new Error(`no link to ${pathPrefix} in:\n${text}`);
  return found;
};

/** The access parameters each test starts from, so that a failed test does not leave them to the next. */
async function accessParameters(justification: boolean, approval: boolean) {
  await setParameter({ key: "remote_session.require_justification", value: justification, updatedBy: admin.id });
  await setParameter({ key: "remote_session.require_approval", value: approval, updatedBy: admin.id });
}

async function videoTime(page: Page) {
  return page.evaluate(() => document.querySelector("video")?.currentTime ?? -1);
}
async function videoReady(page: Page) {
  await page.waitForFunction(() => (document.querySelector("video")?.readyState ?? 0) >= 2, undefined, { timeout: 60_000 });
}

describe("the review workflow", () => {
  it("asks for a justification before the player, records it, and the access lasts the window", async () => {
    await accessParameters(true, false);
    await setParameter({ key: "remote_session.access_window_minutes", value: 30, updatedBy: admin.id });
    const session = await newSession();
    const { context, page } = await signedIn(auditor);
    // The stream itself refuses until then, not only the page.
    const before = await page.request.get(`${app.url}/api/sessions/${session.hash}/hls/playlist.m3u8`);
    expect(before.status()).toBe(403);

    await page.goto(`${app.url}/sessions/${session.hash}/play`);
    await page.getByTestId("access-gate").waitFor();
    expect(await page.getByTestId("video").count()).toBe(0);
    await page.getByLabel("Reason").fill("Checking the shadow file access for INC-7");
    await page.getByLabel("Ticket number").fill("INC-7");
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByTestId("video").waitFor({ timeout: 30_000 });
    await expect(page.getByTestId("access-until").textContent()).resolves.toContain("Your access to this session lasts until");
    await videoReady(page);

    const [request] = await db.select().from(accessRequests).where(eq(accessRequests.sessionId, session.id));
    expect(request).toMatchObject({ requesterId: auditor.id, reason: "Checking the shadow file access for INC-7", ticket: "INC-7", status: "approved" });
    expect(request!.expiresAt!.getTime() - request!.startsAt!.getTime()).toBe(30 * 60_000);
    const actions = (await db.select().from(auditLog).where(eq(auditLog.targetId, session.hash))).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["access.requested", "access.used", "session.played"]));
    expect((await page.request.get(`${app.url}/api/sessions/${session.hash}/hls/playlist.m3u8`)).status()).toBe(200);

    // The report says until when.
    await page.goto(`${app.url}/sessions/${session.hash}`);
    await expect(page.getByTestId("access-section").textContent()).resolves.toMatch(/You may watch and download this session's video until/);
    await context.close();
  });

  it("an approval round trip by email: the request waits, an administrator approves from the email's link, the requester is emailed and watches", async () => {
    await accessParameters(true, true);
    const session = await newSession();
    const requester = await signedIn(auditor);
    await requester.page.goto(`${app.url}/sessions/${session.hash}/play`);
    await requester.page.getByLabel("Reason").fill("Quarterly access review");
    await requester.page.getByRole("button", { name: "Request access" }).click();
    await requester.page.getByText("waits for an administrator").waitFor({ timeout: 30_000 });
    expect(await requester.page.getByTestId("video").count()).toBe(0);

    // Every administrator is emailed, through the Resend-compatible server.
    const toAdmin = await emailTo(admin2.email, /^Access request:/);
    expect(toAdmin.authorization).toBe(`Bearer ${RESEND_KEY}`);
    expect(toAdmin.body.text).toContain("Quarterly access review");
    await emailTo(admin.email, /^Access request:/);
    const approvalPage = linkIn(toAdmin.body.text, "/settings/access-requests");

    const { context, page } = await signedIn(admin2);
    await page.goto(approvalPage);
    const row = page.getByTestId("pending-request").filter({ hasText: "Quarterly access review" });
    await row.getByLabel("Comment").fill("Approved for the quarterly review");
    await row.getByRole("button", { name: "Approve" }).click();
    // Decided, the request leaves the pending list for the latest decisions.
    await page.getByRole("table", { name: "Decided access requests" }).getByText("Approved for the quarterly review").waitFor({ timeout: 30_000 });
    expect(await page.getByTestId("pending-request").filter({ hasText: "Quarterly access review" }).count()).toBe(0);

    const toRequester = await emailTo(auditor.email, /was approved$/);
    expect(toRequester.body.text).toContain("Approved for the quarterly review");
    const watch = linkIn(toRequester.body.text, `/sessions/${session.hash}/play`);
    await requester.page.goto(watch);
    await requester.page.getByTestId("video").waitFor({ timeout: 30_000 });
    await videoReady(requester.page);
    const [request] = await db.select().from(accessRequests).where(eq(accessRequests.sessionId, session.id));
    expect(request).toMatchObject({ status: "approved", decidedBy: admin2.id, decisionComment: "Approved for the quarterly review" });
    expect(request!.startsAt!.getTime()).toBeGreaterThan(request!.createdAt.getTime());
    const actions = (await db.select().from(auditLog).where(eq(auditLog.targetId, session.hash))).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["access.requested", "access.approved", "access.used"]));
    await context.close();
    await requester.context.close();
  });

  it("marks a session reviewed with a verdict, keeps the history, and the list filters by it", async () => {
    await accessParameters(false, false);
    const session = await newSession();
    const other = await newSession();
    const { context, page } = await signedIn(auditor);
    await page.goto(`${app.url}/sessions/${session.hash}`);
    const form = page.getByRole("form", { name: "Mark as reviewed" });
    await form.getByLabel("Suspicious").check();
    await form.getByLabel("Comment").fill("sudo to root without a ticket");
    await form.getByRole("button", { name: "Mark as reviewed" }).click();
    await page.getByTestId("review-verdict").filter({ hasText: "Suspicious" }).waitFor({ timeout: 30_000 });
    // Reviewed again: the earlier review stays in the history.
    await form.getByLabel("Incident").check();
    await form.getByRole("button", { name: "Review again" }).click();
    await page.getByTestId("review-verdict").filter({ hasText: "Incident" }).waitFor({ timeout: 30_000 });
    const history = await page.getByRole("table", { name: "Reviews" }).textContent();
    expect(history).toContain("Suspicious");
    expect(history).toContain("sudo to root without a ticket");

    // The list's filters, through the form: Verdict = Incident.
    await page.goto(`${app.url}/sessions`);
    await page.getByLabel("Verdict").selectOption("incident");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.waitForURL((u) => u.searchParams.get("verdict") === "incident");
    const hashes = await page.locator("tr[data-hash]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-hash")));
    expect(hashes).toContain(session.hash);
    expect(hashes).not.toContain(other.hash);
    await expect(page.locator(`tr[data-hash="${session.hash}"] [data-testid=row-verdict]`).textContent()).resolves.toBe("Incident");
    await page.goto(`${app.url}/sessions?review=unreviewed`);
    const unreviewed = await page.locator("tr[data-hash]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-hash")));
    expect(unreviewed).toContain(other.hash);
    expect(unreviewed).not.toContain(session.hash);
    await page.goto(`${app.url}/sessions?verdict=suspicious`);
    expect(await page.locator(`tr[data-hash="${session.hash}"]`).count()).toBe(0);
    expect(
      (
        await db
          .select()
          .from(auditLog)
          .where(and(eq(auditLog.action, "session.reviewed"), eq(auditLog.targetId, session.hash)))
      ).length,
    ).toBe(2);
    await context.close();

    // The user who performed a session does not learn its verdict: no Review column or filters, and the URL's filter is ignored.
    const pamUser = await createTestUser("user");
    const { session: own } = await insertSessionWithRecording({ userId: pamUser.id, durationMs: DURATION_S * 1000 });
    await markReviewed({
      viewer: { id: auditor.id, email: auditor.email, name: auditor.name, role: "auditor" },
      hash: own.hash,
      verdict: "incident",
      comment: null,
      ip: null,
    });
    const asUser = await signedIn(pamUser);
    await asUser.page.goto(`${app.url}/sessions?verdict=no_issue`);
    await asUser.page.locator(`tr[data-hash="${own.hash}"]`).waitFor();
    expect(await asUser.page.getByRole("columnheader", { name: "Review" }).count()).toBe(0);
    expect(await asUser.page.getByLabel("Verdict").count()).toBe(0);
    expect(await asUser.page.content()).not.toContain("Incident");
    await asUser.context.close();
  });

  it("a note at a moment appears on the timeline and in the log, seeks there, and links with ?t= from the report", async () => {
    await accessParameters(false, false);
    const session = await newSession();
    const { context, page } = await signedIn(auditor);
    await page.goto(`${app.url}/sessions/${session.hash}/play?t=6`);
    await videoReady(page);
    expect(await videoTime(page)).toBeGreaterThanOrEqual(5.5);
    await page.getByRole("button", { name: /^Add note at 00:00:0[56]$/ }).click();
    await page.getByRole("form", { name: "Add a note" }).getByLabel("Note").fill("Looks at /etc/shadow next");
    await page.getByRole("button", { name: "Save note" }).click();
    const marker = page.locator('[data-testid=timeline] [data-marker="note"]');
    await marker.waitFor({ timeout: 30_000 });
    await expect(marker.getAttribute("title")).resolves.toContain("Looks at /etc/shadow next");
    const [note] = await db.select().from(sessionNotes).where(eq(sessionNotes.sessionId, session.id));
    expect(note).toMatchObject({ authorId: auditor.id, text: "Looks at /etc/shadow next" });
    expect(note!.tMs).toBeGreaterThanOrEqual(5000);
    expect(note!.tMs).toBeLessThan(7000);
    // The marker sits at its moment on the timeline.
    const left = await marker.evaluate((el) => parseFloat((el as HTMLElement).style.left));
    expect(left).toBeCloseTo((note!.tMs / 1000 / DURATION_S) * 100, 0);

    // In the log, between the lines of its time; a click seeks to it.
    const lines = await page
      .locator("aside ol > li")
      .evaluateAll((items) => items.map((li) => (li.getAttribute("data-testid") === "note-line" ? "note" : (li.textContent ?? ""))));
    expect(lines.findIndex((l) => l === "note")).toBe(1);
    await page.keyboard.press("ArrowLeft");
    await page.keyboard.press("ArrowLeft");
    await page.waitForFunction(() => (document.querySelector("video")?.currentTime ?? 99) < 3, undefined, { timeout: 15_000 });
    await page
      .getByTestId("note-line")
      .getByRole("button", { name: /Looks at \/etc\/shadow next/ })
      .click();
    await page.waitForFunction((t) => Math.abs((document.querySelector("video")?.currentTime ?? -9) - t) < 0.3, note!.tMs / 1000, { timeout: 15_000 });

    // Its author edits it; the report lists it with its versions and a link to its moment.
    await page.getByTestId("note-line").getByRole("button", { name: "Edit" }).click();
    await page.getByRole("form", { name: "Edit the note" }).getByLabel("Note").fill("Reads /etc/shadow right after");
    await page.getByRole("form", { name: "Edit the note" }).getByRole("button", { name: "Save" }).click();
    await page.getByTestId("note-line").filter({ hasText: "edited (version 2)" }).waitFor({ timeout: 30_000 });
    await page.goto(`${app.url}/sessions/${session.hash}`);
    const reportNote = page.getByTestId("report-note");
    await expect(reportNote.textContent()).resolves.toContain("Reads /etc/shadow right after");
    await expect(reportNote.textContent()).resolves.toContain("2 versions");
    const href = await reportNote.getByRole("link", { name: /^00:00:0\d$/ }).getAttribute("href");
    expect(href).toBe(`/sessions/${session.hash}/play?t=${Math.floor(note!.tMs / 1000)}`);
    await page.goto(`${app.url}${href}`);
    await videoReady(page);
    expect(Math.abs((await videoTime(page)) - Math.floor(note!.tMs / 1000))).toBeLessThan(1);

    // A note at a line of the log: at that line's moment, not the video's.
    // Its "+ note" shows while the pointer is over the line (or the button has the keyboard's focus).
    await page.getByTestId("log-line").filter({ hasText: "cat /etc/shadow" }).hover();
    await page.getByRole("button", { name: "Add a note at 00:00:08" }).click();
    await page.getByRole("form", { name: "Add a note" }).getByLabel("Note").fill("The shadow file itself");
    await page.getByRole("button", { name: "Save note" }).click();
    await page.getByTestId("note-line").filter({ hasText: "The shadow file itself" }).waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid=timeline] [data-marker="note"]').count()).toBe(2);
    const atLine = (await db.select().from(sessionNotes).where(eq(sessionNotes.sessionId, session.id))).find((n) => n.text === "The shadow file itself");
    expect(atLine?.tMs).toBe(8000);

    // Mark as reviewed from the player too.
    await page.getByRole("button", { name: "Mark as reviewed" }).click();
    const review = page.getByRole("form", { name: "Mark as reviewed" });
    await review.getByLabel("No issue").check();
    await review.getByLabel("Comment").fill("Expected maintenance");
    await review.getByRole("button", { name: "Save review" }).click();
    await page.getByTestId("player-verdict").filter({ hasText: "Reviewed: No issue" }).waitFor({ timeout: 30_000 });
    const [reviewed] = await db.select().from(sessionReviews).where(eq(sessionReviews.sessionId, session.id));
    expect(reviewed).toMatchObject({ reviewerId: auditor.id, verdict: "no_issue", comment: "Expected maintenance" });
    await context.close();
  });

  it("shares a session with an assessor: the email, the one-time code, the player and nothing else; revoked, it stops at once", async () => {
    await accessParameters(false, false);
    const session = await newSession();
    const other = await newSession();
    const { context: adminContext, page: adminPage } = await signedIn(admin);
    await adminPage.goto(`${app.url}/sessions/${session.hash}`);
    const share = adminPage.getByRole("form", { name: "Share with an assessor" });
    await share.getByLabel("Assessor's email").fill("pci.assessor@qsa.example");
    await share.getByLabel(/Link valid for/).fill("7");
    await share.getByRole("button", { name: "Send the link" }).click();
    await adminPage.getByText("The link was emailed to pci.assessor@qsa.example.").waitFor({ timeout: 30_000 });

    const invitation = await emailTo("pci.assessor@qsa.example", /shared a recorded session with you$/);
    const link = linkIn(invitation.body.text, "/shared/");

    // The assessor: a browser with no account at all.
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(link);
    await page.getByText("p•", { exact: false }).first().waitFor();
    await page.getByRole("button", { name: "Send me a code" }).click();
    const codeEmail = await emailTo("pci.assessor@qsa.example", /^Your code/);
    const code = /\b(\d{6})\b/.exec(codeEmail.body.text)![1]!;
    await page.getByLabel("Code from the email").fill(code === "000000" ? "111111" : "000000");
    await page.getByRole("button", { name: "Open the shared session" }).click();
    await page.getByText(/This code is not right/).waitFor({ timeout: 30_000 });
    await page.getByLabel("Code from the email").fill(code);
    await page.getByRole("button", { name: "Open the shared session" }).click();
    await page.waitForURL((u) => u.pathname === "/assessor", { timeout: 30_000 });
    await expect(page.getByTestId("assessor-email").textContent()).resolves.toBe("pci.assessor@qsa.example");
    await page.getByRole("heading", { name: "Session info" }).waitFor();

    // The player, with the assessor's email over the picture.
    await page.getByRole("link", { name: "▶ Video" }).click();
    await page.waitForURL((u) => u.pathname === "/assessor/play");
    await videoReady(page);
    await page.getByRole("button", { name: "Play", exact: true }).click();
    await page.waitForFunction(() => (document.querySelector("video")?.currentTime ?? 0) > 1, undefined, { timeout: 30_000 });
    await expect(page.getByTestId("watermark").textContent()).resolves.toContain("pci.assessor@qsa.example");
    expect(await page.getByRole("button", { name: /Add note/ }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Mark as reviewed" }).count()).toBe(0);

    // Nothing else: no account page, no other session, no other stream; the link is not an account.
    for (const p of ["/sessions", `/sessions/${session.hash}`, `/sessions/${other.hash}/play`, "/settings/parameters", "/settings/access-requests"]) {
      await page.goto(`${app.url}${p}`);
      expect(new URL(page.url()).pathname, p).toBe("/signin");
    }
    expect((await page.request.get(`${app.url}/api/sessions/${other.hash}/hls/playlist.m3u8`)).status()).toBe(404);
    expect((await page.request.get(`${app.url}/api/sessions/${session.hash}/hls/playlist.m3u8`)).status()).toBe(200);
    expect((await page.request.get(`${app.url}/api/exports/00000000-0000-4000-8000-000000000000`)).status()).toBe(401);
    // A download the link does not allow.
    await page.goto(`${app.url}/assessor/download`);
    await page.getByText("This sharing link does not allow downloads.").waitFor();

    // Every use is audited under the assessor's email; the report's "Who watched" lists them.
    const uses = await db.select().from(auditLog).where(eq(auditLog.targetId, session.hash));
    const byAssessor = uses.filter((u) => u.actorEmail === "pci.assessor@qsa.example").map((u) => u.action);
    expect(byAssessor).toEqual(
      expect.arrayContaining(["share.code_sent", "share.code_failed", "share.opened", "session.report_viewed", "session.played", "session.streamed"]),
    );
    const probed = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetId, other.hash), eq(auditLog.action, "session.access_refused")));
    expect(probed.map((p) => p.actorEmail)).toContain("pci.assessor@qsa.example");
    await adminPage.goto(`${app.url}/sessions/${session.hash}`);
    const watched = await adminPage.getByTestId("who-watched-section").textContent();
    expect(watched).toContain("pci.assessor@qsa.example");
    expect(watched).toContain("assessor link");

    // Revoked: at once.
    await adminPage.getByRole("button", { name: "Revoke the link for pci.assessor@qsa.example" }).click();
    await adminPage.getByTestId("share-row").filter({ hasText: "Revoked" }).waitFor({ timeout: 30_000 });
    const stopped = await page.request.get(`${app.url}/api/sessions/${session.hash}/hls/playlist.m3u8`);
    expect(stopped.status()).toBe(403);
    await expect(stopped.json()).resolves.toMatchObject({ error: "This sharing link was revoked." });
    await page.goto(`${app.url}/assessor/play`);
    await page.getByText(/was revoked/).waitFor();
    expect(await page.getByTestId("video").count()).toBe(0);
    await page.goto(link);
    await page.locator("[data-state=revoked]").waitFor();
    expect(await page.getByRole("button", { name: "Send me a code" }).count()).toBe(0);
    // Each of those uses of the revoked link is a refused access in the trail, under the assessor's email.
    const refusedUses = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetId, session.hash), eq(auditLog.action, "session.access_refused")));
    const asked = refusedUses
      .filter((r) => r.actorEmail === "pci.assessor@qsa.example" && (r.details as { refusal?: string }).refusal === "link-revoked")
      .map((r) => (r.details as { asked: string }).asked);
    expect(asked).toEqual(expect.arrayContaining(["hls playlist", "shared player", "shared link"]));
    await context.close();
    await adminContext.close();
  });
});
