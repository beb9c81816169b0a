/**
 * The audited-command rules that ship with the product (`built_in`). Patterns
 * are RE2 syntax, matched anywhere in a command line (unanchored). Terminal
 * patterns are case-sensitive, as shells are; database patterns are matched
 * case-insensitively, as SQL keywords are.
 *
 * They avoid `\b` on purpose: a word boundary makes RE2's multi-pattern DFA
 * fall back to the slower NFA, so command boundaries are spelled out.
 *
 * @see https://attack.mitre.org/ for the technique ids
 */
import type { RuleSessionType } from "./commands";

export type RuleAction = "allow" | "alert" | "block" | "interrupt";
export type RuleCriticality = "low" | "medium" | "high";

export type RuleDefinition = {
  name: string;
  pattern: string;
  sessionType: RuleSessionType;
  criticality: RuleCriticality;
  score: number;
  action: RuleAction;
  /** For "interrupt": the attempt that interrupts the session. */
  attempts?: number | null;
  mitreTechnique?: string | null;
};

/** Start of a command word: line start, a separator, a space, or a path (`/usr/bin/sudo`). */
const W = String.raw`(?:^|[\s;&|(\x60/])`;
/** End of a command word. */
const E = String.raw`(?:$|[\s;&|)\x60])`;
/** Options and arguments before the one we look for. */
const ARGS = String.raw`(?:\s+\S+)*?`;
/** SQL text that has no WHERE in it (RE2 has no lookahead): any character, a "w" only when not followed by "here". */
const NO_WHERE = String.raw`(?:[^w;]|w(?:$|[^h;]|h(?:$|[^e;]|e(?:$|[^r;]|r(?:$|[^e;])))))*`;
/** Start of an SQL statement: the text's start or after a `;`. */
const S = String.raw`(?:^|;)\s*`;

