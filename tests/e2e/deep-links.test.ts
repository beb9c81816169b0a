/**
 * Links into the app opened signed out, in real Chromium against the built
 * app: after signing in, the person lands exactly where the link pointed
 * (path and query): a report, a download page, a player link at a time, a
 * filtered list, and the link of a "video is ready" email, which leads to the
 * video it announced even after an admin changed the download format.
 */
import path from "node:path";
import { eq } from "drizzle-orm";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { videoExports, type RemoteSession } from "@/lib/db/schema";
import { exportReadyEmail } from "@/lib/email/export-ready";
import { formatSize } from "@/lib/format";
import { probeMedia } from "@/lib/media/probe";
import { setParameter } from "@/lib/settings/queries";
import { LocalDiskStorage } from "@/lib/storage/local";
import { closeDb } from "../support/db";
import { insertSessionWithRecording, makeMedia, storeMedia } from "../support/player-media";
import { createTestUser } from "../support/users";
import { launchBrowser } from "./support/browser";
import { startAppServer, type AppServer } from "./support/server";

let app: AppServer;
let browser: Browser;
let session: RemoteSession;
let admin: Awaited<ReturnType<typeof createTestUser>>;
let auditor: Awaited<ReturnType<typeof createTestUser>>;

beforeAll(async () => {
  app = await startAppServer();
  browser = await launchBrowser();
  admin = await createTestUser("admin");
  auditor = await createTestUser("auditor");
  const media = await makeMedia({ seconds: 6, kind: "h264" });
  const { probe } = await probeMedia(media);
  const created = await insertSessionWithRecording({ status: "ready", durationMs: 6000, hasAudio: false, videoCodec: "h264", probe });
  session = created.session;
  await storeMedia(new LocalDiskStorage(path.join(app.dataDir, "recordings")), created.recording.id, media);
  await setParameter({ key: "remote_session.video_download_enabled", value: true, updatedBy: admin.id });
  await setParameter({ key: "remote_session.download_format", value: "mp4", updatedBy: admin.id });
  await setParameter({ key: "remote_session.download_watermark", value: false, updatedBy: admin.id });
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await closeDb();
});

/** Opens `target` signed out, signs in on the page it was sent to, and returns where the browser landed. */
async function openSignedOut(target: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${app.url}${target}`);
  await page.waitForURL((u) => u.pathname === "/signin");
  await page.getByLabel("Email").fill(auditor.email);
  await page.getByLabel("Password").fill(auditor.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((u) => u.pathname !== "/signin", { timeout: 30_000 });
  await page.waitForLoadState("networkidle").catch(() => undefined);
  const landed = new URL(page.url());
  return { page, context, landed: `${landed.pathname}${landed.search}` };
}

describe("a link opened signed out", () => {
  it.each([
    ["a report", () => `/sessions/${session.hash}`],
    ["a download page", () => `/sessions/${session.hash}/download`],
    ["a player link at a time", () => `/sessions/${session.hash}/play?t=4`],
    ["a filtered list", () => `/sessions?status=closed&protocol=ssh`],
  ])("lands on %s after sign-in", async (_what, target) => {
    const { context, landed } = await openSignedOut(target());
    expect(landed).toBe(target());
    await context.close();
  });

  it("the email's link leads to the video it announced, after the format changed and once it is gone", async () => {
    const [exp] = await db
      .insert(videoExports)
      .values({
        sessionId: session.id,
        requestedBy: auditor.id,
        format: "mp4",
        optionsKey: "mp4",
        status: "done",
        progress: 1,
        storageKey: "exports/announced.mp4",
        sizeBytes: 828_416,
        durationMs: 6000,
        finishedAt: new Date(),
        expiresAt: new Date(Date.now() + 86_400_000),
        emailStatus: "sent",
      })
      .returning();
    const email = exportReadyEmail({ to: auditor.email, recipientId: auditor.id, session, videoExport: exp! });
    const link = new URL(/https?:\/\/\S+\/sessions\/\S+/.exec(email.text)![0]);
    expect(email.text).toContain("Format: MP4");
    expect(email.text).toContain(`Size: ${formatSize(828_416)}`);

    // An admin changes the download format after the email went out.
    await setParameter({ key: "remote_session.download_format", value: "webm", updatedBy: admin.id });
    const target = `${link.pathname}${link.search}`;
    const { page, context, landed } = await openSignedOut(target);
    expect(landed).toBe(target);
    const announced = page.getByTestId("announced-video");
    await announced.waitFor();
    await expect(announced.getByTestId("video-format").textContent()).resolves.toBe("MP4");
    await expect(announced.getByTestId("video-size").textContent()).resolves.toBe(formatSize(828_416));
    await expect(announced.getByRole("link", { name: "Video download" }).getAttribute("href")).resolves.toBe(`/api/exports/${exp!.id}/download`);

    // Deleted after its retention: the page says so instead of showing another video as if it were that one.
    await db.update(videoExports).set({ status: "expired" }).where(eq(videoExports.id, exp!.id));
    await page.reload();
    await expect(page.getByTestId("announced-video-gone").textContent()).resolves.toMatch(/MP4, .* is no longer available: it was deleted/);
    await expect(page.getByTestId("announced-video").count()).resolves.toBe(0);
    await context.close();
    await setParameter({ key: "remote_session.download_format", value: "mp4", updatedBy: admin.id });
  });
});
