/**
 * Demo data for a first look at the product: one account of each role besides
 * the first admin, and a few hundred remote sessions over the last 90 days.
 * Recordings are not made here: the ingestion API adds real media to sessions.
 */
import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { hashPassword } from "@/lib/users/password";
import { db } from "@/lib/db/client";
import { remoteSessions, users, type NewRemoteSession } from "@/lib/db/schema";
import { type Protocol } from "@/lib/domain/sessions";
import { type Role } from "@/lib/domain/roles";

/** Fixed demo passwords, printed on seeding and documented in the README. */
export const DEMO_ACCOUNTS: Array<{ email: string; name: string; role: Role; password: string }> = [
  { email: "auditor@example.com", name: "Audrey Auditor", role: "auditor", password: "auditor-demo" },
  { email: "alice@example.com", name: "Alice Martins", role: "user", password: "user-demo" },
  { email: "bob@example.com", name: "Bob Chen", role: "user", password: "user-demo" },
  { email: "carol@example.com", name: "Carol Diaz", role: "user", password: "user-demo" },
];

/** PAM users who have no account in this product: their sessions carry only the name. */
const OTHER_PAM_USERS = ["Diego Souza", "Emma Wilson", "Farid Haddad", "Grace Kim", "Hiro Tanaka", "Isabel Rocha"];

type Target = { hosts: string[]; credentials: string[]; bytesPerSecond: [number, number]; errors: string[] };

const TARGETS: Record<Protocol, Target> = {
  ssh: {
    hosts: ["10.20.1.11", "10.20.1.12", "10.20.1.14", "10.20.1.30", "10.20.2.5"],
    credentials: ["root", "ubuntu", "ec2-user", "deploy", "ansible"],
    bytesPerSecond: [800, 6_000],
    errors: [
      "Permission denied (publickey,password).",
      "Connection timed out after 30 s connecting to port 22",
      "Host key verification failed: the target's key changed since the last session",
    ],
  },
  rdp: {
    hosts: ["10.30.2.21", "10.30.2.22", "10.30.2.40", "10.30.3.8"],
    credentials: ["Administrator", "CORP\\svc_backup", "CORP\\admin.ops", "CORP\\helpdesk"],
    bytesPerSecond: [40_000, 180_000],
    errors: [
      "CredSSP authentication failed (NLA): the credential was rejected by the target",
      "The remote computer refused the connection: RDP is disabled on the target",
      "Connection timed out after 30 s connecting to port 3389",
    ],
  },
  vnc: {
    hosts: ["10.40.3.10", "10.40.3.11", "10.40.3.17"],
    credentials: ["operator", "vncadmin", "kiosk"],
    bytesPerSecond: [30_000, 120_000],
    errors: ["VNC authentication failed: too many authentication failures", "Connection refused by 5900/tcp"],
  },
  telnet: {
    hosts: ["10.50.4.1", "10.50.4.2", "10.50.4.254"],
    credentials: ["admin", "netops", "cisco"],
    bytesPerSecond: [200, 1_500],
    errors: ["% Authentication failed", "Connection closed by foreign host before login"],
  },
  http: {
    hosts: ["10.60.5.20", "10.60.5.21", "10.60.5.80"],
    credentials: ["admin", "webmaster", "grafana-admin"],
    bytesPerSecond: [20_000, 90_000],
    errors: ["HTTP 502 Bad Gateway from the target web application", "TLS handshake failed: certificate has expired"],
  },
  mysql: {
    hosts: ["10.70.6.10", "10.70.6.11"],
    credentials: ["root", "app_rw", "reporting"],
    bytesPerSecond: [300, 3_000],
    errors: ["ERROR 1045 (28000): Access denied for user 'root'@'10.1.4.22' (using password: YES)"],
  },
  postgresql: {
    hosts: ["10.70.7.20", "10.70.7.21", "10.70.7.22"],
    credentials: ["postgres", "app_owner", "readonly"],
    bytesPerSecond: [300, 3_000],
    errors: [
      'FATAL: password authentication failed for user "postgres"',
      'FATAL: no pg_hba.conf entry for host "10.1.4.22", user "app_owner", database "billing", SSL off',
    ],
  },
  oracle: {
    hosts: ["10.70.8.30", "10.70.8.31"],
    credentials: ["SYSTEM", "HR_APP", "FIN_READ"],
    bytesPerSecond: [300, 3_000],
    errors: ["ORA-01017: invalid username/password; logon denied", "ORA-12541: TNS:no listener"],
  },
  sqlserver: {
    hosts: ["10.70.9.40", "10.70.9.41"],
    credentials: ["sa", "CORP\\sql_admin", "etl_user"],
    bytesPerSecond: [300, 3_000],
    errors: ["Login failed for user 'sa'. (Microsoft SQL Server, Error: 18456)"],
  },
};

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

