/**
 * `npm start`: database (embedded unless DATABASE_URL), migrations, first admin,
 * demo accounts on an empty database (SEED_DEMO), a build when there is none,
 * then the web server on PORT and a background worker in this process, and
 * the demo sessions through the ingestion API once the server answers.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { startNode } from "@/lib/cluster";
import { closeDb } from "@/lib/db/client";
import { env } from "@/lib/env";
import { ensureFirstAdmin } from "@/lib/setup/admin";
import { authSecret, prepareRuntime } from "@/lib/setup/runtime";
import { webServerArgs } from "@/lib/setup/web-process";
import { loadDemo } from "@/lib/demo/load";
import { prepareDemoIfEmpty } from "@/lib/demo/seed";

const dev = process.argv.includes("--dev");
const startedAt = Date.now() - process.uptime() * 1000;
const nextBin = path.resolve("node_modules/next/dist/bin/next");

function run(cmd: string, args: string[], extraEnv: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [cmd, ...args], { stdio: "inherit", env: { ...process.env, ...extraEnv } });
}

async function main() {
  const { databaseUrl, embedded } = await prepareRuntime();
  await ensureFirstAdmin();
  const node = await startNode({ worker: env.WORKER === "1" });
  // Demo accounts now (their passwords are printed beside the admin's); demo sessions once the server answers.
  const demo = env.SEED_DEMO === "1" ? await prepareDemoIfEmpty() : false;

  const serverEnv: Record<string, string> = {
    DATABASE_URL: databaseUrl,
    NEXTAUTH_SECRET: await authSecret(),
    NEXTAUTH_URL: env.NEXTAUTH_URL ?? `http://localhost:${env.PORT}`,
    DATA_DIR: env.DATA_DIR,
    // Next.js collects usage data unless told not to; this product sends nothing anywhere by itself.
    NEXT_TELEMETRY_DISABLED: process.env.NEXT_TELEMETRY_DISABLED ?? "1",
  };

  if (!dev && !existsSync(path.resolve(".next/BUILD_ID"))) {
    console.log("[start] no build found: running next build (first start only)");
    const code = await new Promise<number | null>((resolve) => run(nextBin, ["build"], { ...serverEnv, NODE_ENV: "production" }).on("exit", resolve));
    if (code !== 0) throw new Error(`next build failed with exit code ${code}`);
  }

  // Next.js behind our own HTTP server (lib/http/web-server.ts), which sees the client's socket.
  const web = spawn(process.execPath, webServerArgs({ port: env.PORT, dev }), {
    stdio: "inherit",
    env: { ...process.env, ...serverEnv, NODE_ENV: dev ? "development" : "production" },
  });
  const workers: Array<{ stop: () => Promise<void> }> = [];
  if (env.WORKER === "1") {
    const { startWorker } = await import("@/lib/worker");
    workers.push(await startWorker());
  }
  const { backfillSessionCommands } = await import("@/lib/analysis/rules");
  if (await backfillSessionCommands()) console.log("[analysis] sessions analyzed before the command search: re-analysis queued");
  console.log(`[start] Session Video on http://localhost:${env.PORT}`);
  if (demo) {
    // Through the public ingestion API, like a proxy's, in the background: the list is usable meanwhile.
    loadDemo({ baseUrl: `http://127.0.0.1:${env.PORT}`, startedAt }).catch((error) =>
      console.error("[demo] the demo sessions failed:", error instanceof Error ? error.message : error),
    );
  }

  // The demo's simulated proxy keeps a session live (terminate, lock and messages can be tried on it); stopped with the rest.
  let liveProxy: { stop: () => Promise<void> } | null = null;
  if (env.SEED_DEMO === "1") {
    const { startSimulatedProxy } = await import("@/lib/demo/live-proxy");
    void waitForWebServer(`http://127.0.0.1:${env.PORT}`)
      .then(() => startSimulatedProxy({ baseUrl: `http://127.0.0.1:${env.PORT}` }))
      .then(
        (proxy) => {
          liveProxy = proxy;
          console.log("[demo] simulated proxy recording a live SSH session (Audit › Sessions › Live sessions)");
        },
        (error) => console.error("[demo] simulated proxy failed:", error instanceof Error ? error.message : error),
      );
  }

  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await liveProxy?.stop().catch((e) => console.error("[start] demo proxy stop", e));
    web.kill("SIGTERM");
    for (const w of workers) await w.stop().catch((e) => console.error("[start] worker stop", e));
    await node.stop();
    await closeDb();
    await embedded?.stop();
    process.exit(code);
  };
  web.on("exit", (code) => void shutdown(code ?? 0));
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));
}

/** Resolves once the web server answers (the simulated proxy talks to it over HTTP like a real one). */
async function waitForWebServer(url: string, timeoutMs = 180_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await fetch(`${url}/api/v1/openapi.json`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`the web server did not answer within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

main().catch(async (error) => {
  console.error("[start] failed:", error instanceof Error ? error.message : error);
  process.exit(1);
});
