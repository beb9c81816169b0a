/**
 * The web server in front of Next.js: a plain Node HTTP server that hands
 * every request to Next's request handler after three things Next cannot do
 * from inside a route:
 *
 * - it writes the socket's peer address into PEER_ADDRESS_HEADER (removing
 *   any a client sent), the one source of the client's address that a client
 *   cannot forge (lib/auth/client-address.ts);
 * - it refuses TRACE, TRACK and CONNECT with 405 (Next answers TRACE to a
 *   route handler with a 500);
 * - it refuses a path whose percent-encoding is malformed (`/sessions/%zz`)
 *   with 400 (Next's decoding of route parameters throws: a 500);
 * - it gzips HLS playlists for clients that accept gzip (Next compresses
 *   nothing behind a custom server, and drops a Content-Encoding that a route
 *   handler sets while still sending its bytes).
 *
 * No "server-only" marker: it runs outside React's server build.
 */
import http from "node:http";
import { gzipSync } from "node:zlib";
import next from "next";
import { PEER_ADDRESS_HEADER, trustPeerHeader } from "@/lib/auth/client-address";
import { ROBOTS_TAG } from "@/lib/http/security-headers";

const REFUSED_METHODS = new Set(["TRACE", "TRACK", "CONNECT"]);

/** Headers of the answers this server gives itself (Next adds its own to the rest, see next.config.ts). */
const OWN_HEADERS = {
  "Cache-Control": "no-store",
  "X-Robots-Tag": ROBOTS_TAG,
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
};

