/**
 * `npm run demo [-- --url http://localhost:3000]`: the demo accounts (those
 * missing) and another set of demo sessions, generated with ffmpeg and sent
 * through the ingestion API. Uses the server at --url (default: this
 * machine's PORT) when it answers; otherwise starts the built app and a worker
 * for the time of the demo. Like the first start, only where SEED_DEMO allows
 * demo data (by default the embedded database, never a DATABASE_URL).
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { parseArgs } from "node:util";
import { closeDb } from "@/lib/db/client";
import { ensureDemoAccounts } from "@/lib/demo/accounts";
import { loadDemo } from "@/lib/demo/load";
import { sendDemo } from "@/lib/demo/send";
import { env } from "@/lib/env";
import { authSecret, prepareRuntime } from "@/lib/setup/runtime";
import { freePort } from "@/lib/setup/free-port";
import { startWorker } from "@/lib/worker";

const { values } = parseArgs({ options: { url: { type: "string" } } });
const answers = (url: string) =>
  fetch(`${url}/api/v1/openapi.json`, { signal: AbortSignal.timeout(3000) }).then(
    (r) => r.ok,
    () => false,
  );

if (env.SEED_DEMO !== "1") {
  console.error(
    env.DATABASE_URL
      ? "[demo] DATABASE_URL is set, and it may be a production database: demo data goes there only with SEED_DEMO=1"
      : "[demo] SEED_DEMO=0: no demo data",
  );
  process.exit(1);
}

const started = Date.now();
const { databaseUrl, embedded } = await prepareRuntime();
let web: ChildProcess | null = null;
let worker: { stop: () => Promise<void> } | null = null;
let stopping = false;
try {
  // The PAM users of the demo sessions, so their sessions link to accounts.
  await ensureDemoAccounts();
  const url = values.url ?? `http://localhost:${env.PORT}`;
  if (await answers(url)) {
    // That server's workers do the background work.
    await sendDemo({ baseUrl: url });
  } else {
    if (values.url) throw new Error(`${url} does not answer`);
    const port = await freePort();
    const own = `http://127.0.0.1:${port}`;
    console.log(`[demo] no server on port ${env.PORT}: starting the built app on ${own} for the demo`);
    const serverEnv = { DATABASE_URL: databaseUrl, DATA_DIR: env.DATA_DIR, NEXT_TELEMETRY_DISABLED: process.env.NEXT_TELEMETRY_DISABLED ?? "1" };
    web = spawn(process.execPath, [path.resolve("node_modules/next/dist/bin/next"), "start", "-p", String(port), "-H", "127.0.0.1"], {
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, ...serverEnv, NODE_ENV: "production", NEXTAUTH_URL: own, NEXTAUTH_SECRET: await authSecret() },
    });
    web.on("exit", (code) => {
      if (code && !stopping) console.error(`[demo] next start exited with ${code} (is there a build? run npm run build)`);
    });
    worker = await startWorker();
    // Our own worker: stay until it has done the background work on what was sent.
    await loadDemo({ baseUrl: own, startedAt: started });
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
