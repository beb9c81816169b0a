/**
 * The words of a remote session: the protocols the proxy records, the states
 * a session goes through, and the session ID the proxy gives it. Pure data:
 * the database schema, the ingestion API's schemas, the pages and the client
 * components all take these from here.
 */
import { z } from "zod";

export const PROTOCOLS = ["ssh", "rdp", "vnc", "telnet", "http", "mysql", "postgresql", "oracle", "sqlserver"] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export const PROTOCOL_LABELS: Record<Protocol, string> = {
  ssh: "SSH",
  rdp: "RDP",
  vnc: "VNC",
  telnet: "Telnet",
  http: "HTTP",
  mysql: "MySQL",
  postgresql: "PostgreSQL",
  oracle: "Oracle",
  sqlserver: "SQL Server",
};

/**
 * What a protocol's session shows: a terminal (shell commands, rebuilt from
 * keystrokes or sent by the proxy), a database client (SQL statements and
 * their outcome, never result rows), or only a picture (desktops, web pages).
 */
export type ProtocolKind = "terminal" | "database" | "graphical";

export const PROTOCOL_KINDS: Record<Protocol, ProtocolKind> = {
  ssh: "terminal",
  telnet: "terminal",
  mysql: "database",
  postgresql: "database",
  oracle: "database",
  sqlserver: "database",
  rdp: "graphical",
  vnc: "graphical",
  http: "graphical",
};

export function protocolsOfKind(...kinds: ProtocolKind[]): Protocol[] {
  return PROTOCOLS.filter((p) => kinds.includes(PROTOCOL_KINDS[p]));
}

export function isDatabaseProtocol(protocol: Protocol): boolean {
  return PROTOCOL_KINDS[protocol] === "database";
}

export const SESSION_STATUSES = ["active", "closed", "failed"] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

export const STATUS_LABELS: Record<SessionStatus, string> = { active: "Active", closed: "Closed", failed: "Failed" };

/**
 * The proxy's unique session ID ("hash"): 1-128 letters, digits, '.', '_' or
 * '-', starting with a letter or digit. The ingestion API refuses anything
 * else, so the pages and media routes answer anything else with the same 404
 * as an unknown session, without asking the database.
 */
export const SESSION_HASH_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export const sessionHashSchema = z
  .string()
  .regex(SESSION_HASH_PATTERN, "must be 1-128 letters, digits, '.', '_' or '-'")
  .meta({ description: "The proxy's unique session ID", example: "7f3c9a12e4b0" });

export function isSessionHash(value: string): boolean {
  return SESSION_HASH_PATTERN.test(value);
}
