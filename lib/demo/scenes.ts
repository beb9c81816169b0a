/**
 * The scenes of the demo's few hundred everyday sessions: for each protocol a
 * few targets (a host and the account used on it), each with what happens on
 * its screen at the start of a session. A scene is encoded once per demo run
 * into units (see paint/units.ts): the opening, then one unit of the screen
 * at rest, repeated for as long as a session lasts.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import type { Protocol } from "@/lib/domain/sessions";
import type { SessionEventInput } from "@/lib/ingest/schemas";
import { desktopFilter, paintDesktop, type Desktop } from "./paint/desktop";
import { renderTerminal, type TerminalScript } from "./paint/terminal";
import { encodeUnits, UNIT_FPS, UNIT_MS } from "./paint/units";
import { assFilter } from "./subtitles";

type Target = { id: string; protocol: Protocol; host: string; credential: string };
export type Scene = Target & ({ terminal: TerminalScript } | { desktop: Omit<Desktop, "durationMs">; openingUnits: number });

const TERMINAL = { width: 640, height: 360, fontSize: 13 };
/** Desktops are laid out on 800 × 600 and recorded at 640 × 480: every pixel is decoded again for the heatmap. */
const DESKTOP = { width: 800, height: 600 };
const DESKTOP_RECORDED = "640:480";

const sh = (prompt: string, seed: number, banner: string[], steps: TerminalScript["steps"]): { terminal: TerminalScript } => ({
  terminal: { prompt, seed, banner, steps },
});