export const DEFAULT_RULES: RuleDefinition[] = [
  // ── Privilege escalation ──
  {
    name: "Root shell through su or sudo",
    pattern: String.raw`(?:^|[;&|(\x60]\s*)(?:(?:\S*/)?sudo\s+(?:-\S+\s+)*)?(?:\S*/)?su(?:\s+(?:-|-l|--login|root))*\s*(?:$|[;&|)\x60])|${W}sudo\s+(?:-u\s+\S+\s+)?-[A-Za-z]*[is][A-Za-z]*${E}|${W}sudo\s+(?:-\S+\s+)*(?:\S*/)?(?:ba|z|k|da|c|tc)?sh${E}`,
    sessionType: "terminal",
    criticality: "high",
    score: 40,
    action: "alert",
    mitreTechnique: "T1548.003",
  },
  {
    name: "Privilege escalation with pkexec or doas",
    pattern: String.raw`${W}(?:pkexec|doas)${E}`,
    sessionType: "terminal",
    criticality: "high",
    score: 40,
    action: "alert",
    mitreTechnique: "T1548",
  },
  {
    name: "Setuid or setgid bit set",
    pattern: String.raw`${W}chmod\s+(?:-\S+\s+)*(?:[ugoa]*\+[rwxXt]*s[rwxXt]*|0?[2-7][0-7]{3})${E}`,
    sessionType: "terminal",
    criticality: "high",
    score: 35,
    action: "alert",
    mitreTechnique: "T1548.001",
  },
  {
    name: "Sudoers or administrator group changed",
    pattern: String.raw`${W}visudo${E}|(?:>>?|tee(?:\s+-a)?)\s*/etc/sudoers|${W}usermod${ARGS}\s+-[a-zA-Z]*G\s*(?:\S*,)?(?:sudo|wheel|admin|root)(?:,|${E})|${W}gpasswd\s+-a\s+\S+\s+(?:sudo|wheel|admin)${E}`,
    sessionType: "terminal",
    criticality: "high",
    score: 35,
    action: "alert",
    mitreTechnique: "T1098",
  },
  // ── Audit and log tampering ──
  {
    name: "Shell history cleared or disabled",
    pattern: String.raw`${W}history\s+-[cd]|${W}unset\s+(?:\S+\s+)*HIST(?:FILE|SIZE)|HISTFILE=(?:/dev/null|\s|$)|HIST(?:FILE)?SIZE=0|set\s+\+o\s+history|>\s*\S*_history(?:\s|$)|${W}(?:rm|shred|truncate)\s+.*\.(?:bash|zsh|sh|ash|mysql|psql|python)_history|ln\s+-s\S*\s+/dev/null\s+\S*_history`,
    sessionType: "terminal",
    criticality: "high",
    score: 40,
    action: "interrupt",
    attempts: 2,
    mitreTechnique: "T1070.003",
  },
  {
    name: "System logs deleted or truncated",
    pattern: String.raw`${W}(?:rm|shred|truncate|unlink|srm|wipe)\s+.*/var/log(?:/|\s|$)|(?:^|[^>])>\s*/var/log/\S|${W}cp\s+/dev/null\s+/var/log/|${W}journalctl\s+.*--(?:vacuum-(?:time|size|files)|rotate)|${W}(?:utmpdump|logrotate\s+-f)`,
    sessionType: "terminal",
    criticality: "high",
    score: 45,
    action: "interrupt",
    attempts: 2,
    mitreTechnique: "T1070.002",
  },
  {
    name: "Auditing stopped or audit rules removed",
    pattern: String.raw`${W}auditctl\s+(?:\S+\s+)*(?:-D|-e\s*0)${E}|${W}(?:systemctl|service)\s+(?:\S+\s+)*(?:stop|disable|mask|kill)\s+(?:\S+\s+)*(?:auditd|rsyslog|syslog|syslog-ng|systemd-journald)(?:\.service)?${E}|${W}service\s+(?:auditd|rsyslog|syslog)\s+stop${E}`,
    sessionType: "terminal",
    criticality: "high",
    score: 45,
    action: "interrupt",
    attempts: 1,
    mitreTechnique: "T1562.012",
  },
  {
    name: "File securely wiped",
    pattern: String.raw`${W}(?:shred|wipe|srm)\s+\S`,
    sessionType: "terminal",
    criticality: "medium",
    score: 15,
    action: "alert",
    mitreTechnique: "T1070.004",
  },
  // ── Destructive commands ──
  {
    name: "Recursive delete of the root or a system folder",
    pattern: String.raw`${W}rm\s+(?:-\S+\s+)*(?:-[a-zA-Z]*[rR][a-zA-Z]*f[a-zA-Z]*|-[a-zA-Z]*f[a-zA-Z]*[rR][a-zA-Z]*|-[rR]\s+-f|-f\s+-[rR]|--recursive\s+--force|--force\s+--recursive)\s+(?:-\S+\s+)*(?:/\*?|/(?:etc|bin|sbin|usr|lib|lib64|boot|var|home|root|opt|srv|dev|sys|proc)/?\*?|~/?\*?)${E}`,
    sessionType: "terminal",
    criticality: "high",
    score: 50,
    action: "block",
    mitreTechnique: "T1485",
  },
  {
    name: "File system formatted",
    pattern: String.raw`${W}(?:mkfs(?:\.[a-z0-9]+)?|mke2fs|mkswap|wipefs)\s+\S`,
    sessionType: "terminal",
    criticality: "high",
    score: 50,
    action: "block",
    mitreTechnique: "T1561.002",
  },
  {
    name: "Raw write to a disk device",
    pattern: String.raw`${W}dd\s+(?:\S+\s+)*of=/dev/(?:sd|hd|vd|xvd|nvme|mmcblk|disk|mapper/)|>\s*/dev/(?:sd[a-z]|hd[a-z]|vd[a-z]|xvd[a-z]|nvme\d|mmcblk\d)`,
    sessionType: "terminal",
    criticality: "high",
    score: 50,
    action: "block",
    mitreTechnique: "T1561.001",
  },
  {
    name: "Fork bomb",
    pattern: String.raw`\(\)\s*\{[^}]*\|[^}]*&\s*\}\s*;`,
    sessionType: "terminal",
    criticality: "high",
    score: 50,
    action: "block",
    mitreTechnique: "T1499",
  },
  {
    name: "System shut down or rebooted",
    pattern: String.raw`${W}(?:shutdown|reboot|halt|poweroff)${E}|${W}(?:init|telinit)\s+[06]${E}|${W}systemctl\s+(?:poweroff|reboot|halt)${E}`,
    sessionType: "terminal",
    criticality: "medium",
    score: 15,
    action: "alert",
    mitreTechnique: "T1529",
  },
  // ── Credential exposure on the command line ──
  {
    name: "Database password on the command line",
    pattern: String.raw`${W}(?:mysql|mysqldump|mysqladmin|mariadb|mariadb-dump)\s+(?:\S+\s+)*?(?:-p[^\s-]\S*|--password=\S+)|PGPASSWORD=\S|MYSQL_PWD=\S|${W}(?:psql|pg_dump|mongo|mongosh|mongodump)\s+.*://[^:/\s@]+:[^@\s]+@|${W}redis-cli\s+(?:\S+\s+)*?-a\s+\S|${W}sqlcmd\s+.*-P\s*\S`,
    sessionType: "terminal",
    criticality: "medium",
    score: 20,
    action: "alert",
    mitreTechnique: "T1552.003",
  },
  {
    name: "SSH password on the command line",
    pattern: String.raw`${W}sshpass\s+(?:\S+\s+)*?-p\s*\S`,
    sessionType: "terminal",
    criticality: "medium",
    score: 20,
    action: "alert",
    mitreTechnique: "T1552.003",
  },
  {
    name: "HTTP credentials on the command line",
    pattern: String.raw`${W}(?:curl|wget)\s+.*(?:(?:-u|--user)[=\s]?\s*[^\s:]+:\S+|--(?:http-)?password[=\s]\S+|https?://[^/\s:@]+:[^/\s@]+@)`,
    sessionType: "terminal",
    criticality: "medium",
    score: 20,
    action: "alert",
    mitreTechnique: "T1552.003",
  },
  {
    name: "Secret exported in an environment variable",
    pattern: String.raw`(?:^|[\s;&|])(?:export\s+)?(?:AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|AZURE_CLIENT_SECRET|GOOGLE_APPLICATION_CREDENTIALS|[A-Z0-9_]*(?:PASSWORD|PASSWD|SECRET|API_KEY|APIKEY|TOKEN))=[^\s$]`,
    sessionType: "terminal",
    criticality: "medium",
    score: 15,
    action: "alert",
    mitreTechnique: "T1552",
  },
  // ── Persistence ──
  {
    name: "Scheduled task edited or removed",
    pattern: String.raw`${W}crontab\s+(?:-u\s+\S+\s+)?(?:-[er]|[^-\s]\S*)${E}|(?:>>?|tee(?:\s+-a)?|cp\s+\S+|mv\s+\S+)\s*/etc/(?:crontab|cron\.(?:d|hourly|daily|weekly|monthly)/)|${W}(?:at|batch)\s+(?:now|midnight|noon|\d)`,
    sessionType: "terminal",
    criticality: "medium",
    score: 20,
    action: "alert",
    mitreTechnique: "T1053.003",
  },
  {
    name: "Service enabled at boot",
    pattern: String.raw`${W}systemctl\s+(?:--\S+\s+)*enable${E}|${W}update-rc\.d\s+\S+\s+(?:defaults|enable)|${W}chkconfig\s+(?:--level\s+\d+\s+)?\S+\s+on${E}`,
    sessionType: "terminal",
    criticality: "low",
    score: 5,
    action: "alert",
    mitreTechnique: "T1543.002",
  },
  {
    name: "SSH authorized keys written",
    pattern: String.raw`(?:>>?\s*|tee\s+(?:-a\s+)?|(?:cp|mv|install|ln\s+-s\S*)\s+(?:-\S+\s+)*\S+\s+)\S*authorized_keys2?${E}|${W}ssh-copy-id${E}`,
    sessionType: "terminal",
    criticality: "high",
    score: 35,
    action: "alert",
    mitreTechnique: "T1098.004",
  },
  {
    name: "Boot or logon script modified",
    pattern: String.raw`(?:>>?\s*|tee\s+(?:-a\s+)?|(?:cp|mv|vi|vim|nano|emacs|sed\s+-i\S*\s+\S+|sed\s+-i)\s+(?:\S+\s+)*?)(?:/etc/rc\.local|/etc/rc\d\.d/|/etc/init\.d/|/etc/profile(?:\.d/\S*)?|/etc/bash\.bashrc|/etc/environment|\S*/\.(?:bashrc|bash_profile|profile|zshrc))${E}`,
    sessionType: "terminal",
    criticality: "medium",
    score: 20,
    action: "alert",
    mitreTechnique: "T1037.004",
  },
  {
    name: "Local account created",
    pattern: String.raw`${W}(?:useradd|adduser|newusers)\s+\S|(?:>>?|tee\s+-a)\s*/etc/passwd${E}`,
    sessionType: "terminal",
    criticality: "medium",
    score: 20,
    action: "alert",
    mitreTechnique: "T1136.001",
  },
  // ── Download and execute ──
  {
    name: "Downloaded script run by a shell",
    pattern: String.raw`${W}(?:curl|wget|fetch)\s[^|]*\|\s*(?:sudo\s+(?:-\S+\s+)*)?(?:\S*/)?(?:ba|z|k|da)?sh${E}|${W}(?:curl|wget)\s[^|]*\|\s*(?:sudo\s+)?(?:\S*/)?(?:python[0-9.]*|perl|ruby|php|node)${E}|${W}(?:ba|z|k|da)?sh\s+(?:-c\s+)?["']?(?:<\(|\$\()\s*(?:curl|wget)\s|(?:source|\.)\s+<\(\s*(?:curl|wget)\s`,
    sessionType: "terminal",
    criticality: "high",
    score: 45,
    action: "alert",
    mitreTechnique: "T1059.004",
  },
  {
    name: "Interpreter one-liner with network access",
    pattern: String.raw`${W}python[0-9.]*\s+(?:-\S+\s+)*-c\s+.*(?:urllib|urlopen|requests\.|socket|http\.client)|${W}perl\s+(?:-\S+\s+)*-e\s+.*(?:LWP|IO::Socket|Socket|HTTP::)|${W}php\s+-r\s+.*(?:file_get_contents\s*\(\s*["']https?:|fsockopen|curl_exec)|${W}ruby\s+-e\s+.*(?:Net::HTTP|open-uri|TCPSocket)`,
    sessionType: "terminal",
    criticality: "high",
    score: 35,
    action: "alert",
    mitreTechnique: "T1059.006",
  },
  {
    name: "Reverse shell",
    pattern: String.raw`${W}(?:nc|ncat|netcat)\s+(?:\S+\s+)*-[a-zA-Z]*[ec]\s+(?:\S*/)?(?:ba|z)?sh${E}|/dev/(?:tcp|udp)/[^/\s]+/\d+|${W}socat\s+.*exec:|${W}mkfifo\s.*\|\s*(?:nc|ncat|netcat)\s`,
    sessionType: "terminal",
    criticality: "high",
    score: 50,
    action: "interrupt",
    attempts: 1,
    mitreTechnique: "T1059.004",
  },
  {
    name: "Downloaded file made executable",
    pattern: String.raw`${W}(?:curl|wget)\s.*(?:&&|;)\s*chmod\s+(?:[ugoa]*\+x|[0-7]*[1357])${E}`,
    sessionType: "terminal",
    criticality: "medium",
    score: 20,
    action: "alert",
    mitreTechnique: "T1105",
  },
  // ── Data exfiltration ──
  {
    name: "Files copied to a remote host",
    pattern: String.raw`${W}(?:scp|rsync|sftp)\s+(?:\S+\s+)*?[^\s:@]+\s+(?:[^\s@:]+@)?[A-Za-z0-9][A-Za-z0-9.-]*:\S*\s*$|${W}(?:curl)\s+.*(?:-T\s|--upload-file|-F\s+\S*=@|--data-binary\s+@|-d\s+@)`,
    sessionType: "terminal",
    criticality: "medium",
    score: 15,
    action: "alert",
    mitreTechnique: "T1048",
  },
  {
    name: "File sent through a raw network socket",
    pattern: String.raw`${W}(?:nc|ncat|netcat)\s+(?:\S+\s+)*\S+\s+\d{1,5}\s*<\s*\S|${W}(?:cat|tar|base64)\s[^|]*\|\s*(?:nc|ncat|netcat)\s+\S+\s+\d|>\s*/dev/(?:tcp|udp)/`,
    sessionType: "terminal",
    criticality: "high",
    score: 40,
    action: "alert",
    mitreTechnique: "T1048.003",
  },
  {
    name: "Archive streamed over SSH",
    pattern: String.raw`${W}tar\s[^|]*\|\s*(?:\S*/)?ssh\s`,
    sessionType: "terminal",
    criticality: "medium",
    score: 20,
    action: "alert",
    mitreTechnique: "T1048",
  },
  {
    name: "Secret file encoded",
    pattern: String.raw`${W}(?:base64|xxd|od|uuencode|openssl\s+(?:base64|enc))\s+(?:\S+\s+)*?\S*(?:/etc/g?shadow|/etc/passwd|id_rsa|id_ecdsa|id_ed25519|\.pem|\.key|\.kdbx)${E}|(?:/etc/g?shadow|id_rsa|id_ed25519|\.pem)\s*\|\s*(?:base64|xxd|gzip\s.*\|\s*base64)`,
    sessionType: "terminal",
    criticality: "high",
    score: 40,
    action: "alert",
    mitreTechnique: "T1027",
  },
  // ── Permissions and secrets ──
  {
    name: "World-writable permissions on a system file",
    pattern: String.raw`${W}chmod\s+(?:-\S+\s+)*(?:0?[0-7]?[0-7]{2}[2367]|[ugo]*[oa][ugo]*\+[rxX]*w[rwxX]*)\s+(?:\S+\s+)*?(?:/|/(?:etc|root|boot|bin|sbin|usr|lib|lib64|var/log)(?:/\S*)?|\S*/\.ssh(?:/\S*)?|\S*/(?:g?shadow|sudoers|passwd))${E}`,
    sessionType: "terminal",
    criticality: "high",
    score: 35,
    action: "alert",
    mitreTechnique: "T1222.002",
  },
  {
    name: "Password hashes accessed (/etc/shadow)",
    pattern: String.raw`/etc/(?:g?shadow|security/opasswd|master\.passwd)(?:$|[^A-Za-z0-9_])|${W}unshadow${E}`,
    sessionType: "terminal",
    criticality: "high",
    score: 40,
    action: "alert",
    mitreTechnique: "T1003.008",
  },
  // ── Database ──
  {
    name: "Database object dropped or truncated",
    pattern: String.raw`${S}(?:DROP\s+(?:TABLE|DATABASE|SCHEMA|VIEW|MATERIALIZED\s+VIEW|INDEX|FUNCTION|PROCEDURE|TRIGGER|SEQUENCE|TABLESPACE)|TRUNCATE)\s`,
    sessionType: "database",
    criticality: "high",
    score: 50,
    action: "alert",
    mitreTechnique: "T1485",
  },
  {
    name: "Database structure changed",
    pattern: String.raw`${S}(?:ALTER\s+(?:TABLE|DATABASE|SCHEMA|VIEW|INDEX|SEQUENCE)|CREATE\s+(?:OR\s+REPLACE\s+)?(?:TRIGGER|FUNCTION|PROCEDURE|RULE|EVENT))\s`,
    sessionType: "database",
    criticality: "medium",
    score: 20,
    action: "alert",
    mitreTechnique: "T1565.001",
  },
  {
    name: "DELETE without WHERE",
    pattern: String.raw`${S}DELETE\s+(?:FROM\s+)?[^\s;]+${NO_WHERE}(?:;|$)`,
    sessionType: "database",
    criticality: "high",
    score: 45,
    action: "alert",
    mitreTechnique: "T1485",
  },
  {
    name: "UPDATE without WHERE",
    pattern: String.raw`${S}UPDATE\s+[^;]*?\sSET\s${NO_WHERE}(?:;|$)`,
    sessionType: "database",
    criticality: "high",
    score: 40,
    action: "alert",
    mitreTechnique: "T1565.001",
  },
  {
    name: "Privileges granted or account changed",
    pattern: String.raw`${S}(?:GRANT|REVOKE)\s|${S}(?:CREATE|ALTER|DROP|RENAME)\s+(?:USER|ROLE|LOGIN)\s|${S}SET\s+PASSWORD|sp_addsrvrolemember|sp_addrolemember`,
    sessionType: "database",
    criticality: "high",
    score: 40,
    action: "alert",
    mitreTechnique: "T1098",
  },
  {
    name: "Database account table read",
    pattern: String.raw`${S}SELECT\s[^;]*FROM\s+(?:mysql\.user|pg_shadow|pg_authid|pg_catalog\.pg_(?:shadow|authid)|sys\.sql_logins|dba_users|sys\.user\$)`,
    sessionType: "database",
    criticality: "high",
    score: 40,
    action: "alert",
    mitreTechnique: "T1003",
  },
  {
    name: "User table dumped",
    pattern: String.raw`${S}SELECT\s+(?:\w+\.)?\*\s+FROM\s+(?:\S+\.)?["\x60\[]?(?:users?|accounts?|customers?|credentials?|passwords?|members?|employees?)["\x60\]]?\s*(?:;|$|LIMIT\s+\d{4,}|ORDER\s)`,
    sessionType: "database",
    criticality: "medium",
    score: 20,
    action: "alert",
    mitreTechnique: "T1213",
  },
  {
    name: "Table exported to a file",
    pattern: String.raw`${S}COPY\s[^;]*\sTO\s+(?:'|STDOUT|PROGRAM)|INTO\s+(?:OUT|DUMP)FILE\s|\\copy\s[^;]*\sto\s|UTL_FILE\.|${S}BACKUP\s+DATABASE\s`,
    sessionType: "database",
    criticality: "medium",
    score: 25,
    action: "alert",
    mitreTechnique: "T1005",
  },
  {
    name: "Operating system command from the database",
    pattern: String.raw`xp_cmdshell|COPY\s[^;]*FROM\s+PROGRAM|sys_exec\s*\(|sys_eval\s*\(|LOAD_FILE\s*\(|DBMS_SCHEDULER\.CREATE_JOB`,
    sessionType: "database",
    criticality: "high",
    score: 50,
    action: "interrupt",
    attempts: 1,
    mitreTechnique: "T1059",
  },
];
