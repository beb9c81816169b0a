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
 *   with 400 (Next's decoding of route parameters throws: a 500).
 *
 * No "server-only" marker: it runs outside React's server build.
 */
import http from "node:http";
import next from "next";
import { PEER_ADDRESS_HEADER, trustPeerHeader } from "@/lib/auth/client-address";

const REFUSED_METHODS = new Set(["TRACE", "TRACK", "CONNECT"]);

/** Headers of the answers this server gives itself (Next adds its own to the rest, see next.config.ts). */
const OWN_HEADERS = {
  "Cache-Control": "no-store",
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

export async function startWebServer({ port, hostname, dev = false }: { port: number; hostname?: string; dev?: boolean }): Promise<http.Server> {
  trustPeerHeader();
  const app = next({ dev, dir: process.cwd(), hostname: hostname ?? "localhost", port });
  const handle = app.getRequestHandler();
  await app.prepare();
  const server = http.createServer((req, res) => {
    if (!screenRequest(req, res)) return;
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
