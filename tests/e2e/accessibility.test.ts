/**
 * Accessibility of every kind of page, checked by axe-core in real Chromium:
 * the sign-in page, the Remote sessions list (with a row's Actions menu
 * open), a report, the player, the download page, the command search and each
 * settings page. A serious or critical violation fails the test; the lesser
 * ones are printed. Then what axe cannot judge: the Actions menu works by
 * keyboard and says whether it is open, a focused control shows it.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { AxeResults } from "axe-core";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probeMedia } from "@/lib/media/probe";
import { setParameter } from "@/lib/settings/queries";
import { LocalDiskStorage } from "@/lib/storage/local";
import type { RemoteSession } from "@/lib/db/schema";
import { closeDb } from "../support/db";
import { insertEvents, insertSessionWithRecording, makeMedia, storeMedia } from "../support/player-media";
import { createTestUser } from "../support/users";
import { launchBrowser, signIn } from "./support/browser";
import { startAppServer, type AppServer } from "./support/server";

let app: AppServer;
let browser: Browser;
let session: RemoteSession;
let admin: Awaited<ReturnType<typeof createTestUser>>;

beforeAll(async () => {
  app = await startAppServer();
  browser = await launchBrowser();
  admin = await createTestUser("admin", { name: "Ada Admin" });
  const media = await makeMedia({ seconds: 8, kind: "h264", audio: true });
  const { probe } = await probeMedia(media);
  const created = await insertSessionWithRecording({ status: "ready", durationMs: 8000, hasAudio: true, videoCodec: "h264", probe });
  session = created.session;
  await storeMedia(new LocalDiskStorage(path.join(app.dataDir, "recordings")), created.recording.id, media);
  await insertEvents(session.id, [...[..."ls -la"].map((key, i) => ({ tMs: 1000 + i * 120, type: "key" as const, data: { key } }))]);
  await setParameter({ key: "remote_session.video_download_enabled", value: true, updatedBy: admin.id });
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await closeDb();
});

/** axe-core itself, evaluated in the page (outside its Content-Security-Policy, which is for the page's own scripts). */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
/** WCAG 2.1 A and AA, and axe's best practices. */
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"];

type Finding = { page: string; id: string; impact: string; help: string; nodes: string[] };

