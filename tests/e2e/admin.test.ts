import { and, eq } from "drizzle-orm";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { auditLog, users } from "@/lib/db/schema";
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

/** A page in its own cookie jar, so that several people can be signed in at once. */
async function freshPage(): Promise<Page> {
  const context = await browser.newContext();
  contexts.push(context);
  return context.newPage();
}

async function signedInAdmin(): Promise<{ page: Page; email: string }> {
  const admin = await createTestUser("admin", { name: "Ada Admin" });
  const page = await freshPage();
  await signIn(page, app.url, admin.email, admin.password);
  return { page, email: admin.email };
}

describe("administration", () => {
  it("an admin creates a user who can then sign in (and a duplicate email is refused)", async () => {
    const { page } = await signedInAdmin();
    await page.goto(`${app.url}/settings/users`);
    const form = page.getByRole("form", { name: "Create user" });
    const email = `carol-${Date.now()}@example.test`;
    await form.getByLabel("Name").fill("Carol Created");
    await form.getByLabel("Email").fill(email);
    await form.getByLabel("Role").selectOption("auditor");
    await form.getByLabel("Initial password").fill("carol's long passphrase");
    await form.getByRole("button", { name: "Create user" }).click();
    await form
      .getByRole("status")
      .filter({ hasText: `Created ${email} (Auditor).` })
      .waitFor();
    await page.locator(`tr[data-email="${email}"]`).waitFor();

    // The search narrows the accounts to the new one; the URL keeps it.
    await page.getByRole("search", { name: "Search accounts" }).getByLabel("Search").fill("carol created");
    await page.getByRole("search", { name: "Search accounts" }).getByRole("button", { name: "Search" }).click();
    await page.waitForURL((u) => u.searchParams.get("q") === "carol created");
    await expect(page.getByRole("table", { name: "Accounts", exact: true }).locator("tbody tr").count()).resolves.toBe(1);
    await page.goto(`${app.url}/settings/users`);

    // The same email again, in capitals: a clear error on the email field, and what was typed stays.
    await form.getByLabel("Name").fill("Carol Again");
    await form.getByLabel("Email").fill(email.toUpperCase());
    await form.getByLabel("Initial password").fill("another long passphrase");
    await form.getByRole("button", { name: "Create user" }).click();
    await form.locator(".field-error").filter({ hasText: "An account with this email already exists." }).waitFor();
    await expect(form.getByLabel("Name").inputValue()).resolves.toBe("Carol Again");

    const carol = await freshPage();
    await signIn(carol, app.url, email, "carol's long passphrase");
    await expect(carol.locator(".topbar").textContent()).resolves.toContain("Carol Created");
    await carol.getByRole("button", { name: "Sign out" }).click();
    await carol.waitForURL((u) => u.pathname === "/signin");

    const [created] = await db.select().from(users).where(eq(users.email, email));
    expect(created?.role).toBe("auditor");
    const signOuts = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "auth.sign_out"), eq(auditLog.actorId, created!.id)));
    expect(signOuts).toHaveLength(1);
  });

  it("an admin turns on video download and the audit trail shows the change", async () => {
    const { page, email } = await signedInAdmin();
    await page.goto(`${app.url}/settings/parameters`);
    const toggle = page.getByRole("switch", { name: "Enable session video download" });
    await expect(toggle.isChecked()).resolves.toBe(false);
    await expect(page.locator(".parameter-changed").first().textContent()).resolves.toContain("Never changed");
    await toggle.check();
    await page.getByRole("form", { name: "Remote session" }).getByRole("button", { name: "Save" }).click();
    await page.getByRole("status").filter({ hasText: "Saved: Enable session video download." }).waitFor();

    await page.reload();
    await expect(page.getByRole("switch", { name: "Enable session video download" }).isChecked()).resolves.toBe(true);
    await expect(page.locator(".parameter-changed").first().textContent()).resolves.toContain(`by ${email}`);

    await page.goto(`${app.url}/settings/audit`);
    await page.getByLabel("Action").selectOption("parameter.changed");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL((u) => u.searchParams.get("action") === "parameter.changed");
    const row = page.locator('tr[data-action="parameter.changed"]').first();
    await expect(row.textContent()).resolves.toContain(email);
    await expect(row.textContent()).resolves.toContain('"old":false');
    await expect(row.textContent()).resolves.toContain('"new":true');
    await expect(row.textContent()).resolves.toContain("remote_session.video_download_enabled");
  });

  it("an auditor opening System parameters gets the 403 page", async () => {
    const auditor = await createTestUser("auditor");
    const page = await freshPage();
    await signIn(page, app.url, auditor.email, auditor.password);
    for (const path of ["/settings/parameters", "/settings/users", "/settings/audit"]) {
      const response = await page.goto(`${app.url}${path}`);
      expect(response?.status()).toBe(403);
      await expect(page.locator("h1").textContent()).resolves.toContain("Not allowed");
    }
    // The side menu does not offer what the role cannot open.
    await expect(page.getByRole("navigation", { name: "Side menu" }).textContent()).resolves.not.toContain("Users");
  });

  it("a password reset signs the account out everywhere; the new password works", async () => {
    const victim = await createTestUser("user", { name: "Rita Reset" });
    const victimPage = await freshPage();
    await signIn(victimPage, app.url, victim.email, victim.password);
    await victimPage.goto(`${app.url}/sessions`);
    await victimPage.getByRole("heading", { name: "Remote sessions" }).waitFor();

    const { page } = await signedInAdmin();
    await page.goto(`${app.url}/settings/users`);
    const row = page.locator(`tr[data-email="${victim.email}"]`);
    await row.getByText("Reset password").click();
    const form = page.getByRole("form", { name: `Reset password of ${victim.email}` });
    await form.getByRole("button", { name: "Generate one" }).click();
    await form.getByRole("status").filter({ hasText: "open sessions are signed out" }).waitFor();
    const generated = (await form.getByTestId("generated-password").textContent())!.trim();

    // The session opened with the old password ends on its next request.
    await victimPage.goto(`${app.url}/sessions`);
    await victimPage.waitForURL((u) => u.pathname === "/signin");
    const again = await freshPage();
    await signIn(again, app.url, victim.email, generated);
    await again.goto(`${app.url}/sessions`);
    await again.getByRole("heading", { name: "Remote sessions" }).waitFor();
  });

  it("a disabled user loses access at once and cannot sign in again", async () => {
    const victim = await createTestUser("user", { name: "Dan Disabled" });
    const victimPage = await freshPage();
    await signIn(victimPage, app.url, victim.email, victim.password);

    const { page } = await signedInAdmin();
    await page.goto(`${app.url}/settings/users`);
    const status = page.getByRole("form", { name: `Status of ${victim.email}` });
    await status.getByRole("button", { name: "Disable" }).click();
    await status.getByRole("status").filter({ hasText: "is disabled" }).waitFor();
    await expect(page.locator(`tr[data-email="${victim.email}"]`).textContent()).resolves.toContain("Disabled");

    // The open session ends on the next request.
    await victimPage.goto(`${app.url}/settings/parameters`);
    await victimPage.waitForURL((u) => u.pathname === "/signin");

    const again = await freshPage();
    await again.goto(`${app.url}/signin`);
    await again.getByLabel("Email").fill(victim.email);
    await again.getByLabel("Password").fill(victim.password);
    await again.getByRole("button", { name: "Sign in" }).click();
    await again.locator("#signin-error").filter({ hasText: "This account is disabled" }).waitFor();
  });
});
