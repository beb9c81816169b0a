import { and, eq, sql } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { setParameter } from "@/lib/settings/queries";
import { auditLog, recordings, remoteSessions, type NewRemoteSession } from "@/lib/db/schema";
import { closeDb } from "../support/db";
import { createTestUser } from "../support/users";
import { launchBrowser, signIn } from "./support/browser";
import { startAppServer, type AppServer } from "./support/server";

let app: AppServer;
let browser: Browser;
type Person = Awaited<ReturnType<typeof createTestUser>>;
let auditor: Person;
let admin: Person;
let alice: Person;
let bob: Person;

const RDP_HASH = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
const FAILED_HASH = "f00dfeed00000000000000000000beef";
const ACTIVE_HASH = "acacacac11112222333344445555aaaa";
/** Closed, but no media ever arrived: no size, no Video button. */
const UNRECORDED_HASH = "0e0e0e0e99998888777766665555cccc";

beforeAll(async () => {
  app = await startAppServer();
  browser = await launchBrowser();
  [auditor, admin, alice, bob] = await Promise.all([
    createTestUser("auditor"),
    createTestUser("admin"),
    createTestUser("user", { name: "Alice Martins" }),
    createTestUser("user", { name: "Bob Chen" }),
  ]);
  const base = Date.parse("2026-10-02T10:00:00Z");
  const rows: NewRemoteSession[] = [
    {
      hash: RDP_HASH,
      protocol: "rdp",
      host: "10.30.2.21",
      credentialUsername: "CORP\\svc_backup",
      userId: alice.id,
      userName: "Alice Martins",
      userIp: "10.1.4.22",
      startedAt: new Date(base),
      endedAt: new Date(base + (3600 + 2 * 60 + 3) * 1000),
      status: "closed",
      recordingSize: 5 * 1024 * 1024,
    },
    {
      hash: FAILED_HASH,
      protocol: "ssh",
      host: "10.20.1.14",
      credentialUsername: "root",
      userId: bob.id,
      userName: "Bob Chen",
      userIp: "10.1.5.9",
      startedAt: new Date(base + 60_000),
      endedAt: new Date(base + 62_000),
      status: "failed",
      errorMessage: "Permission denied (publickey,password).",
    },
    {
      hash: ACTIVE_HASH,
      protocol: "postgresql",
      host: "10.70.7.20",
      credentialUsername: "postgres",
      userId: null,
      userName: "Grace Kim",
      userIp: "10.1.6.1",
      startedAt: new Date(Date.now() - 10 * 60_000),
      status: "active",
      recordingSize: 4096,
    },
    {
      hash: UNRECORDED_HASH,
      protocol: "telnet",
      host: "10.40.3.3",
      credentialUsername: "netops",
      userId: bob.id,
      userName: "Bob Chen",
      userIp: "10.1.5.9",
      startedAt: new Date(base + 30_000),
      endedAt: new Date(base + 90_000),
      status: "closed",
    },
  ];
  // Enough older SSH sessions for a second page.
  for (let i = 0; i < 60; i++) {
    rows.push({
      hash: `0000${String(i).padStart(28, "0")}`,
      protocol: "ssh",
      host: `10.20.9.${i}`,
      credentialUsername: "deploy",
      userId: bob.id,
      userName: "Bob Chen",
      userIp: "10.1.5.9",
      startedAt: new Date(base - (i + 1) * 3600_000),
      endedAt: new Date(base - (i + 1) * 3600_000 + 600_000),
      status: "closed",
      recordingSize: 1000 + i,
    });
  }
  const inserted = await db
    .insert(remoteSessions)
    .values(rows)
    .returning({ id: remoteSessions.id, status: remoteSessions.status, recordingSize: remoteSessions.recordingSize });
  // Every session that counts recorded bytes has its recording, as ingestion leaves them.
  await db
    .insert(recordings)
    .values(
      inserted
        .filter((s) => s.recordingSize > 0)
        .map((s) => ({ sessionId: s.id, status: s.status === "active" ? ("receiving" as const) : ("ready" as const), sizeBytes: s.recordingSize })),
    );
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await closeDb();
});

const tableRows = (page: Page) => page.getByRole("table", { name: "Remote sessions", exact: true }).locator("tbody tr");

