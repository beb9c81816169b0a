/** `next start` of a build against a benchmark's database, signed-in requests measured by the caller. */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import path from "node:path";
import { freePort } from "@/lib/setup/free-port";

/**
 * Serves the build in NEXT_DIST_DIR (default .next) with `next start` on a free
 * port, or returns null when BENCH_HTTP=0 or there is no build.
 * BENCH_PROFILE=<dir>: the server writes a V8 CPU profile there when it stops.
 */
export async function startNext(databaseUrl: string): Promise<{ url: string; child: ChildProcess } | null> {
  const distDir = process.env.NEXT_DIST_DIR || ".next";
  if (process.env.BENCH_HTTP === "0") return null;
  if (!existsSync(path.resolve(distDir, "BUILD_ID"))) {
    console.log(`  (no build in ${distDir}: skipping page renders; run \`npm run build\` or set NEXT_DIST_DIR)`);
    return null;
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dataDir = await mkdtemp(path.resolve("data/bench-app-"));
  // BENCH_PROFILE=<dir>: the server writes a V8 CPU profile there when it stops.
  const profile = process.env.BENCH_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(process.env.BENCH_PROFILE)}`] : [];
  const child = spawn(process.execPath, [...profile, path.resolve("node_modules/next/dist/bin/next"), "start", "-p", String(port), "-H", "127.0.0.1"], {
    env: {
      NEXT_TELEMETRY_DISABLED: "1",
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      NEXTAUTH_URL: url,
      NEXTAUTH_SECRET: randomBytes(32).toString("hex"),
      NEXT_DIST_DIR: distDir,
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  child.once("exit", () => void rm(dataDir, { recursive: true, force: true }));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error("next start exited early");
    try {
      if ((await fetch(`${url}/signin`)).ok) return { url, child };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error("next start did not answer in 60 s");
    await new Promise((r) => setTimeout(r, 250));
  }
}
