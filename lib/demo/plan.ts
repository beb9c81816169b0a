/**
 * The demo's everyday sessions: a few hundred across all protocols over the
 * last 90 days, some failed, two still active, half of them by the demo's
 * "user" accounts so that each has a list of their own. Only a plan: every
 * one of them is sent through the ingestion API (send.ts), so what the app
 * shows of them (sizes, times, recordings) is what it stored.
 */
import type { Protocol } from "@/lib/domain/sessions";
import type { StartSessionInput } from "@/lib/ingest/schemas";
import { DEMO_ACCOUNTS } from "./accounts";
import { random } from "./media";
import { UNIT_MS } from "./paint/units";
import { scenesOf, type Scene } from "./scenes";

export type PlannedSession = {
  start: Omit<StartSessionInput, "hash" | "startedAt">;
  startedAt: Date;
  status: "closed" | "failed" | "active";
  /** How long it lasted (closed, failed) or has lasted so far (active). */
  durationMs: number;
  /** What its screen showed; null for a failed connection, which has no recording. */
  scene: Scene | null;
  /** Units of the scene in its recording (durationMs / UNIT_MS); 0 without one. */
  units: number;
  errorMessage: string | null;
};

export const SESSION_COUNT = 320;
const DAY_MS = 24 * 3600 * 1000;

/** PAM users who have no account in this product: their sessions carry only the name. */
const OTHER_PAM_USERS = ["Diego Souza", "Emma Wilson", "Farid Haddad", "Grace Kim", "Hiro Tanaka", "Isabel Rocha"];

/** How often each protocol appears: SSH and RDP dominate, as in most PAM deployments. */
const PROTOCOL_WEIGHTS: Array<[Protocol, number]> = [
  ["ssh", 30],
  ["rdp", 22],
  ["vnc", 5],
  ["telnet", 4],
  ["http", 9],
  ["mysql", 8],
  ["postgresql", 10],
  ["oracle", 6],
  ["sqlserver", 6],
];

/** What the proxy reports when a connection fails before anything is recorded. */
const CONNECTION_ERRORS: Record<Protocol, string[]> = {
  ssh: [
    "Permission denied (publickey,password).",
    "Connection timed out after 30 s connecting to port 22",
    "Host key verification failed: the target's key changed since the last session",
  ],
  rdp: [
    "CredSSP authentication failed (NLA): the credential was rejected by the target",
    "The remote computer refused the connection: RDP is disabled on the target",
    "Connection timed out after 30 s connecting to port 3389",
  ],
  vnc: ["VNC authentication failed: too many authentication failures", "Connection refused by 5900/tcp"],
  telnet: ["% Authentication failed", "Connection closed by foreign host before login"],
  http: ["HTTP 502 Bad Gateway from the target web application", "TLS handshake failed: certificate has expired"],
  mysql: ["ERROR 1045 (28000): Access denied for user 'root'@'10.1.4.22' (using password: YES)"],
  postgresql: [
    'FATAL: password authentication failed for user "postgres"',
    'FATAL: no pg_hba.conf entry for host "10.1.4.22", user "app_owner", database "billing", SSL off',
  ],
  oracle: ["ORA-01017: invalid username/password; logon denied", "ORA-12541: TNS:no listener"],
  sqlserver: ["Login failed for user 'sa'. (Microsoft SQL Server, Error: 18456)"],
};

/**
 * How long a closed session lasts, in seconds. Most privileged sessions are a
 * quick check or fix; some take minutes; a few half an hour. (Every second is
 * a second of recording the worker decodes for the heatmap, so the demo keeps
 * them to a few hours in all; the catalogue has one of over two hours.)
 */
function closedSeconds(rnd: ReturnType<typeof random>): number {
  const logUniform = (lo: number, hi: number) => Math.exp(Math.log(lo) + rnd.next() * (Math.log(hi) - Math.log(lo)));
  const r = rnd.next();
  if (r < 0.9) return logUniform(10, 120);
  if (r < 0.985) return logUniform(120, 8 * 60);
  return logUniform(15 * 60, 30 * 60);
}

/** The sessions, newest first. The same on every machine but for `now`, which places them in the recent past. */
export function planDemoSessions({ now = Date.now(), count = SESSION_COUNT }: { now?: number; count?: number } = {}): PlannedSession[] {
  const rnd = random(20261128);
  const accountNames = DEMO_ACCOUNTS.filter((a) => a.role === "user").map((a) => a.name);
  const plan: PlannedSession[] = [];
  for (let i = 0; i < count; i++) {
    const protocol = rnd.weighted(PROTOCOL_WEIGHTS);
    const scene = rnd.pick(scenesOf(protocol));
    const active = i < 2;
    const failed = !active && rnd.next() < 0.09;
    // Working hours weigh more; the two active sessions started in the last hour.
    const startedAt = active
      ? new Date(now - rnd.int(5, 55) * 60_000)
      : new Date(now - rnd.int(1, 90) * DAY_MS + rnd.int(7, 19) * 3600_000 + rnd.int(0, 3599) * 1000 - 20 * 3600_000);
    // A recording is whole units long, and so is the session it records.
    const units = failed ? 0 : Math.max(1, Math.round((active ? now - startedAt.getTime() : closedSeconds(rnd) * 1000) / UNIT_MS));
    const durationMs = failed ? rnd.int(1, 30) * 1000 : units * UNIT_MS;
    // Half the sessions belong to the demo "user" accounts, so each of them has a list of their own.
    const user = rnd.next() < 0.5 ? rnd.pick(accountNames) : rnd.pick(OTHER_PAM_USERS);
    plan.push({
      start: {
        protocol,
        host: scene.host,
        credentialUsername: scene.credential,
        user,
        userIp: `10.1.${rnd.int(1, 9)}.${rnd.int(10, 250)}`,
        clusterNode: rnd.pick(["pam-node-1", "pam-node-2"]),
      },
      startedAt,
      status: active ? "active" : failed ? "failed" : "closed",
      durationMs,
      scene: failed ? null : scene,
      units,
      errorMessage: failed ? rnd.pick(CONNECTION_ERRORS[protocol]) : null,
    });
  }
  return plan.sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime());
}
