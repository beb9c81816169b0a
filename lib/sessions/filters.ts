/**
 * The Remote sessions list's URL: filters, sort and page cursor. Everything the
 * list reads from the address bar goes through here, so that bad input becomes
 * a message on the page and never reaches SQL or a 500.
 */
import { z } from "zod";
import { CRITICALITIES, type Criticality } from "@/lib/domain/rules";
import { REVIEW_STATES, REVIEW_VERDICT_LABELS, REVIEW_VERDICTS, type ReviewState, type ReviewVerdict } from "@/lib/domain/reviews";
import { PROTOCOL_LABELS, PROTOCOLS, SESSION_STATUSES, type Protocol, type SessionStatus } from "@/lib/domain/sessions";
import { hasControlCharacter, SEARCH_CONTROL_CHARACTER } from "@/lib/domain/text";

export const PAGE_SIZE = 50;
export const MAX_SEARCH_LENGTH = 100;
const MAX_CURSOR_LENGTH = 200;

export const SESSION_SORTS = ["newest", "risk"] as const;
export type SessionSort = (typeof SESSION_SORTS)[number];

/** What the list is filtered by, as the query functions take it. */
export type SessionFilter = {
  /** Matches the start of the ID, user, host or credential username (case-insensitive). */
  q?: string;
  protocol?: Protocol;
  status?: SessionStatus;
  /** Sessions started at or after this instant. */
  from?: Date;
  /** Sessions started before this instant (exclusive). */
  to?: Date;
  minCriticality?: Criticality;
  /** Only sessions on legal hold. */
  held?: boolean;
  /** Reviewed at least once, or never. */
  review?: ReviewState;
  /** The latest review's verdict (implies reviewed). */
  verdict?: ReviewVerdict;
};

/** A position in the list: the sort key of the row next to the page being asked for. */
export type SessionCursor =
  | { sort: "newest"; dir: "older" | "newer"; /** Microseconds since 1970, exact as PostgreSQL stores it. */ startedAtUs: number; id: number }
  | { sort: "risk"; dir: "older" | "newer"; riskScore: number; id: number };

/** The list's state as it appears in the URL (dates stay as typed, YYYY-MM-DD). */
export type SessionListQuery = {
  q?: string;
  type?: Protocol;
  status?: SessionStatus;
  from?: string;
  to?: string;
  crit?: Criticality;
  /** "1": only sessions on legal hold. */
  hold?: "1";
  review?: ReviewState;
  verdict?: ReviewVerdict;
  sort: SessionSort;
  cursor?: SessionCursor;
};

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const day = z
  .string()
  .regex(DAY, "must be a date like 2026-01-31")
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s) && d.getUTCFullYear() >= 2000 && d.getUTCFullYear() <= 2100;
  }, "is not a real date between 2000 and 2100");

const fields = {
  q: z
    .string()
    .trim()
    .max(MAX_SEARCH_LENGTH, `Search text is too long: at most ${MAX_SEARCH_LENGTH} characters.`)
    .refine((v) => !hasControlCharacter(v), SEARCH_CONTROL_CHARACTER),
  type: z.enum(PROTOCOLS, { error: () => `Unknown type. Choose one of: ${PROTOCOLS.map((p) => PROTOCOL_LABELS[p]).join(", ")}.` }),
  status: z.enum(SESSION_STATUSES, { error: () => `Unknown status. Choose one of: ${SESSION_STATUSES.join(", ")}.` }),
  from: day,
  to: day,
  crit: z.enum(CRITICALITIES, { error: () => `Unknown criticality. Choose one of: ${CRITICALITIES.join(", ")}.` }),
  hold: z.literal("1", { error: () => `Hold: use hold=1 for sessions on legal hold.` }),
  review: z.enum(REVIEW_STATES, { error: () => `Unknown review state. Choose "reviewed" or "unreviewed".` }),
  verdict: z.enum(REVIEW_VERDICTS, {
    error: () => `Unknown verdict. Choose one of: ${REVIEW_VERDICTS.map((v) => `"${v}" (${REVIEW_VERDICT_LABELS[v]})`).join(", ")}.`,
  }),
  sort: z.enum(SESSION_SORTS, { error: () => `Unknown sort. Choose "newest" or "risk".` }),
  cursor: z.string().max(MAX_CURSOR_LENGTH),
} as const;

const FIELD_LABELS: Record<keyof typeof fields, string> = {
  q: "Search",
  type: "Type",
  status: "Status",
  from: "From",
  to: "To",
  crit: "Minimum criticality",
  hold: "Hold",
  review: "Review",
  verdict: "Verdict",
  sort: "Sort",
  cursor: "Page",
};

export type RawSearchParams = Record<string, string | string[] | undefined>;

export type ParsedSessionListQuery = {
  query: SessionListQuery;
  /** One readable message per value that was refused; the refused values are ignored. */
  errors: string[];
};

/**
 * Reads the list's search params. Values that do not parse are dropped and
 * explained in `errors`, so the page still shows a list and says what it ignored.
 */
