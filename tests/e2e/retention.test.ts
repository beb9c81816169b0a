import { rm } from "node:fs/promises";
import { eq } from "drizzle-orm";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// The fixture writes through this process's storage: the app must read the same folder.
const dataDir = vi.hoisted(() => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- vi.hoisted runs before this file's imports
  const dir = `${require("node:os").tmpdir()}/sv-retention-e2e-${process.pid}-${Date.now()}`;
  process.env.DATA_DIR = dir;
  return dir;
});

import { db } from "@/lib/db/client";
import { auditLog, recordings } from "@/lib/db/schema";
import { closeDb } from "../support/db";
import { createRecordedSession } from "../support/retention-fixtures";
import { createTestUser } from "../support/users";
import { launchBrowser, signIn } from "./support/browser";
import { startAppServer, type AppServer } from "./support/server";

let app: AppServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  app = await startAppServer({ DATA_DIR: dataDir });
  browser = await launchBrowser();
});
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await app?.stop();
  await closeDb();
  await rm(dataDir, { recursive: true, force: true });
});

async function signedIn(role: "admin"): Promise<{ page: Page; email: string }> {
  const user = await createTestUser(role);
  const context = await browser.newContext();
  contexts.push(context);
  const page = await context.newPage();
  await signIn(page, app.url, user.email, user.password);
  return { page, email: user.email };
}

describe("retention on the report", () => {
  it("an admin holds and releases a session; an early deletion needs a second admin, and the report shows the tombstone", async () => {
    const { session, recordingId } = await createRecordedSession({ endedDaysAgo: 3, protocol: "ssh" });
    const report = `${app.url}/sessions/${session.hash}`;
    const a = await signedIn("admin");
    await a.page.goto(report);
    const section = a.page.getByTestId("retention-section");

    await section.getByText("Put on legal hold…").click();
    const holdForm = section.getByRole("form", { name: "Put on legal hold" });
    await holdForm.getByRole("button", { name: "Put on hold" }).click();
    // A reason is required (the browser's own check keeps the form from going).
    await expect(section.getByTestId("hold-badge").count()).resolves.toBe(0);
    await holdForm.getByLabel("Reason").fill("Incident 42");
    await holdForm.getByLabel("Case reference (optional)").fill("INC-42");
    await holdForm.getByRole("button", { name: "Put on hold" }).click();
    await section.getByTestId("hold-badge").waitFor();
    await section.getByText("Incident 42 (case INC-42)", { exact: false }).waitFor();

    // The list shows the badge and filters by it.
    await a.page.goto(`${app.url}/sessions?hold=1`);
    const row = a.page.locator(`tr[data-hash="${session.hash}"]`);
    await row.locator(".badge-hold").waitFor();
    await expect(a.page.locator("tbody tr").count()).resolves.toBe(1);

    // While held there is no early deletion; release it.
    await a.page.goto(report);
    await expect(section.getByText("Delete the recording early…").count()).resolves.toBe(0);
    const release = section.getByRole("form", { name: "Release the legal hold" });
    await release.getByLabel("Reason for releasing").fill("Incident closed");
    await release.getByRole("button", { name: "Release hold" }).click();
    await section.getByText("Delete the recording early…").waitFor();

    // The first admin asks; they cannot confirm.
    await section.getByText("Delete the recording early…").click();
    const ask = section.getByRole("form", { name: "Ask for early deletion" });
    await ask.getByLabel(/Reason for deleting/).fill("Recorded by mistake");
    await ask.getByRole("button", { name: "Ask for deletion" }).click();
    await section.getByTestId("pending-deletion").waitFor();
    await section.getByText("Another administrator must confirm it.").waitFor();
    await expect(section.getByRole("button", { name: "Confirm deletion" }).count()).resolves.toBe(0);

    // The second admin confirms.
    const b = await signedIn("admin");
    await b.page.goto(report);
    const bSection = b.page.getByTestId("retention-section");
    await bSection.getByRole("button", { name: "Confirm deletion" }).click();
    const tombstone = bSection.getByTestId("tombstone");
    await tombstone.waitFor();
    await expect(tombstone.textContent()).resolves.toMatch(
      new RegExp(`Recording deleted on .* by ${b.email.replace(/[.]/g, "\\.")} \\(early deletion: Recorded by mistake\\)`),
    );

    const [row2] = await db.select().from(recordings).where(eq(recordings.id, recordingId));
    expect(row2!.deletionBasis).toBe("request");
    expect(row2!.deletedAt).not.toBeNull();

    // The player says the recording is gone.
    await b.page.goto(`${report}/play`);
    await b.page.getByText(/The recording was deleted on/).waitFor();
  });
});

describe("Settings › System parameters › Retention", () => {
  it("previews what a policy would delete, names a bad field, and saves it audited", async () => {
    await createRecordedSession({ endedDaysAgo: 40, protocol: "rdp" });
    const a = await signedIn("admin");
    await a.page.goto(`${app.url}/settings/parameters`);
    const form = a.page.getByRole("form", { name: "Retention policy" });
    await expect(form.getByLabel(/Keep recordings/).inputValue()).resolves.toBe("forever");
    await form.getByLabel(/Keep recordings/).fill("30");
    await form.getByLabel("SSH").fill("soon");
    await form.getByRole("button", { name: "Preview" }).click();
    await form.locator(".field-error").filter({ hasText: 'Enter a number of days (1-36500) or "forever".' }).waitFor();
    await form.getByLabel("SSH").fill("");
    await form.getByLabel(/By user or credential/).fill("user keep* forever");
    await form.getByRole("button", { name: "Preview" }).click();
    await form
      .getByRole("status")
      .filter({ hasText: /This policy would delete [1-9]\d* recordings? at the next hourly run/ })
      .waitFor();
    await expect(db.select().from(auditLog).where(eq(auditLog.action, "retention.policy_changed"))).resolves.toHaveLength(0);
    await form.getByRole("button", { name: "Save retention" }).click();
    await form
      .getByRole("status")
      .filter({ hasText: /^Saved\. It deletes/ })
      .waitFor();
    const [entry] = await db.select().from(auditLog).where(eq(auditLog.action, "retention.policy_changed"));
    expect(entry!.details).toMatchObject({ old: { defaultDays: null }, new: { defaultDays: 30, patterns: [{ field: "user", pattern: "keep*", days: null }] } });
  });
});