describe("Remote sessions list and session report", () => {
  it("lets an auditor filter the list through the URL, page it, and open a report via Actions", async () => {
    const page = await browser.newPage();
    await signIn(page, app.url, auditor.email, auditor.password);
    await expect(page.locator(".breadcrumb").textContent()).resolves.toBe("Audit › Sessions › Remote sessions");
    expect(await tableRows(page).count()).toBe(50);
    // Newest first: the active session started last.
    await expect(tableRows(page).first().getAttribute("data-hash")).resolves.toBe(ACTIVE_HASH);

    // Older page by cursor, then back to the first.
    const follow = async (name: string) => {
      const link = page.getByRole("link", { name });
      const href = await link.getAttribute("href");
      await link.click();
      await page.waitForURL(`${app.url}${href}`);
    };
    await follow("Older ›");
    expect(await tableRows(page).count()).toBe(14);
    await expect(page.getByRole("link", { name: "Older ›" }).count()).resolves.toBe(0);
    await follow("‹ Newer");
    await expect(tableRows(page).first().getAttribute("data-hash")).resolves.toBe(ACTIVE_HASH);
    expect(await tableRows(page).count()).toBe(50);
    await expect(page.getByRole("link", { name: "‹ Newer" }).count()).resolves.toBe(0);

    // Filters land in the URL.
    await page.goto(`${app.url}/sessions`);
    await page.getByLabel("Type").selectOption("rdp");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.waitForURL((u) => u.searchParams.get("type") === "rdp");
    expect(await tableRows(page).count()).toBe(1);
    await expect(tableRows(page).first().textContent()).resolves.toContain("RDP");
    await page.getByLabel("Type").selectOption("");
    await page.getByLabel("Search").fill("10.20.1");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.waitForURL((u) => u.searchParams.get("q") === "10.20.1");
    await expect(tableRows(page).first().getAttribute("data-hash")).resolves.toBe(FAILED_HASH);
    expect(await tableRows(page).count()).toBe(1);
    // The back button returns to the previous filter.
    await page.goBack();
    await page.waitForURL((u) => u.searchParams.get("type") === "rdp");
    expect(await tableRows(page).count()).toBe(1);

    // No match: the empty state offers to clear the filters.
    await page.getByLabel("Search").fill("nothing-like-this");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.waitForURL((u) => u.searchParams.get("q") === "nothing-like-this");
    await expect(page.locator(".empty").textContent()).resolves.toContain("No session matches these filters");

    // Actions > Video of session opens the report.
    await page.goto(`${app.url}/sessions?q=${RDP_HASH.slice(0, 8)}`);
    const row = tableRows(page).first();
    await expect(row.locator("[title]").first().getAttribute("title")).resolves.toBe(RDP_HASH);
    await row.getByText("Actions").click();
    await row.getByRole("menuitem", { name: "Video of session" }).click();
    await page.waitForURL((u) => u.pathname === `/sessions/${RDP_HASH}`);
    for (const name of ["Session info", "User info", "Session"]) {
      await expect(page.getByRole("heading", { name, exact: true }).count()).resolves.toBe(1);
    }
    const info = await page.locator("section", { has: page.getByRole("heading", { name: "Session info" }) }).textContent();
    expect(info).toContain(RDP_HASH);
    expect(info).toContain("RDP");
    expect(info).toContain("10.30.2.21");
    expect(info).toContain("CORP\\svc_backup");
    expect(info).not.toContain("Error message");
    const user = await page.locator("section", { has: page.getByRole("heading", { name: "User info" }) }).textContent();
    expect(user).toContain("Alice Martins");
    expect(user).toContain("10.1.4.22");
    const session = page.locator("section", { has: page.getByRole("heading", { name: "Session", exact: true }) });
    await expect(session.getByTestId("recording-size").textContent()).resolves.toBe("5.0 MB");
    expect(await session.textContent()).toContain("01:02:03");
    await expect(session.getByRole("link", { name: /Video/ }).getAttribute("href")).resolves.toBe(`/sessions/${RDP_HASH}/play`);
    const generate = session.getByRole("button", { name: "Generate video for download" });
    expect(await generate.isDisabled()).toBe(true);
    expect(await session.textContent()).toContain("Video download is turned off");
    // Only admins get the link to the parameter.
    expect(await session.getByRole("link", { name: /System parameters/ }).count()).toBe(0);
    // Times show with the exact ISO time on hover.
    await expect(page.locator("time").first().getAttribute("title")).resolves.toBe("2026-10-02T10:00:00.000Z");

    // The view is in the audit trail.
    const audit = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "session.report_viewed"), eq(auditLog.targetId, RDP_HASH)));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: auditor.id, targetType: "session" });

    // A failed session shows its error and says there is no recording instead of buttons.
    await page.goto(`${app.url}/sessions/${FAILED_HASH}`);
    const failedInfo = await page.locator("section", { has: page.getByRole("heading", { name: "Session info" }) }).textContent();
    expect(failedInfo).toContain("Error message");
    expect(failedInfo).toContain("Permission denied (publickey,password).");
    const failedSession = page.locator("section", { has: page.getByRole("heading", { name: "Session", exact: true }) });
    expect(await failedSession.textContent()).toContain("No recording");
    await expect(failedSession.getByTestId("recording-size").textContent()).resolves.toBe("No recording");
    expect(await failedSession.getByRole("link", { name: /Video/ }).count()).toBe(0);
    expect(await failedSession.getByRole("button", { name: "Generate video for download" }).count()).toBe(0);

    // A closed session whose media never arrived: no size and no Video button either, here and in the list.
    await page.goto(`${app.url}/sessions/${UNRECORDED_HASH}`);
    const unrecorded = page.locator("section", { has: page.getByRole("heading", { name: "Session", exact: true }) });
    expect(await unrecorded.textContent()).toContain("No recording was received");
    await expect(unrecorded.getByTestId("recording-size").textContent()).resolves.toBe("No recording");
    expect(await unrecorded.getByRole("link", { name: /Video/ }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Generate video for download" }).count()).toBe(0);
    expect(await page.getByRole("heading", { name: "Video of session", exact: true }).count()).toBe(0);
    await page.goto(`${app.url}/sessions?q=10.`);
    const sizeOf = (hash: string) => page.locator(`tr[data-hash="${hash}"] td`).nth(8).textContent();
    await expect(sizeOf(FAILED_HASH)).resolves.toBe("—");
    await expect(sizeOf(UNRECORDED_HASH)).resolves.toBe("—");
    await expect(sizeOf(RDP_HASH)).resolves.toBe("5.0 MB");

    // An active session says it is still being recorded.
    await page.goto(`${app.url}/sessions/${ACTIVE_HASH}`);
    expect(await page.locator("main").textContent()).toContain("still active and being recorded");
    await page.close();
  });

  it("answers bad filter values with a message, never an error page", async () => {
    const page = await browser.newPage();
    await signIn(page, app.url, auditor.email, auditor.password);
    const res = await page.goto(`${app.url}/sessions?type=bogus&from=2026-13-45&cursor=%27%3B--&q=${"x".repeat(300)}`);
    expect(res?.status()).toBe(200);
    const alert = await page.locator(".alert-warn").textContent();
    expect(alert).toContain("Unknown type");
    expect(alert).toContain("From is not a real date");
    expect(alert).toContain("Search text is too long");
    expect(alert).toContain("page link is not valid");
    expect(await tableRows(page).count()).toBe(50);
    await page.close();
  });

  it("gives a user only their own sessions and the same 404 for others' and missing ones", async () => {
    const page = await browser.newPage();
    await signIn(page, app.url, alice.email, alice.password);
    expect(await tableRows(page).count()).toBe(1);
    await expect(tableRows(page).first().getAttribute("data-hash")).resolves.toBe(RDP_HASH);
    const own = await page.goto(`${app.url}/sessions/${RDP_HASH}`);
    expect(own?.status()).toBe(200);

    const others = await page.goto(`${app.url}/sessions/${FAILED_HASH}`);
    expect(others?.status()).toBe(404);
    const othersText = await page.locator("h1").textContent();
    expect(othersText).toContain("404");
    expect(await page.locator("body").textContent()).not.toContain("Permission denied");
    const missing = await page.goto(`${app.url}/sessions/${"9".repeat(32)}`);
    expect(missing?.status()).toBe(404);
    expect(await page.locator("h1").textContent()).toBe(othersText);
    const malformed = await page.goto(`${app.url}/sessions/${encodeURIComponent("bad hash'--")}`);
    expect(malformed?.status()).toBe(404);
    // Nothing about other people's sessions reached the audit trail as a view.
    const [row] = (
      await db.execute<{ n: number }>(
        sql`select count(*)::int n from audit_log where action = 'session.report_viewed' and actor_id = ${alice.id} and target_id <> ${RDP_HASH}`,
      )
    ).rows;
    expect(row?.n).toBe(0);
    await page.close();
  });

  it("enables Generate video for download once an admin turns the system parameter on", async () => {
    const page = await browser.newPage();
    await signIn(page, app.url, admin.email, admin.password);
    await page.goto(`${app.url}/sessions/${RDP_HASH}`);
    const session = page.locator("section", { has: page.getByRole("heading", { name: "Session", exact: true }) });
    expect(await session.getByRole("button", { name: "Generate video for download" }).isDisabled()).toBe(true);
    await expect(session.getByRole("link", { name: /System parameters/ }).getAttribute("href")).resolves.toBe("/settings/parameters");

    await setParameter({ key: "remote_session.video_download_enabled", value: true, updatedBy: admin.id });
    await page.reload();
    // Enabled: a form whose server action starts the conversion and opens the download screen.
    expect(await session.getByRole("button", { name: "Generate video for download" }).isEnabled()).toBe(true);
    expect(await session.textContent()).not.toContain("turned off");

    // Never offered for a session without a recording, in any section.
    await page.goto(`${app.url}/sessions/${FAILED_HASH}`);
    expect(await page.getByRole("button", { name: "Generate video for download" }).count()).toBe(0);
    expect(await page.getByRole("heading", { name: "Video of session", exact: true }).count()).toBe(0);

    // Still not offered for a session that is being recorded.
    await page.goto(`${app.url}/sessions/${ACTIVE_HASH}`);
    expect(await session.getByRole("button", { name: "Generate video for download" }).isDisabled()).toBe(true);
    expect(await session.textContent()).toContain("Available once the session has ended");
    await page.close();
  });
});
