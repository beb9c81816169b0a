import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { setParameter } from "@/lib/settings/queries";
import { auditLog, videoExports } from "@/lib/db/schema";
import { LocalDiskStorage } from "@/lib/storage/local";
import { closeDb } from "../support/db";
import { createSessionWithRecording, makeScreenRecording, probe } from "../support/export-fixtures";
import { createTestUser } from "../support/users";
import { launchBrowser, signIn } from "./support/browser";
import { startAppServer, type AppServer } from "./support/server";
import { startResendStandIn } from "../support/resend-stand-in";

/** tsx runs the worker in a child process: SIGKILL the whole tree, as a crash would. */
function descendants(pid: number): number[] {
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
  return children.flatMap((c) => [c, ...descendants(c)]);
}
function killTree(child: ChildProcess) {
  const pids = [child.pid!, ...descendants(child.pid!)];
  for (const pid of pids.reverse()) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

const RESEND_KEY = "re_test_key_123";
let app: AppServer;
let resend: Awaited<ReturnType<typeof startResendStandIn>>;
let browser: Browser;
let worker: ChildProcess;
let storage: LocalDiskStorage;
let admin: Awaited<ReturnType<typeof createTestUser>>;
let auditor: Awaited<ReturnType<typeof createTestUser>>;
let mediaDir: string;

beforeAll(async () => {
  resend = await startResendStandIn(RESEND_KEY);
  app = await startAppServer({ RESEND_API_KEY: RESEND_KEY, RESEND_BASE_URL: resend.url });
  worker = await app.startWorker();
  storage = new LocalDiskStorage(path.join(app.dataDir, "recordings"));
  admin = await createTestUser("admin");
  auditor = await createTestUser("auditor");
  mediaDir = await mkdtemp(path.join(os.tmpdir(), "sv-e2e-export-"));
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await resend?.close();
  await closeDb();
  if (mediaDir) await rm(mediaDir, { recursive: true, force: true });
});

async function screenSession(seconds: number, name: string) {
  const dir = path.join(mediaDir, name);
  await (await import("node:fs/promises")).mkdir(dir);
  const media = await makeScreenRecording({ seconds, dir });
  return createSessionWithRecording({ storage, file: media.file, kind: "h264-aac-mp4", durationMs: (await probe(media.file)).durationMs });
}

async function auditorPage(): Promise<Page> {
  const page = await browser.newPage();
  await signIn(page, app.url, auditor.email, auditor.password);
  return page;
}

async function exportOf(sessionId: number) {
  const [row] = await db.select().from(videoExports).where(eq(videoExports.sessionId, sessionId)).orderBy(videoExports.createdAt);
  return row ?? null;
}

describe("video for download", () => {
  it("an auditor generates a watermarked video, follows its progress, gets the email and downloads it", async () => {
    await setParameter({ key: "remote_session.video_download_enabled", value: true, updatedBy: admin.id });
    await setParameter({ key: "remote_session.download_watermark", value: true, updatedBy: admin.id });
    const { session, recording } = await screenSession(120, "first");
    const page = await auditorPage();
    await page.goto(`${app.url}/sessions/${session.hash}/download`);
    await expect(page.getByTestId("export-format").textContent()).resolves.toContain("MP4");
    await page.getByRole("button", { name: "Generate video for download" }).click();

    // Progress updates without a reload: the percent changes while the page stays.
    const first = await page.getByTestId("export-percent").textContent({ timeout: 60_000 });
    await page.waitForFunction(
      (initial) => {
        const el = document.querySelector('[data-testid="export-percent"]');
        return (el && el.textContent !== initial) || document.body.textContent?.includes("The video is ready");
      },
      first,
      { timeout: 120_000 },
    );
    await expect(page.getByText(/left/).first().isVisible()).resolves.toBe(true);
    await page.getByText("The video is ready").waitFor({ timeout: 180_000 });

    const row = (await exportOf(session.id))!;
    expect(row).toMatchObject({ status: "done", watermark: true, format: "mp4" });

    const email = await waitFor("the email at the Resend stand-in", async () => resend.emails.find((e) => e.body.to.includes(auditor.email)), 60_000);
    expect(email.authorization).toBe(`Bearer ${RESEND_KEY}`);
    // The link names the video the email announced.
    expect(email.body.text).toContain(`${app.url}/sessions/${session.hash}?video=${row.id}`);
    expect(email.body.html).toContain(`href="${app.url}/sessions/${session.hash}?video=${row.id}"`);
    expect(email.body.text).toContain(session.hash);
    await waitFor("email status sent", async () => (await exportOf(session.id))?.emailStatus === "sent", 30_000);

    // The facts of the finished video (the same component data the report's section shows).
    await page.reload();
    const facts = await page.locator("dl.facts").last().textContent();
    expect(facts).toMatch(/Size\s*\d+(\.\d)? (KB|MB)/);
    expect(facts).toContain("00:02:00");
    expect(facts).toContain("MP4");

    const download = await page.request.get(`${app.url}/api/exports/${row.id}/download`);
    expect(download.status()).toBe(200);
    expect(download.headers()["content-disposition"]).toMatch(/^attachment; filename="session-[0-9a-f]{12}-\d{4}-\d{2}-\d{2}\.mp4"$/);
    const body = await download.body();
    expect(body.length).toBe(row.sizeBytes);
    const file = path.join(mediaDir, "download.mp4");
    await writeFile(file, body);
    const info = await probe(file);
    expect(Math.abs(info.durationMs - recording.durationMs!)).toBeLessThan(250);
    expect(info.streams.map((s) => s.codec_name)).toEqual(["h264", "aac", "mov_text"]);

    // Range: exact bytes, and 416 past the end.
    const part = await page.request.get(`${app.url}/api/exports/${row.id}/download`, { headers: { Range: "bytes=1000-4999" } });
    expect(part.status()).toBe(206);
    expect(part.headers()["content-range"]).toBe(`bytes 1000-4999/${body.length}`);
    expect(Buffer.compare(await part.body(), body.subarray(1000, 5000))).toBe(0);
    const tail = await page.request.get(`${app.url}/api/exports/${row.id}/download`, { headers: { Range: "bytes=-100" } });
    expect(Buffer.compare(await tail.body(), body.subarray(body.length - 100))).toBe(0);
    // A strong ETag; If-Range with another validator gets the whole file (RFC 9110 §13.1.5), the right one the range.
    const etag = download.headers()["etag"]!;
    expect(etag).toMatch(/^"[^"]+"$/);
    const stale = await page.request.get(`${app.url}/api/exports/${row.id}/download`, { headers: { Range: "bytes=1000-4999", "If-Range": '"stale"' } });
    expect(stale.status()).toBe(200);
    expect((await stale.body()).length).toBe(body.length);
    const fresh = await page.request.get(`${app.url}/api/exports/${row.id}/download`, { headers: { Range: "bytes=1000-4999", "If-Range": etag } });
    expect(fresh.status()).toBe(206);
    const beyond = await page.request.get(`${app.url}/api/exports/${row.id}/download`, { headers: { Range: `bytes=${body.length}-` } });
    expect(beyond.status()).toBe(416);
    expect(beyond.headers()["content-range"]).toBe(`bytes */${body.length}`);

    const downloads = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "session.downloaded"), eq(auditLog.targetId, session.hash)));
    expect(downloads.length).toBe(5);
    expect(downloads.every((d) => d.actorId === auditor.id)).toBe(true);

    // Asking again shows the same export instead of starting another.
    await page.goto(`${app.url}/sessions/${session.hash}/download`);
    await expect(page.getByRole("button", { name: "Generate video for download" }).count()).resolves.toBe(0);

    // Signed out: 401; a bad id: 400.
    const anonymous = await fetch(`${app.url}/api/exports/${row.id}/download`);
    expect(anonymous.status).toBe(401);
    expect((await page.request.get(`${app.url}/api/exports/not-an-id/download`)).status()).toBe(400);
    await page.close();
  });

  it("refuses the request while the parameter is off, even from a page that still shows the button", async () => {
    await setParameter({ key: "remote_session.video_download_enabled", value: true, updatedBy: admin.id });
    const { session } = await screenSession(10, "refused");
    const page = await auditorPage();
    await page.goto(`${app.url}/sessions/${session.hash}/download`);
    const button = page.getByRole("button", { name: "Generate video for download" });
    await button.waitFor();
    await setParameter({ key: "remote_session.video_download_enabled", value: false, updatedBy: admin.id });
    await button.click();
    await page.getByRole("alert").filter({ hasText: "turned off" }).waitFor({ timeout: 30_000 });
    expect(await exportOf(session.id)).toBeNull();
    await page.reload();
    await page.getByText("Session video download is turned off").waitFor();
    await expect(page.getByRole("button", { name: "Generate video for download" }).count()).resolves.toBe(0);
    await page.close();
  });

  it("finishes the conversion after its worker is killed mid-way and another starts", async () => {
    await setParameter({ key: "remote_session.video_download_enabled", value: true, updatedBy: admin.id });
    await setParameter({ key: "remote_session.download_watermark", value: true, updatedBy: admin.id });
    const { session, recording } = await screenSession(240, "killed");
    const page = await auditorPage();
    await page.goto(`${app.url}/sessions/${session.hash}/download`);
    await page.getByRole("button", { name: "Generate video for download" }).click();
    const running = await waitFor(
      "the conversion to make progress",
      async () => {
        const row = await exportOf(session.id);
        return row?.status === "running" && row.progress > 0.02 && row.progress < 0.8 ? row : null;
      },
      120_000,
    );
    killTree(worker);
    await new Promise((r) => setTimeout(r, 1000));
    const after = (await exportOf(session.id))!;
    expect(after.status).toBe("running");
    expect(after.storageKey).toBeNull();
    const visible = await readdir(path.join(app.dataDir, "recordings", "exports")).catch(() => [] as string[]);
    expect(visible).not.toContain(running.id);

    worker = await app.startWorker();
    const done = await waitFor(
      "the restarted worker to finish",
      async () => {
        const row = await exportOf(session.id);
        if (row?.status === "failed") throw new Error(`export failed: ${row.error}`);
        return row?.status === "done" ? row : null;
      },
      240_000,
    );
    expect(done.id).toBe(running.id);
    const local = await storage.localPath(done.storageKey!);
    const info = await probe(local.path);
    expect(Math.abs(info.durationMs - recording.durationMs!)).toBeLessThan(250);
    await page.close();
  }, 420_000);
});
