/**
 * A product holding recordings of privileged sessions is never in a search
 * engine: robots.txt disallows everything, and every answer (pages, the API,
 * static files, errors, the web server's own refusals) says noindex.
 */
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb } from "../support/db";
import { startAppServer, type AppServer } from "./support/server";

let app: AppServer;

beforeAll(async () => {
  app = await startAppServer();
});
afterAll(async () => {
  await app?.stop();
  await closeDb();
});

describe("search engines", () => {
  it("are asked by robots.txt to fetch nothing", async () => {
    const res = await fetch(`${app.url}/robots.txt`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    const rules = (await res.text()).split("\n").filter((line) => line.trim() && !line.startsWith("#"));
    expect(rules).toEqual(["User-agent: *", "Disallow: /"]);
  });

  it("find a favicon (ICO and SVG), and the pages name both", async () => {
    const ico = await fetch(`${app.url}/favicon.ico`);
    expect(ico.status).toBe(200);
    const bytes = Buffer.from(await ico.arrayBuffer());
    expect([...bytes.subarray(0, 4)]).toEqual([0, 0, 1, 0]); // an icon resource
    const svg = await fetch(`${app.url}/favicon.svg`);
    expect(svg.status).toBe(200);
    expect(await svg.text()).toContain("<svg");
    const page = await (await fetch(`${app.url}/signin`)).text();
    expect(page).toMatch(/<link rel="icon" href="\/favicon.ico"/);
    expect(page).toMatch(/<link rel="icon" href="\/favicon.svg"/);
    expect(page).toContain('<meta name="robots" content="noindex, nofollow"/>');
  });

  it("are told noindex by every answer", async () => {
    const asked: Array<[string, RequestInit?]> = [
      ["/signin"],
      ["/sessions"], // a redirect to sign in
      ["/settings/users"],
      ["/no-such-page"], // Next's 404
      ["/robots.txt"],
      ["/favicon.ico"],
      ["/api/v1/openapi.json"],
      ["/api/v1/sessions", { method: "POST" }], // 401 without a token
      ["/api/sessions/0123/hls/playlist.m3u8"], // 401 without a cookie
      ["/sessions/%zz"], // the web server's own 400
    ];
    const page = await (await fetch(`${app.url}/signin`)).text();
    const script = page.match(/src="(\/_next\/static\/[^"]+\.js)"/)?.[1];
    expect(script).toBeTruthy();
    asked.push([script!]);
    for (const [pathname, init] of asked) {
      const res = await fetch(`${app.url}${pathname}`, { redirect: "manual", ...init });
      await res.arrayBuffer();
      expect(res.status, pathname).toBeLessThan(500);
      expect([pathname, res.headers.get("x-robots-tag")]).toEqual([pathname, "noindex, nofollow"]);
    }
    // The web server's own 405 (fetch cannot send TRACE).
    const trace = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = http.request(`${app.url}/signin`, { method: "TRACE" }, (res) => resolve(res.resume()));
      req.on("error", reject).end();
    });
    expect(trace.statusCode).toBe(405);
    expect(trace.headers["x-robots-tag"]).toBe("noindex, nofollow");
  });
});
