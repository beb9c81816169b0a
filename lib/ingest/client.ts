import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { Agent, request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { FinishSessionInput, LiveCommandAnswerInput, LiveCommandsOutput, SessionEventInput, SessionStatusOutput, StartSessionInput } from "./schemas";

/**
 * A small client of the ingestion API, as a session proxy would use it. The
 * demo, the tests and the benchmark go through it, so they exercise the real
 * HTTP API.
 */
export class IngestApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: { error?: string; field?: string } | string,
  ) {
    super(`HTTP ${status}: ${typeof body === "string" ? body : (body.error ?? JSON.stringify(body))}`);
    this.name = "IngestApiError";
  }
}

const keepAlive = new Agent({ keepAlive: true, maxSockets: 8 });

export const sha256Hex = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");

export class IngestClient {
  constructor(
    readonly baseUrl: string,
    readonly token: string,
  ) {}

  private async call<T>(method: string, path: string, init: RequestInit & { headers?: Record<string, string> } = {}): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      ...init,
      method,
      headers: { authorization: `Bearer ${this.token}`, ...init.headers },
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    if (!res.ok) throw new IngestApiError(res.status, body as { error?: string });
    return { status: res.status, body: body as T };
  }

  private sessionPath(hash: string) {
    return `/api/v1/sessions/${encodeURIComponent(hash)}`;
  }

  start(input: StartSessionInput) {
    return this.call<{ hash: string; created: boolean }>("POST", "/api/v1/sessions", {
      body: JSON.stringify(input),
      headers: { "content-type": "application/json" },
    });
  }

  status(hash: string) {
    return this.call<SessionStatusOutput>("GET", this.sessionPath(hash));
  }

  /** Uploads one chunk; `body` may be a stream (sent without buffering) when its SHA-256 is known. */
  putChunk(hash: string, seq: number, body: Buffer | Readable, sha256?: string) {
    const digest = sha256 ?? (Buffer.isBuffer(body) ? sha256Hex(body) : undefined);
    if (!digest) throw new Error("the SHA-256 of a streamed chunk must be given");
    if (!Buffer.isBuffer(body)) return this.streamChunk(hash, seq, body, digest);
    return this.call<{ seq: number; duplicate: boolean; sizeBytes: number }>("PUT", `${this.sessionPath(hash)}/chunks/${seq}`, {
      body: Buffer.isBuffer(body) ? new Uint8Array(body) : (Readable.toWeb(body) as ReadableStream<Uint8Array>),
      headers: { "content-type": "application/octet-stream", "x-chunk-sha256": digest },
      ...(Buffer.isBuffer(body) ? {} : { duplex: "half" }),
    } as RequestInit & { headers: Record<string, string> });
  }

  /** A streamed chunk over node:http: piping a file is much cheaper than a web stream through fetch. */
  private streamChunk(hash: string, seq: number, body: Readable, digest: string) {
    const target = new URL(`${this.sessionPath(hash)}/chunks/${seq}`, this.baseUrl);
    const send = target.protocol === "https:" ? httpsRequest : httpRequest;
    return new Promise<{ status: number; body: { seq: number; duplicate: boolean; sizeBytes: number } }>((resolve, reject) => {
      const req = send(
        target,
        {
          method: "PUT",
          agent: target.protocol === "https:" ? undefined : keepAlive,
          headers: { authorization: `Bearer ${this.token}`, "content-type": "application/octet-stream", "x-chunk-sha256": digest },
        },
        (res) => {
          const parts: Buffer[] = [];
          res.on("data", (d: Buffer) => parts.push(d));
          res.on("error", reject);
          res.on("end", () => {
            const text = Buffer.concat(parts).toString("utf8");
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              // not JSON
            }
            const status = res.statusCode ?? 0;
            if (status >= 400) reject(new IngestApiError(status, parsed as { error?: string }));
            else resolve({ status, body: parsed as { seq: number; duplicate: boolean; sizeBytes: number } });
          });
        },
      );
      req.on("error", reject);
      pipeline(body, req).catch(reject);
    });
  }

  events(hash: string, events: SessionEventInput[] | string) {
    const body = typeof events === "string" ? events : events.map((e) => JSON.stringify(e)).join("\n") + "\n";
    return this.call<{ stored: number }>("POST", `${this.sessionPath(hash)}/events`, {
      body,
      headers: { "content-type": "application/x-ndjson" },
    });
  }

  finish(hash: string, input: FinishSessionInput) {
    return this.call<{ status: string; recording: { status: string; statusReason: string | null; chainHead: string | null } | null }>(
      "POST",
      `${this.sessionPath(hash)}/finish`,
      { body: JSON.stringify(input), headers: { "content-type": "application/json" } },
    );
  }

  /** The command channel: waits up to `waitS` seconds for commands for this token's sessions. */
  waitForCommands(waitS = 25, signal?: AbortSignal) {
    return this.call<LiveCommandsOutput>("GET", `/api/v1/commands?wait=${waitS}`, { signal });
  }

  /** Acknowledges a command (`{}`) or reports its outcome. */
  answerCommand(id: string, answer: LiveCommandAnswerInput = {}) {
    return this.call<{ id: string; outcome: string | null }>("POST", `/api/v1/commands/${encodeURIComponent(id)}`, {
      body: JSON.stringify(answer),
      headers: { "content-type": "application/json" },
    });
  }

  /**
   * Uploads a media file in chunks of `chunkSize` bytes, reading each chunk
   * twice from disk (hash, then stream) so memory stays at one buffer.
   * Returns the chunk count and the whole file's SHA-256.
   */
  async uploadFile(
    hash: string,
    file: string,
    { chunkSize = 4 * 1024 * 1024, from = 0, parallel = 2, limit }: { chunkSize?: number; from?: number; parallel?: number; limit?: number } = {},
  ): Promise<{ totalChunks: number; sha256: string; size: number }> {
    const handle = await open(file, "r");
    const size = (await handle.stat()).size;
    const whole = createHash("sha256");
    const totalChunks = Math.ceil(size / chunkSize);
    const inFlight = new Set<Promise<unknown>>();
    try {
      for (let seq = 0; seq < totalChunks; seq++) {
        const start = seq * chunkSize;
        const length = Math.min(chunkSize, size - start);
        const piece = Buffer.allocUnsafe(length);
        await handle.read(piece, 0, length, start);
        whole.update(piece);
        if (seq < from || (limit !== undefined && seq >= from + limit)) continue;
        const digest = sha256Hex(piece);
        const upload = this.putChunk(hash, seq, createReadStream(file, { start, end: start + length - 1, highWaterMark: 1024 * 1024 }), digest).finally(() =>
          inFlight.delete(upload),
        );
        inFlight.add(upload);
        if (inFlight.size >= parallel) await Promise.race(inFlight);
      }
      await Promise.all(inFlight);
    } finally {
      await handle.close();
    }
    return { totalChunks, sha256: whole.digest("hex"), size };
  }
}