const SESSION_COUNT = 320;
const DAY_MS = 24 * 3600 * 1000;

/** A small seeded generator, so the demo looks the same on every machine. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T,>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const weighted = <T,>(list: Array<[T, number]>): T => {
    let r = next() * list.reduce((s, [, w]) => s + w, 0);
    for (const [value, w] of list) if ((r -= w) < 0) return value;
    return list[list.length - 1]![0];
  };
  return { next, int, pick, weighted };
}

export async function ensureDemoAccounts(): Promise<Map<string, { id: string; name: string }>> {
  const byEmail = new Map<string, { id: string; name: string }>();
  for (const account of DEMO_ACCOUNTS) {
    const [existing] = await db
      .select({ id: users.id, name: users.name })
      .from(users)
      .where(sql`lower(${users.email}) = ${account.email}`)
      .limit(1);
    if (existing) {
      byEmail.set(account.email, existing);
      continue;
    }
    const [created] = await db
      .insert(users)
      .values({ email: account.email, name: account.name, role: account.role, passwordHash: await hashPassword(account.password) })
      .returning({ id: users.id, name: users.name });
    if (created) byEmail.set(account.email, created);
    console.log(`[demo] account ${account.email} (${account.role}) password: ${account.password}`);
  }
  return byEmail;
}

/** Creates the demo accounts (skipping existing ones) and adds a few hundred sessions. */
export async function seedDemo(): Promise<void> {
  const accounts = await ensureDemoAccounts();
  const pamUsers = DEMO_ACCOUNTS.filter((a) => a.role === "user").map((a) => accounts.get(a.email)!);
  const rnd = random(20261128);
  const now = Date.now();
  const rows: NewRemoteSession[] = [];

  for (let i = 0; i < SESSION_COUNT; i++) {
    const protocol = rnd.weighted(PROTOCOL_WEIGHTS);
    const target = TARGETS[protocol];
    // Half the sessions belong to the demo "user" accounts, so each of them has a list of their own.
    const account = rnd.next() < 0.5 ? rnd.pick(pamUsers) : null;
    const active = i < 2;
    const failed = !active && rnd.next() < 0.09;
    // Working hours weigh more; the two active sessions started in the last hour.
    const startedAt = active
      ? new Date(now - rnd.int(5, 55) * 60_000)
      : new Date(now - rnd.int(1, 90) * DAY_MS + rnd.int(7, 19) * 3600_000 + rnd.int(0, 3599) * 1000 - 20 * 3600_000);
    const seconds = failed ? rnd.int(1, 30) : Math.round(Math.exp(rnd.next() * Math.log(3 * 3600 / 20)) * 20);
    const endedAt = active ? null : new Date(startedAt.getTime() + seconds * 1000);
    const [low, high] = target.bytesPerSecond;
    const elapsed = ((endedAt?.getTime() ?? now) - startedAt.getTime()) / 1000;
    rows.push({
      hash: randomBytes(16).toString("hex"),
      protocol,
      host: rnd.pick(target.hosts),
      credentialUsername: rnd.pick(target.credentials),
      userId: account?.id ?? null,
      userName: account?.name ?? rnd.pick(OTHER_PAM_USERS),
      userIp: `10.1.${rnd.int(1, 9)}.${rnd.int(10, 250)}`,
      clusterNode: rnd.pick(["pam-node-1", "pam-node-2"]),
      startedAt,
      endedAt,
      status: active ? "active" : failed ? "failed" : "closed",
      errorMessage: failed ? rnd.pick(target.errors) : null,
      recordingSize: failed ? 0 : Math.round(elapsed * rnd.int(low, high)),
    });
  }
  for (let i = 0; i < rows.length; i += 100) await db.insert(remoteSessions).values(rows.slice(i, i + 100));
  console.log(
    `[demo] ${rows.length} sessions added (${rows.filter((r) => r.status === "failed").length} failed, 2 active); ` +
      `demo sign-ins: auditor@example.com / auditor-demo, alice@example.com, bob@example.com, carol@example.com / user-demo`,
  );
}
