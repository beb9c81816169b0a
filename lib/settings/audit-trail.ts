import "server-only";
import { z } from "zod";
import { AUDIT_ACTIONS } from "@/lib/audit";
import { hasControlCharacter } from "@/lib/domain/text";
import { getPlaybackStreamsByAuditIds, listAuditActions, listAuditEntries } from "@/lib/audit/queries";
import type { AuditLogEntry } from "@/lib/db/schema";

export const AUDIT_PAGE_SIZE = 50;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** A real day between 2000 and 2100: the trail has nothing older, and PostgreSQL has no year 0 (`0000-01-01` failed the page). */
const validDate = (s: string) => {
  if (!DATE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s) && d.getUTCFullYear() >= 2000 && d.getUTCFullYear() <= 2100;
};

/** One value of a search parameter (the first when repeated), trimmed; empty means absent. */
const param = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (Array.isArray(v) ? v[0] : v)?.trim() || undefined);

const filterSchema = z.object({
  action: param.refine((v) => v === undefined || /^[a-z_.]{1,64}$/.test(v), "Unknown action."),
  actor: param
    .refine((v) => v === undefined || v.length <= 320, "The actor filter is too long (320 characters at most).")
    .refine((v) => v === undefined || !hasControlCharacter(v), "The actor filter cannot contain control characters such as NUL (%00)."),
  target: param
    .refine((v) => v === undefined || v.length <= 200, "The target filter is too long (200 characters at most).")
    .refine((v) => v === undefined || !hasControlCharacter(v), "The target filter cannot contain control characters such as NUL (%00)."),
  from: param.refine((v) => v === undefined || validDate(v), "The start date must be a date between 2000 and 2100 (YYYY-MM-DD)."),
  to: param.refine((v) => v === undefined || validDate(v), "The end date must be a date between 2000 and 2100 (YYYY-MM-DD)."),
  cursor: param,
});

export type AuditTrailFilters = { action?: string; actor?: string; target?: string; from?: string; to?: string };

/** The opaque "Older" cursor: the last row's id, so that nobody builds on its format. */
export function encodeAuditCursor(id: number): string {
  return Buffer.from(`a:${id}`).toString("base64url");
}

export function decodeAuditCursor(cursor: string): number | null {
  if (cursor.length > 40) return null;
  const match = /^a:(\d{1,18})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  if (!match) return null;
  const id = Number(match[1]);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

/** Search params back to a query string, keeping only the filters (for links). */
export function auditTrailQuery(filters: AuditTrailFilters, cursor?: string): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (v) q.set(k, v);
  if (cursor) q.set("cursor", cursor);
  const s = q.toString();
  return s ? `?${s}` : "";
}

export type AuditTrailPage = {
  filters: AuditTrailFilters;
  /** Messages about filter values that were ignored because they are not valid. */
  problems: string[];
  /** `stream`: for a `session.streamed` entry, what was served in its hour so far. */
  entries: (AuditLogEntry & { stream?: { bytes: number; requests: number; lastAt: Date } })[];
  olderCursor: string | null;
  isFirstPage: boolean;
  actions: string[];
};

/**
 * Reads the audit trail page for URL search params. Bad values do not fail
 * the page: each is dropped and explained. Dates are whole UTC days.
 */
export async function loadAuditTrailPage(searchParams: Record<string, string | string[] | undefined>): Promise<AuditTrailPage> {
  const problems: string[] = [];
  const filters: AuditTrailFilters = {};
  let cursor: string | undefined;
  for (const key of Object.keys(filterSchema.shape) as (keyof typeof filterSchema.shape)[]) {
    const parsed = filterSchema.shape[key].safeParse(searchParams[key]);
    if (!parsed.success) {
      problems.push(parsed.error.issues[0]?.message ?? `Invalid ${key}.`);
      continue;
    }
    if (key === "cursor") cursor = parsed.data;
    else if (parsed.data) filters[key] = parsed.data;
  }
  const known = new Set<string>([...AUDIT_ACTIONS, ...(await listAuditActions())]);
  if (filters.action && !known.has(filters.action)) {
    problems.push(`Unknown action "${filters.action}".`);
    delete filters.action;
  }
  let beforeId: number | undefined;
  if (cursor) {
    const id = decodeAuditCursor(cursor);
    if (id === null) problems.push("The page link is not valid; showing the newest entries.");
    else beforeId = id;
  }
  const from = filters.from ? new Date(`${filters.from}T00:00:00Z`) : undefined;
  const to = filters.to ? new Date(new Date(`${filters.to}T00:00:00Z`).getTime() + 86_400_000) : undefined;
  if (from && to && from >= to) problems.push("The start date is after the end date; nothing can match.");

  const rows = await listAuditEntries({ ...filters, from, to, beforeId, limit: AUDIT_PAGE_SIZE + 1 });
  const page = rows.slice(0, AUDIT_PAGE_SIZE);
  const streams = await getPlaybackStreamsByAuditIds(page.filter((e) => e.action === "session.streamed").map((e) => e.id));
  const entries = page.map((e) => (streams.has(e.id) ? { ...e, stream: streams.get(e.id)! } : e));
  const last = entries.at(-1);
  return {
    filters,
    problems,
    entries,
    olderCursor: rows.length > AUDIT_PAGE_SIZE && last ? encodeAuditCursor(last.id) : null,
    isFirstPage: beforeId === undefined,
    actions: [...known].sort(),
  };
}

/** Details as one compact line of JSON, cut at `max` characters. */
export function compactDetails(details: unknown, max = 160): { short: string; full: string } | null {
  if (details === null || details === undefined) return null;
  const full = JSON.stringify(details);
  return { short: full.length > max ? `${full.slice(0, max - 1)}…` : full, full };
}