export const SCENES: Scene[] = [
  // ─── SSH ───
  {
    id: "ssh-app-03",
    protocol: "ssh",
    host: "app-03.corp.example.com",
    credential: "deploy",
    ...sh(
      "deploy@app-03:~$ ",
      101,
      ["Ubuntu 24.04 LTS", "Last login: Mon Mar  2 07:58:12 2026 from 10.1.4.20", ""],
      [
        {
          kind: "type",
          text: "cd /srv/billing && git pull --ff-only",
          output: [
            "Updating 4f1c2d9..8a7e310",
            "Fast-forward",
            " src/invoices/export.py | 12 ++++++++----",
            " 1 file changed, 8 insertions(+), 4 deletions(-)",
          ],
        },
        { kind: "type", text: "sudo systemctl restart billing", output: [] },
        {
          kind: "type",
          text: "journalctl -u billing -n 3 --no-pager",
          output: [
            "Mar 02 08:01:44 app-03 billing[2211]: Started Billing application.",
            "Mar 02 08:01:45 app-03 billing[2211]: listening on :8080",
            "Mar 02 08:01:47 app-03 billing[2211]: health check ok",
          ],
        },
      ],
    ),
  },
  {
    id: "ssh-web-04",
    protocol: "ssh",
    host: "web-04.corp.example.com",
    credential: "root",
    ...sh(
      "root@web-04:~# ",
      102,
      ["Debian GNU/Linux 12 (bookworm)", "Last login: Tue Mar  3 11:20:31 2026 from 10.1.2.14", ""],
      [
        {
          kind: "type",
          text: "nginx -t",
          output: ["nginx: the configuration file /etc/nginx/nginx.conf syntax is ok", "nginx: configuration file /etc/nginx/nginx.conf test is successful"],
        },
        { kind: "type", text: "systemctl reload nginx", output: [] },
        {
          kind: "type",
          text: "systemctl enable node-exporter",
          output: ["Created symlink /etc/systemd/system/multi-user.target.wants/node-exporter.service."],
        },
        {
          kind: "type",
          text: "tail -n 2 /var/log/nginx/access.log",
          output: ['10.1.9.40 - - [03/Mar/2026:11:22:05] "GET /health HTTP/1.1" 200 2', '10.1.9.41 - - [03/Mar/2026:11:22:06] "GET / HTTP/1.1" 200 5120'],
        },
      ],
    ),
  },
  {
    id: "ssh-k8s-node-2",
    protocol: "ssh",
    host: "k8s-node-2.corp.example.com",
    credential: "ubuntu",
    ...sh(
      "ubuntu@k8s-node-2:~$ ",
      103,
      ["Ubuntu 22.04.4 LTS", "Last login: Wed Mar  4 16:05:09 2026 from 10.1.7.33", ""],
      [
        {
          kind: "type",
          text: "free -m",
          output: [
            "               total        used        free      shared  buff/cache",
            "Mem:           15988        9211        1102         412        5675",
          ],
        },
        { kind: "type", text: "sudo -i", prompt: "root@k8s-node-2:~# ", output: [] },
        {
          kind: "type",
          text: "crictl ps | head -n 3",
          output: [
            "CONTAINER      IMAGE          STATE     NAME",
            "3f2a9c1b8e7d   a1b2c3d4e5f6   Running   ingress-nginx",
            "9e8d7c6b5a4f   f6e5d4c3b2a1   Running   payments-api",
          ],
        },
      ],
    ),
  },
  {
    id: "ssh-backup-02",
    protocol: "ssh",
    host: "backup-02.corp.example.com",
    credential: "ansible",
    ...sh(
      "ansible@backup-02:~$ ",
      104,
      ["Rocky Linux 9.3 (Blue Onyx)", "Last login: Thu Mar  5 02:10:40 2026 from 10.1.1.5", ""],
      [
        { kind: "type", text: "ls /var/backups/nightly | tail -n 3", output: ["2026-03-03.tar.zst", "2026-03-04.tar.zst", "2026-03-05.tar.zst"] },
        { kind: "type", text: "du -sh /var/backups/nightly", output: ["412G\t/var/backups/nightly"] },
        { kind: "type", text: "history -c", output: [] },
      ],
    ),
  },
  // ─── Telnet (network devices) ───
  {
    id: "telnet-core-sw-01",
    protocol: "telnet",
    host: "core-sw-01.corp.example.com",
    credential: "netops",
    ...sh(
      "core-sw-01> ",
      111,
      ["User Access Verification", ""],
      [
        { kind: "type", text: "enable", output: [] },
        { kind: "password", prompt: "Password: ", length: 10, prompt2: "core-sw-01# " },
        { kind: "type", text: "show version | include uptime", output: ["core-sw-01 uptime is 212 days, 4 hours, 9 minutes"] },
        {
          kind: "type",
          text: "show interfaces status | include connected",
          output: ["Gi1/0/1   uplink-fw-a    connected    trunk   a-full a-1000", "Gi1/0/2   uplink-fw-b    connected    trunk   a-full a-1000"],
        },
      ],
    ),
  },
  {
    id: "telnet-edge-rtr-02",
    protocol: "telnet",
    host: "edge-rtr-02.corp.example.com",
    credential: "admin",
    ...sh(
      "edge-rtr-02# ",
      112,
      ["edge-rtr-02 - authorized access only", ""],
      [
        {
          kind: "type",
          text: "show ip route summary",
          output: [
            "IP routing table name is default (0x0)",
            "Route Source    Networks    Subnets",
            "connected       0           6",
            "bgp 65010       812         3301",
          ],
        },
        { kind: "type", text: "show logging | include BGP", output: ["*Mar  4 03:12:09: %BGP-5-ADJCHANGE: neighbor 198.51.100.1 Up"] },
      ],
    ),
  },
  // ─── Databases ───
  {
    id: "mysql-crm",
    protocol: "mysql",
    host: "mysql-crm.corp.example.com",
    credential: "app_rw",
    ...sh(
      "mysql> ",
      121,
      ["Welcome to the MySQL monitor.  Commands end with ; or /g.", "Server version: 8.0.36 MySQL Community Server - GPL", ""],
      [
        { kind: "query", statement: "USE crm;", outcome: "success", rowsAffected: 0, output: ["Database changed"] },
        {
          kind: "query",
          statement: "SELECT count(*) FROM leads WHERE status = 'open';",
          outcome: "success",
          rowsAffected: 1,
          output: ["1 row in set (0.02 sec)"],
        },
        {
          kind: "query",
          statement: "UPDATE leads SET owner_id = 41 WHERE owner_id = 17;",
          outcome: "success",
          rowsAffected: 23,
          output: ["Query OK, 23 rows affected (0.04 sec)"],
        },
      ],
    ),
  },
  {
    id: "mysql-reporting",
    protocol: "mysql",
    host: "mysql-reporting.corp.example.com",
    credential: "reporting",
    ...sh(
      "mysql> ",
      122,
      ["Welcome to the MySQL monitor.  Commands end with ; or /g.", "Server version: 8.0.36 MySQL Community Server - GPL", ""],
      [
        { kind: "query", statement: "SHOW TABLES FROM reporting LIKE 'monthly%';", outcome: "success", rowsAffected: 3, output: ["3 rows in set (0.00 sec)"] },
        {
          kind: "query",
          statement: "DROP TABLE reporting.monthly_2024;",
          outcome: "error",
          errorMessage: "ERROR 1142 (42000): DROP command denied to user 'reporting'",
          output: ["ERROR 1142 (42000): DROP command denied to user 'reporting'"],
        },
      ],
    ),
  },
  {
    id: "postgresql-orders",
    protocol: "postgresql",
    host: "pg-orders.corp.example.com",
    credential: "app_owner",
    ...sh(
      "orders=> ",
      131,
      ["psql (16.2)", "SSL connection (protocol: TLSv1.3)", 'Type "help" for help.', ""],
      [
        { kind: "query", statement: "SELECT status, count(*) FROM orders GROUP BY status;", outcome: "success", rowsAffected: 4, output: ["(4 rows)"] },
        { kind: "query", statement: "VACUUM ANALYZE order_lines;", outcome: "success", rowsAffected: 0, output: ["VACUUM"] },
        { kind: "query", statement: "UPDATE orders SET status = 'cancelled' WHERE id = 771204;", outcome: "success", rowsAffected: 1, output: ["UPDATE 1"] },
      ],
    ),
  },
  {
    id: "postgresql-analytics",
    protocol: "postgresql",
    host: "pg-analytics.corp.example.com",
    credential: "readonly",
    ...sh(
      "analytics=> ",
      132,
      ["psql (16.2)", 'Type "help" for help.', ""],
      [
        {
          kind: "query",
          statement: "SELECT date_trunc('week', created_at), count(*) FROM signups GROUP BY 1 ORDER BY 1 DESC LIMIT 4;",
          outcome: "success",
          rowsAffected: 4,
          output: ["(4 rows)"],
        },
        {
          kind: "query",
          statement: "COPY signups TO '/tmp/signups.csv' CSV;",
          outcome: "error",
          errorMessage: "ERROR:  permission denied to COPY to a file",
          output: ["ERROR:  permission denied to COPY to a file"],
        },
      ],
    ),
  },
  {
    id: "oracle-hr",
    protocol: "oracle",
    host: "ora-hr.corp.example.com",
    credential: "HR_APP",
    ...sh(
      "SQL> ",
      141,
      ["SQL*Plus: Release 19.0.0.0.0 - Production", "Connected to: Oracle Database 19c Enterprise Edition", ""],
      [
        {
          kind: "query",
          statement: "SELECT count(*) FROM employees WHERE department_id = 50;",
          outcome: "success",
          rowsAffected: 1,
          output: ["  COUNT(*)", "----------", "        45"],
        },
        {
          kind: "query",
          statement: "UPDATE employees SET salary = salary * 1.03 WHERE job_id = 'ST_CLERK';",
          outcome: "success",
          rowsAffected: 20,
          output: ["20 rows updated."],
        },
        { kind: "query", statement: "COMMIT;", outcome: "success", rowsAffected: 0, output: ["Commit complete."] },
      ],
    ),
  },
  {
    id: "oracle-fin",
    protocol: "oracle",
    host: "ora-fin.corp.example.com",
    credential: "FIN_READ",
    ...sh(
      "SQL> ",
      142,
      ["SQL*Plus: Release 19.0.0.0.0 - Production", "Connected to: Oracle Database 19c Enterprise Edition", ""],
      [
        {
          kind: "query",
          statement: "SELECT ledger_id, SUM(amount) FROM gl_entries WHERE period = '2026-02' GROUP BY ledger_id;",
          outcome: "success",
          rowsAffected: 6,
          output: ["6 rows selected."],
        },
        {
          kind: "query",
          statement: "DELETE FROM gl_entries WHERE period = '2025-01';",
          outcome: "error",
          errorMessage: "ORA-01031: insufficient privileges",
          output: ["ORA-01031: insufficient privileges"],
        },
      ],
    ),
  },
  {
    id: "sqlserver-erp",
    protocol: "sqlserver",
    host: "mssql-erp.corp.example.com",
    credential: "CORP\\sql_admin",
    ...sh(
      "1> ",
      151,
      ["Microsoft SQL Server 2022 (RTM-CU12) - sqlcmd", ""],
      [
        { kind: "query", statement: "SELECT name, state_desc FROM sys.databases;", outcome: "success", rowsAffected: 5, output: ["(5 rows affected)"] },
        {
          kind: "query",
          statement: "ALTER INDEX ALL ON dbo.StockMoves REBUILD;",
          outcome: "success",
          rowsAffected: 0,
          output: ["Commands completed successfully."],
        },
      ],
    ),
  },
  {
    id: "sqlserver-dw",
    protocol: "sqlserver",
    host: "mssql-dw.corp.example.com",
    credential: "etl_user",
    ...sh(
      "1> ",
      152,
      ["Microsoft SQL Server 2019 (RTM-CU25) - sqlcmd", ""],
      [
        {
          kind: "query",
          statement: "EXEC etl.load_daily_sales @day = '2026-03-04';",
          outcome: "success",
          rowsAffected: 18211,
          output: ["(18211 rows affected)"],
        },
        { kind: "query", statement: "TRUNCATE TABLE staging.sales_raw;", outcome: "success", rowsAffected: 0, output: ["Commands completed successfully."] },
      ],
    ),
  },
  // ─── Desktops ───
  {
    id: "rdp-fs-01",
    protocol: "rdp",
    host: "fs-01.corp.example.com",
    credential: "CORP\\admin.ops",
    openingUnits: 4,
    desktop: {
      seed: 161,
      background: "0x1f6fb2",
      taskbar: "0x1b1f2a",
      windows: [
        { title: "File Explorer - D:/Shares", x: 40, y: 40, w: 480, h: 300, color: "0xf3f3f3", openAt: 1500, lines: ["Finance", "HR", "Projects", "Public"] },
        { title: "Windows PowerShell", x: 260, y: 260, w: 500, h: 240, color: "0xeeeeee", openAt: 9000, lines: ["PS C:/Users/admin.ops>"] },
      ],
      typing: { windowIndex: 1, at: 11_000, text: "Get-SmbShare | Select Name, Path" },
      pointer: [
        { t: 500, x: 600, y: 450 },
        { t: 1400, x: 90, y: 582, click: "left" },
        { t: 4000, x: 120, y: 100, click: "left" },
        { t: 7000, x: 130, y: 140, click: "left" },
        { t: 8800, x: 400, y: 300, click: "left" },
        { t: 20_000, x: 700, y: 520 },
      ],
    },
  },
  {
    id: "rdp-sql-03",
    protocol: "rdp",
    host: "sql-03.corp.example.com",
    credential: "Administrator",
    openingUnits: 4,
    desktop: {
      seed: 162,
      background: "0x004e8c",
      taskbar: "0x1b1f2a",
      windows: [
        {
          title: "SQL Server Management Studio",
          x: 30,
          y: 30,
          w: 740,
          h: 500,
          color: "0xfafafa",
          openAt: 1200,
          lines: ["Object Explorer", "  sql-03 (SQL Server 16.0)", "    Databases", "      erp", "      reporting"],
        },
      ],
      typing: { windowIndex: 0, at: 8000, text: "SELECT TOP 10 * FROM erp.dbo.Invoices ORDER BY Created DESC" },
      pointer: [
        { t: 300, x: 500, y: 400 },
        { t: 2500, x: 120, y: 120, click: "left" },
        { t: 5000, x: 140, y: 160, click: "right" },
        { t: 7500, x: 400, y: 200, click: "left" },
        { t: 20_000, x: 600, y: 450 },
      ],
    },
  },
  {
    id: "rdp-term-05",
    protocol: "rdp",
    host: "term-05.corp.example.com",
    credential: "CORP\\helpdesk",
    openingUnits: 4,
    desktop: {
      seed: 163,
      background: "0x2d5f8b",
      taskbar: "0x1b1f2a",
      windows: [
        {
          title: "Event Viewer",
          x: 50,
          y: 50,
          w: 520,
          h: 320,
          color: "0xf6f6f6",
          openAt: 1500,
          lines: ["Windows Logs > System", "Warning  Disk  The IO operation was retried", "Error    Service Control Manager  Spooler stopped"],
        },
        {
          title: "Services",
          x: 250,
          y: 220,
          w: 500,
          h: 300,
          color: "0xfafafa",
          openAt: 10_000,
          lines: ["Print Spooler          Stopped   Automatic", "Windows Update         Running   Manual"],
        },
      ],
      pointer: [
        { t: 600, x: 700, y: 500 },
        { t: 2000, x: 200, y: 160, click: "left" },
        { t: 9500, x: 420, y: 300, click: "left" },
        { t: 13_000, x: 330, y: 274, click: "right" },
        { t: 15_000, x: 360, y: 300, click: "left" },
        { t: 22_000, x: 650, y: 480 },
      ],
    },
  },
  {
    id: "vnc-kiosk-lobby-01",
    protocol: "vnc",
    host: "kiosk-lobby-01.corp.example.com",
    credential: "kiosk",
    openingUnits: 3,
    desktop: {
      seed: 171,
      background: "0x303030",
      taskbar: "0x202020",
      windows: [
        {
          title: "Visitor registration - Chromium (kiosk)",
          x: 0,
          y: 0,
          w: 800,
          h: 564,
          color: "0xffffff",
          openAt: 500,
          lines: ["Welcome to Example Corp", "", "Please sign in at the front desk.", "", "Kiosk status: online   Printer: ready"],
        },
      ],
      pointer: [
        { t: 400, x: 400, y: 300 },
        { t: 3000, x: 300, y: 150, click: "left" },
        { t: 9000, x: 520, y: 420, click: "left" },
        { t: 15_000, x: 760, y: 40 },
      ],
    },
  },
  {
    id: "vnc-lab-ws-07",
    protocol: "vnc",
    host: "lab-ws-07.corp.example.com",
    credential: "operator",
    openingUnits: 4,
    desktop: {
      seed: 172,
      background: "0x3c3f41",
      taskbar: "0x232526",
      windows: [
        {
          title: "System Monitor",
          x: 30,
          y: 30,
          w: 420,
          h: 260,
          color: "0xf6f5f4",
          openAt: 1000,
          lines: ["CPU   23 %", "Memory  6.1 / 16 GB", "Disk  /data  71 %"],
        },
        { title: "Terminal - operator@lab-ws-07", x: 260, y: 240, w: 500, h: 260, color: "0x2e3436", openAt: 8000, lines: [] },
      ],
      typing: { windowIndex: 1, at: 10_000, text: "df -h /data && ls /data/runs | tail -n 2" },
      pointer: [
        { t: 300, x: 600, y: 450 },
        { t: 2500, x: 150, y: 80, click: "left" },
        { t: 7500, x: 400, y: 300, click: "left" },
        { t: 20_000, x: 700, y: 100 },
      ],
    },
  },
  {
    id: "http-grafana",
    protocol: "http",
    host: "grafana.corp.example.com",
    credential: "grafana-admin",
    openingUnits: 4,
    desktop: {
      seed: 181,
      background: "0xe8e8e8",
      taskbar: "0x2b2b2b",
      windows: [
        {
          title: "https://grafana.corp.example.com/d/k8s - Grafana",
          x: 0,
          y: 0,
          w: 800,
          h: 564,
          color: "0xf7f8fa",
          openAt: 500,
          lines: ["Kubernetes / Compute resources / Cluster", "", "CPU utilisation      42 %", "Memory utilisation   67 %", "Pods running         318"],
        },
        {
          title: "Dashboard settings > Permissions",
          x: 120,
          y: 120,
          w: 560,
          h: 300,
          color: "0xf4f5f5",
          openAt: 9000,
          lines: ["Role: Viewer     Permission: View", "Team: SRE        Permission: Edit", "User: j.doe      Permission: Admin"],
        },
      ],
      typing: { windowIndex: 1, at: 13_000, text: "Team: Contractors  Permission: Edit" },
      pointer: [
        { t: 400, x: 400, y: 300 },
        { t: 3000, x: 760, y: 50, click: "left" },
        { t: 8500, x: 300, y: 200, click: "left" },
        { t: 12_000, x: 400, y: 260, click: "left" },
        { t: 21_000, x: 640, y: 400, click: "left" },
      ],
    },
  },
  {
    id: "http-jenkins",
    protocol: "http",
    host: "ci.corp.example.com",
    credential: "admin",
    openingUnits: 3,
    desktop: {
      seed: 182,
      background: "0xe8e8e8",
      taskbar: "0x2b2b2b",
      windows: [
        {
          title: "https://ci.corp.example.com/job/billing-deploy - Jenkins",
          x: 0,
          y: 0,
          w: 800,
          h: 564,
          color: "0xffffff",
          openAt: 500,
          lines: ["billing-deploy", "", "#412  success  12 min ago", "#411  failure  2 h ago", "#410  success  1 day ago"],
        },
      ],
      pointer: [
        { t: 400, x: 500, y: 300 },
        { t: 2500, x: 120, y: 100, click: "left" },
        { t: 6000, x: 60, y: 210, click: "left" },
        { t: 14_000, x: 600, y: 400 },
      ],
    },
  },
];