export function parseSessionListQuery(raw: RawSearchParams): ParsedSessionListQuery {
  const errors: string[] = [];
  const query: SessionListQuery = { sort: "newest" };
  const read = <K extends keyof typeof fields>(key: K): z.infer<(typeof fields)[K]> | undefined => {
    let value = raw[key];
    if (Array.isArray(value)) {
      errors.push(`${FIELD_LABELS[key]} was given more than once; using none of them.`);
      return undefined;
    }
    if (value === undefined) return undefined;
    value = value.trim();
    if (value === "") return undefined;
    const parsed = fields[key].safeParse(value);
    if (!parsed.success) {
      const message = parsed.error.issues[0]?.message ?? "is not valid";
      // Messages that already read as a sentence are shown as they are.
      errors.push(/^[A-Z]/.test(message) ? message : `${FIELD_LABELS[key]} ${message}.`);
      return undefined;
    }
    return parsed.data as z.infer<(typeof fields)[K]>;
  };

  const q = read("q");
  if (q) query.q = q;
  const type = read("type");
  if (type) query.type = type;
  const status = read("status");
  if (status) query.status = status;
  const from = read("from");
  if (from) query.from = from;
  const to = read("to");
  if (to) query.to = to;
  if (query.from && query.to && query.from > query.to) {
    errors.push("The From date is after the To date; the date range was ignored.");
    delete query.from;
    delete query.to;
  }
  const crit = read("crit");
  if (crit) query.crit = crit;
  const hold = read("hold");
  if (hold) query.hold = hold;
  const review = read("review");
  if (review) query.review = review;
  const verdict = read("verdict");
  if (verdict && query.review === "unreviewed") {
    errors.push("A verdict belongs to reviewed sessions: the verdict was ignored.");
  } else if (verdict) {
    query.verdict = verdict;
  }
  const sort = read("sort");
  if (sort) query.sort = sort;
  const cursorText = read("cursor");
  if (cursorText) {
    const cursor = decodeCursor(cursorText);
    if (!cursor || cursor.sort !== query.sort) {
      errors.push("The page link is not valid (changed or from another sort); showing the first page.");
    } else {
      query.cursor = cursor;
    }
  }
  return { query, errors };
}

/** The filters of a list query, with the dates turned into instants in the viewer's time zone. */
export function toSessionFilter(query: SessionListQuery, timeZone: string): SessionFilter {
  const filter: SessionFilter = {};
  if (query.q) filter.q = query.q;
  if (query.type) filter.protocol = query.type;
  if (query.status) filter.status = query.status;
  if (query.crit) filter.minCriticality = query.crit;
  if (query.hold) filter.held = true;
  if (query.review) filter.review = query.review;
  if (query.verdict) filter.verdict = query.verdict;
  if (query.from) filter.from = startOfDay(query.from, timeZone);
  if (query.to) filter.to = startOfDay(nextDay(query.to), timeZone);
  return filter;
}

/** The URL of the list with these values; empty values are left out. */
export function sessionListHref(query: Partial<SessionListQuery>, cursor?: SessionCursor): string {
  const params = new URLSearchParams();
  if (query.q) params.set("q", query.q);
  if (query.type) params.set("type", query.type);
  if (query.status) params.set("status", query.status);
  if (query.from) params.set("from", query.from);
  if (query.to) params.set("to", query.to);
  if (query.crit) params.set("crit", query.crit);
  if (query.hold) params.set("hold", query.hold);
  if (query.review) params.set("review", query.review);
  if (query.verdict) params.set("verdict", query.verdict);
  if (query.sort && query.sort !== "newest") params.set("sort", query.sort);
  if (cursor) params.set("cursor", encodeCursor(cursor));
  const s = params.toString();
  return s ? `/sessions?${s}` : "/sessions";
}

export function hasFilters(query: SessionListQuery): boolean {
  return Boolean(query.q || query.type || query.status || query.from || query.to || query.crit || query.hold || query.review || query.verdict);
}

// ─── Cursor ──────────────────────────────────────────────────────────────────

const cursorSchema = z.discriminatedUnion("s", [
  z.object({
    s: z.literal("newest"),
    d: z.enum(["o", "n"]),
    t: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    i: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  }),
  z.object({
    s: z.literal("risk"),
    d: z.enum(["o", "n"]),
    r: z.number().int().min(-2147483648).max(2147483647),
    i: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  }),
]);

/** An opaque page token: base64url of the sort key of the row at the page edge. */
export function encodeCursor(cursor: SessionCursor): string {
  const d = cursor.dir === "older" ? "o" : "n";
  const payload =
    cursor.sort === "newest" ? { s: cursor.sort, d, t: cursor.startedAtUs, i: cursor.id } : { s: cursor.sort, d, r: cursor.riskScore, i: cursor.id };
  return Buffer.from(JSON.stringify(payload), "utf8").toString("base64url");
}

/** The cursor in a token, or null for anything that is not one this code wrote. */
export function decodeCursor(token: string): SessionCursor | null {
  if (token.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(token)) return null;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    return null;
  }
  const parsed = cursorSchema.safeParse(json);
  if (!parsed.success) return null;
  const c = parsed.data;
  const dir = c.d === "o" ? "older" : "newer";
  if (c.s === "newest") return { sort: "newest", dir, startedAtUs: c.t, id: c.i };
  return { sort: "risk", dir, riskScore: c.r, id: c.i };
}

// ─── Days in a time zone ─────────────────────────────────────────────────────

function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** Offset of `timeZone` from UTC at `instant`, in milliseconds. */
function zoneOffset(instant: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(instant);
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/** The instant a calendar day (YYYY-MM-DD) starts in a time zone. */
export function startOfDay(day: string, timeZone: string): Date {
  const utcMidnight = Date.parse(`${day}T00:00:00Z`);
  // Two passes settle days where the offset changes (daylight saving).
  let guess = utcMidnight - zoneOffset(new Date(utcMidnight), timeZone);
  guess = utcMidnight - zoneOffset(new Date(guess), timeZone);
  return new Date(guess);
}
