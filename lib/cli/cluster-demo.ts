/**
 * `npm run cluster:demo`: a two-node cluster on this machine, exactly as the
 * README describes one: a local S3-compatible server, one PostgreSQL (embedded,
 * under ./data/cluster-demo/postgres) and two `npm start`s with their own PORT,
 * NODE_NAME and DATA_DIR, on the same DATABASE_URL and bucket. The nodes
 * connect as the application's role and migrate as the owner role
 * (DATABASE_OWNER_URL), as an external PostgreSQL is set up (README ›
 * PostgreSQL roles).
 *
 * The local S3 server keeps its objects in memory, so every run starts from
 * an empty ./data/cluster-demo. Ctrl+C stops everything.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { DB_ROLES, provisionRoles, urlAs } from "@/lib/db/roles";
import { startEmbeddedPostgres } from "@/lib/setup/embedded-postgres";
import { startLocalS3 } from "./local-s3";

const root = path.resolve("data/cluster-demo");
const ports = {
  s3: Number(process.env.CLUSTER_DEMO_S3_PORT ?? 9000),
  a: Number(process.env.CLUSTER_DEMO_PORT_A ?? 3001),
  b: Number(process.env.CLUSTER_DEMO_PORT_B ?? 3002),
};

async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: the node exited with code ${child.exitCode}`);
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} did not answer in ${timeoutMs / 1000} s`);
}

async function main() {
  await rm(root, { recursive: true, force: true });
  await mkdir(root, { recursive: true });
  const s3 = await startLocalS3({ bucket: "session-video", port: ports.s3 });
  console.log(`[cluster-demo] S3-compatible server on ${s3.endpoint}, bucket session-video (in memory)`);
  const database = await startEmbeddedPostgres(path.join(root, "postgres"));
  await provisionRoles(database.url, database.rolePasswords);
  const appUrl = urlAs(database.url, { name: DB_ROLES.app, password: database.rolePasswords.app });
  console.log(`[cluster-demo] PostgreSQL on 127.0.0.1:${new URL(database.url).port}, the nodes connect as ${DB_ROLES.app}`);
  const shared = {
    ...s3.env,
    DATABASE_URL: appUrl,
    DATABASE_OWNER_URL: urlAs(database.url, { name: DB_ROLES.owner, password: database.rolePasswords.owner }),
    NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
    ADMIN_PASSWORD: process.env.ADMIN_PASSWORD ?? "cluster-demo-admin",
  };
  const nodes: ChildProcess[] = [];
  const startNode = (name: string, port: number, extra: Record<string, string>) => {
    const url = `http://localhost:${port}`;
    const child = spawn(
      process.execPath,
      [path.resolve("node_modules/tsx/dist/cli.mjs"), "--conditions=react-server", "--tsconfig", "tsconfig.json", "lib/cli/start.ts"],
      {
        stdio: "inherit",
        env: { ...process.env, ...shared, PORT: String(port), NODE_NAME: name, NODE_URL: url, NEXTAUTH_URL: url, DATA_DIR: path.join(root, name), ...extra },
      },
    );
    nodes.push(child);
    return { child, url };
  };
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const n of nodes) n.kill("SIGTERM");
    await Promise.all(nodes.map((n) => (n.exitCode === null ? new Promise((r) => n.once("exit", r)) : null)));
    await database.stop();
    await s3.stop();
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));
  // One after the other: the first builds the app when there is no build yet, and loads the demo data.
  const a = startNode("node-a", ports.a, { SEED_DEMO: "1" });
  await waitForHttp(`${a.url}/signin`, a.child, 10 * 60_000);
  const b = startNode("node-b", ports.b, { SEED_DEMO: "0" });
  await waitForHttp(`${b.url}/signin`, b.child, 5 * 60_000);
  for (const n of nodes) n.on("exit", () => void stop(1));
  console.log(
    [
      "",
      "[cluster-demo] two nodes share one database and one bucket:",
      `  node-a  ${a.url}   (received the demo recordings)`,
      `  node-b  ${b.url}`,
      `  sign in as admin@example.com / ${shared.ADMIN_PASSWORD} and open Settings > Cluster on either node.`,
      "  Ctrl+C stops both nodes, PostgreSQL and the S3 server.",
    ].join("\n"),
  );
}

main().catch((error) => {
  console.error("[cluster-demo] failed:", error instanceof Error ? error.message : error);
  process.exit(1);
});
