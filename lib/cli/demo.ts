/**
 * `npm run demo [-- --url http://localhost:3000]`: generates the demo recordings
 * with ffmpeg and sends them through the ingestion API. Uses the server at
 * --url (default: this machine's PORT) when it answers; otherwise starts the
 * built app and a worker for the time of the demo.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { parseArgs } from "node:util";
import { inArray } from "drizzle-orm";
import { closeDb, db } from "@/lib/db/client";
import { recordings, remoteSessions } from "@/lib/db/schema";
import { seedDemoRecordings } from "@/lib/demo/send";
import { ensureDemoAccounts } from "@/lib/demo/sessions";
import { env } from "@/lib/env";
import { authSecret, prepareRuntime } from "@/lib/setup/runtime";
import { freePort } from "@/lib/setup/free-port";

const { values } = parseArgs({ options: { url: { type: "string" } } });
const answers = (url: string) =>
  fetch(`${url}/api/v1/openapi.json`, { signal: AbortSignal.timeout(3000) }).then(
    (r) => r.ok,
    () => false,
  );


const started = Date.now();
const { databaseUrl, embedded } = await prepareRuntime();
let web: ChildProcess | null = null;
let worker: { stop: () => Promise<void> } | null = null;
let stopping = false;
try {
  let url = values.url ?? `http://localhost:${env.PORT}`;
  if (!(await answers(url))) {
    if (values.url) throw new Error(`${url} does not answer`);
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    console.log(`[demo] no server on port ${env.PORT}: starting the built app on ${url} for the demo`);
    web = spawn(process.execPath, [path.resolve("node_modules/next/dist/bin/next"), "start", "-p", String(port), "-H", "127.0.0.1"], {
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, NODE_ENV: "production", DATABASE_URL: databaseUrl, DATA_DIR: env.DATA_DIR, NEXTAUTH_URL: url, NEXTAUTH_SECRET: await authSecret() },
    });
    web.on("exit", (code) => {
      if (code && !stopping) console.error(`[demo] next start exited with ${code} (is there a build? run npm run build)`);
    });
    const { startWorker } = await import("@/lib/worker");
    worker = await startWorker();
  }
  // The PAM users of the demo recordings, so their sessions link to accounts.
  await ensureDemoAccounts();
  const { sessions } = await seedDemoRecordings({ baseUrl: url });
  if (worker) {
    // Our own worker: stay until it has probed what was sent.
    const deadline = Date.now() + 5 * 60_000;
    for (;;) {
      const rows = await db
        .select({ status: recordings.status })
        .from(recordings)
        .where(inArray(recordings.sessionId, db.select({ id: remoteSessions.id }).from(remoteSessions).where(inArray(remoteSessions.hash, sessions))));
      const waiting = rows.filter((r) => r.status === "processing").length;
      if (waiting === 0 || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  console.log(`[demo] done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} finally {
  stopping = true;
  await worker?.stop();
  if (web && web.exitCode === null) {
    const exited = new Promise((r) => web!.once("exit", r));
    web.kill("SIGTERM");
    await exited;
  }
  await closeDb();
  await embedded?.stop();
}
