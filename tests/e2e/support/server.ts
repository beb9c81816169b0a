import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { useDatabaseUrl } from "@/lib/db/client";
import { createTestDatabase } from "../../support/db";
import { freePort } from "@/lib/setup/free-port";
import { webServerArgs } from "@/lib/setup/web-process";

export { freePort };

export type AppServer = {
  url: string;
  databaseUrl: string;
  dataDir: string;
  /** Starts a background worker (`lib/cli/worker.ts`) on the same database and data folder. */
  startWorker: () => Promise<ChildProcess>;
  stop: () => Promise<void>;
};

/**
 * Starts the built app (the web server of `npm start`) on a free port against a fresh database,
 * and points this test process's db client at the same database.
 */
export async function startAppServer(
  extraEnv: Record<string, string> = {},
  options: { worker?: boolean; /** Another server on the same database (this process already uses it). */ databaseUrl?: string } = {},
): Promise<AppServer> {
  const databaseUrl = options.databaseUrl ?? (await createTestDatabase());
  useDatabaseUrl(databaseUrl);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "sv-e2e-"));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // The product's web server (Next.js behind lib/http/web-server.ts), as `npm start` runs it.
  const child: ChildProcess = spawn(process.execPath, webServerArgs({ port, hostname: "127.0.0.1" }), {
    env: {
      NEXT_TELEMETRY_DISABLED: "1",
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      NEXTAUTH_URL: url,
      NEXTAUTH_SECRET: randomBytes(32).toString("hex"),
      ...extraEnv,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const serverEnv = {
    ...process.env,
    NODE_ENV: "production",
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    NEXTAUTH_URL: url,
    ...extraEnv,
  };
  const workers: ChildProcess[] = [];
  const startWorker = async () => {
    const worker = spawn(
      process.execPath,
      [path.resolve("node_modules/tsx/dist/cli.mjs"), "--conditions=react-server", "--tsconfig", "tsconfig.json", "lib/cli/worker.ts"],
      { env: { ...serverEnv, NODE_ENV: "production" }, stdio: ["ignore", "inherit", "inherit"] },
    );
    workers.push(worker);
    return worker;
  };
  if (options.worker) await startWorker();
  const output: string[] = [];
  child.stdout?.on("data", (d) => output.push(String(d)));
  child.stderr?.on("data", (d) => output.push(String(d)));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the web server exited early:\n${output.join("")}`);
    try {
      const res = await fetch(`${url}/signin`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the web server did not answer in 60 s:\n${output.join("")}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    databaseUrl,
    dataDir,
    startWorker,
    stop: async () => {
      for (const w of workers) {
        if (w.exitCode === null && w.signalCode === null) {
          const exited = new Promise((r) => w.once("exit", r));
          w.kill("SIGTERM");
          await exited;
        }
      }
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
