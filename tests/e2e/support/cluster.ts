/**
 * Nodes of a cluster for the tests and the benchmark: each node is the built
 * app behind the product's web server (as `npm start` runs it) and a worker
 * (`lib/cli/worker.ts`, which also runs the node's heartbeat and the sync of
 * its held chunks), with its own NODE_NAME,
 * port and data folder, all on one PostgreSQL database and one S3-compatible
 * store.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { freePort } from "@/lib/setup/free-port";
import { webServerArgs } from "@/lib/setup/web-process";

export type ClusterNodeProcess = {
  name: string;
  url: string;
  dataDir: string;
  web: ChildProcess;
  worker: ChildProcess | null;
  /** What the processes printed, for a failure's message. */
  output: string[];
  /** SIGKILL of the web process and the worker, children included: a node dying. */
  kill: () => void;
  stop: () => Promise<void>;
};

function descendants(pid: number): number[] {
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
  return children.flatMap((c) => [c, ...descendants(c)]);
}

export function killTree(child: ChildProcess) {
  if (!child.pid) return;
  for (const pid of [child.pid, ...descendants(child.pid)].reverse()) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone already
    }
  }
}

async function stopChild(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
  if (child.exitCode === null && child.signalCode === null) killTree(child);
}

export async function startClusterNode(input: {
  name: string;
  databaseUrl: string;
  storageEnv: Record<string, string>;
  secret: string;
  dataDir?: string;
  port?: number;
  worker?: boolean;
  extraEnv?: Record<string, string>;
}): Promise<ClusterNodeProcess> {
  const dataDir = input.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), `sv-node-${input.name}-`)));
  const port = input.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    DATABASE_URL: input.databaseUrl,
    DATA_DIR: dataDir,
    NEXTAUTH_URL: url,
    NEXTAUTH_SECRET: input.secret,
    NODE_NAME: input.name,
    NODE_URL: url,
    PORT: String(port),
    ...input.storageEnv,
    ...input.extraEnv,
  };
  const output: string[] = [];
  // The product's web server (Next.js behind lib/http/web-server.ts), as `npm start` runs it.
  const web = spawn(process.execPath, webServerArgs({ port, hostname: "127.0.0.1" }), {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  web.stdout?.on("data", (d) => output.push(`[${input.name} web] ${d}`));
  web.stderr?.on("data", (d) => output.push(`[${input.name} web] ${d}`));
  let worker: ChildProcess | null = null;
  if (input.worker !== false) {
    worker = spawn(
      process.execPath,
      [path.resolve("node_modules/tsx/dist/cli.mjs"), "--conditions=react-server", "--tsconfig", "tsconfig.json", "lib/cli/worker.ts"],
      {
        env,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    worker.stdout?.on("data", (d) => output.push(`[${input.name} worker] ${d}`));
    worker.stderr?.on("data", (d) => output.push(`[${input.name} worker] ${d}`));
  }
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (web.exitCode !== null) throw new Error(`node ${input.name}: the web server exited:\n${output.join("")}`);
    if (worker && worker.exitCode !== null) throw new Error(`node ${input.name}: the worker exited:\n${output.join("")}`);
    const up = await fetch(`${url}/signin`).then(
      (r) => r.ok,
      () => false,
    );
    const registered = !worker || output.some((line) => line.includes("[jobs] worker started"));
    if (up && registered) break;
    if (Date.now() > deadline) throw new Error(`node ${input.name} did not come up in 90 s:\n${output.join("")}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    name: input.name,
    url,
    dataDir,
    web,
    worker,
    output,
    kill: () => {
      killTree(web);
      if (worker) killTree(worker);
    },
    stop: async () => {
      if (worker) await stopChild(worker);
      await stopChild(web);
    },
  };
}

export async function removeNodeData(node: ClusterNodeProcess) {
  await rm(node.dataDir, { recursive: true, force: true });
}