export function scenesOf(protocol: Protocol): Scene[] {
  return SCENES.filter((s) => s.protocol === protocol);
}

/** A scene encoded: the opening's units, the unit at rest that follows them, and the opening's events. */
export type EncodedScene = { opening: string[]; rest: string; events: SessionEventInput[] };

/**
 * Encodes a scene into units. The picture goes on for one unit past the
 * opening, with nothing moving: that unit is the screen at rest.
 */
export async function encodeScene(dir: string, scene: Scene): Promise<EncodedScene> {
  const assFile = path.join(dir, `${scene.id}.ass`);
  if ("terminal" in scene) {
    // Render once to learn when the script ends, then again with the tail that rounds it to whole units.
    const first = renderTerminal(scene.terminal, TERMINAL);
    const openingUnits = Math.ceil(first.durationMs / UNIT_MS);
    const ends = first.durationMs - (scene.terminal.tailMs ?? 1500);
    const rendered = renderTerminal({ ...scene.terminal, tailMs: (openingUnits + 1) * UNIT_MS - ends }, TERMINAL);
    await writeFile(assFile, rendered.ass);
    const units = await encodeUnits(dir, scene.id, {
      inputs: ["-f", "lavfi", "-i", `color=c=0x1e1e1e:s=${TERMINAL.width}x${TERMINAL.height}:r=${UNIT_FPS}:d=${rendered.durationMs / 1000}`],
      filter: `[0:v]${assFilter(assFile)}[v]`,
      units: openingUnits + 1,
    });
    return { opening: units.slice(0, -1), rest: units[units.length - 1]!, events: rendered.events };
  }
  const durationMs = (scene.openingUnits + 1) * UNIT_MS;
  const picture = paintDesktop({ ...scene.desktop, durationMs }, { ...DESKTOP, clock: false });
  await writeFile(assFile, picture.ass);
  const seconds = durationMs / 1000;
  const units = await encodeUnits(dir, scene.id, {
    inputs: [
      "-f",
      "lavfi",
      "-i",
      `color=c=${scene.desktop.background}:s=${DESKTOP.width}x${DESKTOP.height}:r=${UNIT_FPS}:d=${seconds}`,
      "-f",
      "lavfi",
      "-i",
      `color=c=white:s=12x18:r=${UNIT_FPS}:d=${seconds}`,
    ],
    filter: `${desktopFilter(picture, assFile, "full")};[full]scale=${DESKTOP_RECORDED}[v]`,
    units: scene.openingUnits + 1,
  });
  return { opening: units.slice(0, -1), rest: units[units.length - 1]!, events: picture.events.filter((e) => e.t < scene.openingUnits * UNIT_MS) };
}
