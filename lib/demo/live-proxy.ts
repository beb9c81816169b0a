/**
 * The demo's simulated proxy: it keeps one SSH session "being recorded" so that
 * live sessions can be tried on the first start. A terminal is drawn by ffmpeg
 * in real time (drawtext re-reading a text file every frame) as fragmented MP4,
 * sent as a chunk a second through the public ingestion API with the typed keys
 * and commands, exactly as a proxy would. It holds the command channel open and
 * honours it: lock stops the typing, unlock resumes it, a message is shown on
 * the terminal, terminate ends and finishes the session; a new one starts a
 * little later. `npm start` runs it with the demo and stops it on exit.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { IngestClient } from "@/lib/ingest/client";
import type { SessionEventInput } from "@/lib/ingest/schemas";
import { ffmpegPath } from "@/lib/media/binaries";
import { createApiToken, revokeApiToken } from "@/lib/tokens";

const FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf";
const SCRIPT: { command: string; output: string[] }[] = [
  { command: "uptime", output: [" 14:02:11 up 41 days,  3:12,  1 user,  load average: 0.31, 0.28, 0.22"] },
  { command: "sudo -l", output: ["User deploy may run the following commands on web-01:", "    (ALL) NOPASSWD: /usr/bin/systemctl restart app"] },
  { command: "tail -n 3 /var/log/app/error.log", output: ["ERROR db pool exhausted", "WARN retrying in 5s", "INFO connected"] },
  { command: "cat /etc/shadow", output: ["cat: /etc/shadow: Permission denied"] },
  { command: "df -h /srv", output: ["Filesystem  Size  Used Avail Use% Mounted on", "/dev/sdb1   200G  141G   59G  71% /srv"] },
];
const KEY_MS = 180;
const CHUNK_MS = 1000;
const RESTART_AFTER_MS = 15_000;

export type SimulatedProxy = { stop: () => Promise<void>; currentHash: () => string | null };

export async function startSimulatedProxy({ baseUrl, token }: { baseUrl: string; token?: string }): Promise<SimulatedProxy> {
  // Its own token unless given one, revoked when it stops: one live demo session per start, no tokens left behind.
  const created = token ? null : await createApiToken({ name: `demo-live-proxy-${randomBytes(2).toString("hex")}`, createdBy: null });
  const secret = token ?? created!.token;
  const client = new IngestClient(baseUrl, secret);
  const abort = new AbortController();
  const state: { session: LiveSession | null } = { session: null };
  let stopped = false;

  const loop = (async () => {
    while (!stopped) {
      state.session = await LiveSession.start(client).catch((error) => {
        console.error("[demo proxy] cannot start a live session:", error instanceof Error ? error.message : error);
        return null;
      });
      if (state.session) await state.session.ended;
      state.session = null;
      if (!stopped) await sleep(RESTART_AFTER_MS, abort.signal);
    }
  })();

  const commands = (async () => {
    while (!stopped) {
      const answer = await client.waitForCommands(25, abort.signal).catch(() => null);
      if (!answer) {
        if (!stopped) await sleep(2000, abort.signal);
        continue;
      }
      for (const command of answer.body.commands) {
        await client.answerCommand(command.id).catch(() => undefined);
        const current = state.session;
        const { after, ...outcome } =
          current && current.hash === command.hash && !current.finishing ? await current.honour(command) : { outcome: "gone" as const, after: undefined };
        // The outcome first: a finish before it would answer the command "gone" in the proxy's place.
        await client.answerCommand(command.id, outcome).catch(() => undefined);
        await after?.();
      }
    }
  })();

  return {
    currentHash: () => state.session?.hash ?? null,
    stop: async () => {
      stopped = true;
      abort.abort();
      await state.session?.finish("The demo proxy stopped.");
      await Promise.allSettled([loop, commands]);
      if (created) await revokeApiToken({ id: created.row.id }).catch(() => undefined);
    },
  };
}

class LiveSession {
  finishing = false;
  private locked = false;
  private lines: string[] = [];
  private typed = "";
  private step = 0;
  private seq = 0;
  private pending: Buffer[] = [];
  private events: SessionEventInput[] = [];
  private readonly sha = createHash("sha256");
  private uploads: Promise<unknown> = Promise.resolve();
  private timers: NodeJS.Timeout[] = [];
  private endedResolve!: () => void;
  readonly ended = new Promise<void>((r) => (this.endedResolve = r));
  private readonly startedAt = Date.now();

  private constructor(
    private readonly client: IngestClient,
    readonly hash: string,
    private readonly dir: string,
    private ffmpeg: ChildProcess | null = null,
  ) {}

  static async start(client: IngestClient): Promise<LiveSession> {
    const hash = `live-demo-${randomBytes(6).toString("hex")}`;
    await client.start({
      hash,
      protocol: "ssh",
      host: "web-01.demo",
      credentialUsername: "deploy",
      user: "alice@example.com",
      userIp: "10.1.4.22",
      startedAt: new Date().toISOString(),
      clusterNode: "demo-proxy",
    });
    const session = new LiveSession(client, hash, await mkdtemp(path.join(os.tmpdir(), "sv-live-demo-")));
    await session.draw();
    session.record();
    session.timers.push(
      setInterval(() => session.type(), KEY_MS),
      setInterval(() => session.flush(), CHUNK_MS),
    );
    return session;
  }

  private get textFile() {
    return path.join(this.dir, "screen.txt");
  }

  private record() {
    const font = existsSync(FONT) ? `fontfile=${FONT}:` : "";
    this.ffmpeg = spawn(
      ffmpegPath(),
      [
        "-hide_banner",
        "-loglevel",
        "error",
        "-re",
        "-f",
        "lavfi",
        "-i",
        "color=c=0x1e1e1e:s=960x540:r=5",
        "-vf",
        `drawtext=${font}textfile=${this.textFile}:reload=1:expansion=none:fontcolor=0xd8d8d8:fontsize=18:x=16:y=16:line_spacing=6`,
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-tune",
        "stillimage",
        "-pix_fmt",
        "yuv420p",
        "-g",
        "5",
        "-movflags",
        "frag_keyframe+empty_moov+default_base_moof",
        "-f",
        "mp4",
        "pipe:1",
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    this.ffmpeg.stdout!.on("data", (data: Buffer) => this.pending.push(data));
  }

  private t() {
    return Date.now() - this.startedAt;
  }

  private async draw(extra?: string) {
    const screen = [...this.lines.slice(-18), `deploy@web-01:~$ ${this.typed}${this.locked ? "" : "_"}`, ...(extra ? ["", extra] : [])].join("\n");
    const tmp = `${this.textFile}.tmp`;
    await writeFile(tmp, screen);
    await rename(tmp, this.textFile);
  }

  private type() {
    if (this.locked || this.finishing) return;
    const { command, output } = SCRIPT[this.step % SCRIPT.length]!;
    if (this.typed.length < command.length) {
      const key = command[this.typed.length]!;
      this.typed += key;
      this.events.push({ type: "key", t: this.t(), key: key === " " ? "Space" : key });
    } else {
      this.events.push({ type: "key", t: this.t(), key: "Enter" }, { type: "command", t: this.t(), command });
      this.lines.push(`deploy@web-01:~$ ${command}`, ...output);
      this.typed = "";
      this.step++;
    }
    void this.draw().catch(() => undefined);
  }

  private flush() {
    const bytes = Buffer.concat(this.pending.splice(0));
    const events = this.events.splice(0);
    this.uploads = this.uploads.then(async () => {
      if (bytes.length) {
        this.sha.update(bytes);
        await this.client.putChunk(this.hash, this.seq++, bytes).catch((e) => console.error("[demo proxy] chunk:", e instanceof Error ? e.message : e));
      }
      if (events.length) await this.client.events(this.hash, events).catch(() => undefined);
    });
    return this.uploads;
  }

  /** What the command asks of the proxy, done; answered `done` (or `refused` when it cannot be). */
  async honour(command: { kind: string; text: string | null }): Promise<{ outcome: "done" | "refused"; message?: string; after?: () => Promise<unknown> }> {
    switch (command.kind) {
      case "lock":
        this.locked = true;
        await this.draw(`[input locked by an auditor${command.text ? `: ${command.text}` : ""}]`);
        return { outcome: "done", message: "Input locked" };
      case "unlock":
        this.locked = false;
        await this.draw();
        return { outcome: "done", message: "Input unlocked" };
      case "message":
        await this.draw(`*** Message from the auditors: ${command.text ?? ""} ***`);
        return { outcome: "done", message: "Shown on the user's terminal" };
      case "terminate":
        this.locked = true;
        await this.draw(`*** Session terminated by an auditor${command.text ? `: ${command.text}` : ""} ***`);
        await sleep(1500);
        return { outcome: "done", message: "Connection to the target closed", after: () => this.finish(null) };
      default:
        return { outcome: "refused", message: `unknown command ${command.kind}` };
    }
  }

  /** Stops recording, sends what is left and finishes the session. */
  async finish(errorMessage: string | null) {
    if (this.finishing) return this.ended;
    this.finishing = true;
    for (const timer of this.timers) clearInterval(timer);
    const ffmpeg = this.ffmpeg;
    if (ffmpeg && ffmpeg.exitCode === null) {
      const exited = new Promise((r) => ffmpeg.once("exit", r));
      ffmpeg.kill("SIGINT");
      await Promise.race([exited, sleep(5000)]);
      if (ffmpeg.exitCode === null) ffmpeg.kill("SIGKILL");
    }
    await this.flush();
    try {
      await this.client.finish(this.hash, {
        endedAt: new Date().toISOString(),
        totalChunks: this.seq,
        mediaSha256: this.seq > 0 ? this.sha.digest("hex") : null,
        errorMessage,
      });
    } catch (error) {
      console.error("[demo proxy] finish:", error instanceof Error ? error.message : error);
    }
    await rm(this.dir, { recursive: true, force: true });
    this.endedResolve();
    return this.ended;
  }
}

function sleep(ms: number, signal?: AbortSignal) {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
