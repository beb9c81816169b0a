import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb } from "../support/db";
import { createTestUser } from "../support/users";
import { launchBrowser, signIn } from "./support/browser";
import { startAppServer, type AppServer } from "./support/server";

let app: AppServer;
let browser: Browser;

beforeAll(async () => {
  app = await startAppServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await closeDb();
});

describe("sign-in", () => {
  it("signs in, shows the layout, and signs out", async () => {
    const auditor = await createTestUser("auditor", { name: "Ada Auditor" });
    const page = await browser.newPage();
    await signIn(page, app.url, auditor.email, auditor.password);
    await expect(page.getByRole("navigation", { name: "Side menu" }).textContent()).resolves.toContain("Remote sessions");
    await expect(page.locator(".topbar").textContent()).resolves.toContain("Ada Auditor");
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL((u) => u.pathname === "/signin");
    await page.close();
  });

  it("refuses a wrong password with a clear message", async () => {
    const user = await createTestUser("user");
    const page = await browser.newPage();
    await page.goto(`${app.url}/signin`);
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill("wrong password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.locator("#signin-error").textContent()).resolves.toContain("Invalid email or password");
    await page.close();
  });
});
