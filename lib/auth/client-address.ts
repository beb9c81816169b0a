/**
 * The address of the client a request comes from, for sign-in throttling and
 * the audit trail. A client can write any X-Forwarded-For it likes, so that
 * header is believed only from the reverse proxies listed in TRUSTED_PROXIES;
 * otherwise the client is the peer of the TCP connection.
 *
 * Route handlers and pages do not see the socket, so our web server
 * (lib/cli/web.ts) writes its peer's address into PEER_ADDRESS_HEADER on
 * every request, after removing whatever a client sent under that name. Any
 * other server (`next start` on its own, say) does not
 * strip it, so the header is believed only in a process where our server
 * said so (trustPeerHeader); elsewhere the address is unknown (null).
 *
 * No "server-only" marker: the web server imports this outside React's server build.
 */
import { BlockList, isIP } from "node:net";
import { env } from "@/lib/env";

export const PEER_ADDRESS_HEADER = "x-session-video-peer";

const TRUST = Symbol.for("session-video.peer-address-header");
type Flagged = typeof globalThis & { [TRUST]?: boolean };

/** Called by our web server before it serves anything: this process's requests carry a header it wrote itself. */
export function trustPeerHeader() {
  (globalThis as Flagged)[TRUST] = true;
}

/** "::ffff:10.0.0.1" (an IPv4 client on an IPv6 socket) is 10.0.0.1. */
export function normalizeAddress(address: string): string {
  const a = address.trim();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
  return mapped ? mapped[1]! : a;
}

let trusted: BlockList | null = null;
function trustedProxies(): BlockList {
  if (trusted) return trusted;
  trusted = new BlockList();
  for (const entry of env.TRUSTED_PROXIES) {
    const [address, bits] = entry.split("/") as [string, string | undefined];
    const type = isIP(address) === 6 ? "ipv6" : "ipv4";
    if (bits === undefined) trusted.addAddress(address, type);
    else trusted.addSubnet(address, Number(bits), type);
  }
  return trusted;
}

function isTrustedProxy(address: string): boolean {
  const family = isIP(address);
  if (!family) return false;
  return trustedProxies().check(address, family === 6 ? "ipv6" : "ipv4");
}

/** The hops of an X-Forwarded-For header, leftmost (the original client, as the first proxy saw it) first. */
function forwardedHops(header: string | null): string[] {
  if (!header) return [];
  return header
    .split(",")
    .map((h) => normalizeAddress(h.replace(/^\[|\](?::\d+)?$/g, "")))
    .filter(Boolean);
}

/**
 * The client's address: the socket's peer unless it is a trusted proxy; then
 * X-Forwarded-For read from the right, each trusted proxy skipped, the first
 * other hop is the client (a hop the client itself prepended is never reached).
 * Null when the peer is unknown (not served by our web server).
 */
export function clientAddress(headers: { get(name: string): string | null }): string | null {
  if (!(globalThis as Flagged)[TRUST]) return null;
  const peer = headers.get(PEER_ADDRESS_HEADER);
  if (!peer) return null;
  let client = normalizeAddress(peer);
  if (!isTrustedProxy(client)) return client;
  const hops = forwardedHops(headers.get("x-forwarded-for"));
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (!isIP(hop)) return client; // not an address: the proxy before it is as far as we can trust
    client = hop;
    if (!isTrustedProxy(hop)) return hop;
  }
  return client;
}