function refuse(res: http.ServerResponse, status: number, message: string, extra: Record<string, string> = {}) {
  const body = JSON.stringify({ error: message });
  res.writeHead(status, { ...OWN_HEADERS, ...extra, "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}

/** Whether every %XX of the path decodes (as UTF-8) the way route parameters will be decoded. */
function pathDecodes(url: string): boolean {
  const path = url.split(/[?#]/, 1)[0] ?? "";
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

/** Runs on every request before Next sees it; false when the request was answered here. */
export function screenRequest(req: http.IncomingMessage, res: http.ServerResponse): boolean {
  // The peer header is ours alone: whatever a client sent under that name goes.
  delete req.headers[PEER_ADDRESS_HEADER];
  const peer = req.socket.remoteAddress;
  if (peer) req.headers[PEER_ADDRESS_HEADER] = peer;
  if (REFUSED_METHODS.has((req.method ?? "").toUpperCase())) {
    refuse(res, 405, `${req.method} is not allowed.`, { Allow: "GET, HEAD, POST, PUT, DELETE, OPTIONS" });
    return false;
  }
  if (!pathDecodes(req.url ?? "/")) {
    refuse(res, 400, "The address is not valid: it contains a malformed percent-encoding (% followed by something other than two hexadecimal digits).");
    return false;
  }
  return true;
}

const PLAYLIST_TYPE = "application/vnd.apple.mpegurl";
/** Playlists are text of at most a few hundred kilobytes: buffered whole, then compressed in one go. */
const PLAYLIST_MAX_BYTES = 16 * 1024 * 1024;

/** Whether Accept-Encoding allows gzip (RFC 9110 §12.5.3): named (or as `*`) with a q above 0. */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  const value = Array.isArray(header) ? header.join(",") : header;
  if (!value) return false;
  let gzip: number | null = null;
  let any: number | null = null;
  for (const part of value.split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const weight = q ? Number(q.slice(2)) : 1;
    const w = Number.isFinite(weight) ? weight : 0;
    if (name === "gzip" || name === "x-gzip") gzip = w;
    else if (name === "*") any = w;
  }
  return (gzip ?? any ?? 0) > 0;
}

/**
 * For a GET of a playlist (`….m3u8`) from a client that accepts gzip: holds
 * what Next writes, and at the end sends a 200 playlist gzipped (with its
 * Content-Length and Vary), anything else as it was written.
 */
export function gzipPlaylist(req: http.IncomingMessage, res: http.ServerResponse) {
  const path = (req.url ?? "/").split(/[?#]/, 1)[0] ?? "";
  if (req.method !== "GET" || !path.endsWith(".m3u8") || !acceptsGzip(req.headers["accept-encoding"])) return;
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => http.ServerResponse;
  const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => http.ServerResponse;
  let head: unknown[] | null = null;
  const chunks: Buffer[] = [];
  let size = 0;
  let passthrough = false;
  const flushAsIs = () => {
    passthrough = true;
    if (head) writeHead(...head);
    for (const c of chunks) write(c);
    chunks.length = 0;
  };
  const toBuffer = (chunk: unknown, encoding?: unknown) =>
    Buffer.isBuffer(chunk) ? chunk : typeof chunk === "string" ? Buffer.from(chunk, (encoding as BufferEncoding) ?? "utf8") : Buffer.from(chunk as Uint8Array);
  res.writeHead = ((...args: unknown[]) => {
    if (passthrough) return writeHead(...args);
    head = args;
    return res;
  }) as typeof res.writeHead;
  res.flushHeaders = () => undefined;
  res.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (passthrough) return write(chunk, ...rest);
    const buffer = toBuffer(chunk, typeof rest[0] === "string" ? rest[0] : undefined);
    chunks.push(buffer);
    size += buffer.length;
    if (size > PLAYLIST_MAX_BYTES) flushAsIs();
    const callback = rest.find((r) => typeof r === "function") as (() => void) | undefined;
    callback?.();
    return true;
  }) as typeof res.write;
  res.end = ((...args: unknown[]) => {
    if (passthrough) return end(...args);
    const [chunk, encoding] = args;
    if (chunk !== undefined && chunk !== null && typeof chunk !== "function") chunks.push(toBuffer(chunk, encoding));
    const callback = args.find((a) => typeof a === "function") as (() => void) | undefined;
    const status = head ? Number(head[0]) : res.statusCode;
    // Headers given to writeHead win over setHeader's, as in Node.
    const headObject = head?.find((h) => h && typeof h === "object" && !Array.isArray(h)) as Record<string, unknown> | undefined;
    const type = String(headObject?.["content-type"] ?? headObject?.["Content-Type"] ?? res.getHeader("content-type") ?? "");
    const encoded = headObject?.["content-encoding"] ?? res.getHeader("content-encoding");
    if (status !== 200 || !type.startsWith(PLAYLIST_TYPE) || encoded) {
      flushAsIs();
      return end(...(callback ? [callback] : []));
    }
    const body = gzipSync(Buffer.concat(chunks), { level: 6 });
    passthrough = true;
    if (headObject) for (const [k, v] of Object.entries(headObject)) if (v !== undefined) res.setHeader(k, v as string);
    res.removeHeader("transfer-encoding");
    res.setHeader("Content-Encoding", "gzip");
    res.setHeader("Content-Length", body.length);
    const vary = String(res.getHeader("vary") ?? "");
    if (!/accept-encoding/i.test(vary)) res.setHeader("Vary", vary ? `${vary}, Accept-Encoding` : "Accept-Encoding");
    res.statusCode = 200;
    return end(body, callback);
  }) as typeof res.end;
}

export async function startWebServer({ port, hostname, dev = false }: { port: number; hostname?: string; dev?: boolean }): Promise<http.Server> {
  trustPeerHeader();
  // Next.js's telemetry is off unless the operator set it (next.config.ts says so too).
  process.env.NEXT_TELEMETRY_DISABLED ??= "1";
  const app = next({ dev, dir: process.cwd(), hostname: hostname ?? "localhost", port });
  const handle = app.getRequestHandler();
  await app.prepare();
  const server = http.createServer((req, res) => {
    if (!screenRequest(req, res)) return;
    // On every answer, also those next.config.ts headers() does not reach (Next's own 404s and errors).
    res.setHeader("X-Robots-Tag", ROBOTS_TAG);
    gzipPlaylist(req, res);
    handle(req, res).catch((error: unknown) => {
      console.error("[web] request failed", error instanceof Error ? error.message : error);
      if (!res.headersSent) refuse(res, 500, "The server could not do this. The error was logged; retry later.");
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, hostname, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return server;
}