/** axe-core over the page as it is now: the findings, worst first. */
async function audit(page: Page, name: string): Promise<Finding[]> {
  await page.evaluate(AXE_SOURCE);
  const { violations } = await page.evaluate(
    (tags) =>
      (window as unknown as { axe: { run: (context: Document, options: object) => Promise<AxeResults> } }).axe.run(document, {
        runOnly: { type: "tag", values: tags },
        resultTypes: ["violations"],
      }),
    TAGS,
  );
  return violations.map((v) => ({
    page: name,
    id: v.id,
    impact: v.impact ?? "unknown",
    help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(" ")}: ${n.failureSummary?.split("\n").slice(1).join(" ").trim()}`),
  }));
}

const blocking = (findings: Finding[]) => findings.filter((f) => f.impact === "serious" || f.impact === "critical");

describe("accessibility (axe-core)", () => {
  let page: Page;
  const findings: Finding[] = [];

  it("the sign-in page", async () => {
    const from = findings.length; // this test's own findings
    page = await browser.newPage();
    await page.goto(`${app.url}/signin`);
    findings.push(...(await audit(page, "sign-in")));
    expect(blocking(findings.slice(from))).toEqual([]);
  });

  it("the list, with a row's Actions menu open, a report, the player and the download page", async () => {
    const from = findings.length; // this test's own findings
    await signIn(page, app.url, admin.email, admin.password);
    findings.push(...(await audit(page, "list")));
    await page
      .getByRole("button", { name: /^Actions for session/ })
      .first()
      .click();
    await page.getByRole("menuitem", { name: "Video of session" }).waitFor();
    findings.push(...(await audit(page, "list, menu open")));

    await page.goto(`${app.url}/sessions/${session.hash}`);
    findings.push(...(await audit(page, "report")));

    await page.goto(`${app.url}/sessions/${session.hash}/play`);
    await page.getByRole("button", { name: "Play", exact: true }).waitFor();
    await page.waitForFunction(() => (document.querySelector("video")?.readyState ?? 0) >= 1, undefined, { timeout: 30_000 });
    findings.push(...(await audit(page, "player")));

    await page.goto(`${app.url}/sessions/${session.hash}/download`);
    findings.push(...(await audit(page, "download")));
    expect(blocking(findings.slice(from))).toEqual([]);
  });

  it("the command search and each settings page", async () => {
    const from = findings.length; // this test's own findings
    await page.goto(`${app.url}/sessions/commands?q=ls`);
    findings.push(...(await audit(page, "command search")));
    for (const path of [
      "/settings/parameters",
      "/settings/users",
      "/settings/tokens",
      "/settings/rules",
      "/settings/audit",
      "/settings/outbox",
      "/settings/cluster",
    ]) {
      await page.goto(`${app.url}${path}`);
      expect(page.url(), path).toBe(`${app.url}${path}`);
      findings.push(...(await audit(page, path)));
    }
    await page.goto(`${app.url}/settings/rules`);
    const rule = await page.locator('a[href^="/settings/rules/"]').first().getAttribute("href");
    expect(rule).toBeTruthy();
    await page.goto(`${app.url}${rule}`);
    findings.push(...(await audit(page, "a rule")));
    expect(blocking(findings.slice(from))).toEqual([]);
  });

  afterAll(() => {
    const rest = findings.filter((f) => !blocking([f]).length);
    if (rest.length) console.log("[axe] minor or moderate findings:\n" + JSON.stringify(rest, null, 2));
  });
});

describe("keyboard", () => {
  it("opens a row's Actions menu with Enter, says it is open, moves into it and closes it with Escape", async () => {
    const page = await browser.newPage();
    await signIn(page, app.url, admin.email, admin.password);
    const button = page.getByRole("button", { name: /^Actions for session/ }).first();
    await expect(button.getAttribute("aria-expanded")).resolves.toBe("false");
    await button.focus();
    await page.keyboard.press("Enter");
    await expect(button.getAttribute("aria-expanded")).resolves.toBe("true");
    const item = page.getByRole("menuitem", { name: "Video of session" });
    await item.waitFor();
    // The first item has the focus; Escape closes the menu and gives the focus back to the button.
    await expect(item.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await page.keyboard.press("Escape");
    await expect(button.getAttribute("aria-expanded")).resolves.toBe("false");
    await expect(item.count()).resolves.toBe(0);
    await expect(button.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    // Enter on the item opens the report.
    await page.keyboard.press("Enter");
    await item.waitFor();
    await page.keyboard.press("Enter");
    await page.waitForURL((u) => /^\/sessions\/[0-9a-f]{32}$/.test(u.pathname));
    await page.close();
  });

  it("shows where the focus is: every control reached by Tab on the list has a visible outline", async () => {
    const page = await browser.newPage();
    await signIn(page, app.url, admin.email, admin.password);
    const seen: string[] = [];
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press("Tab");
      const focus = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        if (!el || el === document.body) return null;
        const style = getComputedStyle(el);
        const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
        const ring = style.boxShadow !== "none";
        return {
          what: `${el.tagName.toLowerCase()}${el.getAttribute("type") ? `[type=${el.getAttribute("type")}]` : ""} ${(el.getAttribute("aria-label") ?? el.textContent ?? "").trim().slice(0, 40)}`,
          visible: outline || ring,
        };
      });
      if (!focus) continue;
      seen.push(focus.what);
      expect(focus, focus.what).toMatchObject({ visible: true });
    }
    expect(seen.length).toBeGreaterThan(10);
    await page.close();
  });
});
