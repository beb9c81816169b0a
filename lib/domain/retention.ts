/**
 * The words of retention: how long recordings are kept, why one was deleted,
 * and the states of an early deletion waiting for its second admin. Pure
 * data and pure functions: the schema, the job, the pages and the tests
 * take these from here.
 */
import { z } from "zod";
import { PROTOCOLS, type Protocol } from "./sessions";

/** Why a recording was deleted: its policy period ran out, or two admins deleted it early. */
export const DELETION_BASES = ["policy", "request"] as const;
export type DeletionBasis = (typeof DELETION_BASES)[number];

export const DELETION_BASIS_LABELS: Record<DeletionBasis, string> = { policy: "retention policy", request: "early deletion" };

export const DELETION_REQUEST_STATUSES = ["pending", "confirmed", "cancelled"] as const;
export type DeletionRequestStatus = (typeof DELETION_REQUEST_STATUSES)[number];

/** What a user or credential pattern is matched against. */
export const RETENTION_PATTERN_FIELDS = ["user", "credential"] as const;
export type RetentionPatternField = (typeof RETENTION_PATTERN_FIELDS)[number];

export const MAX_RETENTION_DAYS = 36_500;

/** A period: a whole number of days, or null for "forever". */
const days = z.number().int().min(1).max(MAX_RETENTION_DAYS).nullable();

/**
 * The retention policy (system parameter `retention.policy`): a default
 * period and overrides by protocol and by user or credential pattern
 * (`*` any characters, `?` one, case-insensitive). Every period that applies
 * to a session counts and the longest wins, so an override can only keep a
 * recording longer than the default, never shorter.
 */
export const retentionPolicySchema = z.object({
  defaultDays: days,
  protocols: z.array(z.object({ protocol: z.enum(PROTOCOLS), days })).max(PROTOCOLS.length),
  patterns: z.array(z.object({ field: z.enum(RETENTION_PATTERN_FIELDS), pattern: z.string().trim().min(1).max(200), days })).max(100),
});
export type RetentionPolicy = z.infer<typeof retentionPolicySchema>;

/** Recordings are kept forever until an admin sets a policy. */
export const DEFAULT_RETENTION_POLICY: RetentionPolicy = { defaultDays: null, protocols: [], patterns: [] };

/** A glob (`*`, `?`) as an anchored case-insensitive regular expression. */
export function globToRegExp(pattern: string): RegExp {
  const body = [...pattern].map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))).join("");
  return new RegExp(`^${body}$`, "is");
}

export type RetentionSubject = { protocol: Protocol; userName: string; credentialUsername: string };

/**
 * The period that applies to a session: the longest of the default and of
 * every matching override; null (forever) when any of them is forever.
 */
export function retentionDaysFor(policy: RetentionPolicy, subject: RetentionSubject): number | null {
  const applicable: (number | null)[] = [policy.defaultDays];
  for (const o of policy.protocols) if (o.protocol === subject.protocol) applicable.push(o.days);
  for (const o of policy.patterns) {
    const value = o.field === "user" ? subject.userName : subject.credentialUsername;
    if (globToRegExp(o.pattern).test(value)) applicable.push(o.days);
  }
  if (applicable.some((d) => d === null)) return null;
  return Math.max(...(applicable as number[]));
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** When a session's recording expires (its end, or start when it never ended, plus the period); null: never. */
export function retentionExpiresAt(policy: RetentionPolicy, subject: RetentionSubject & { startedAt: Date; endedAt: Date | null }): Date | null {
  const d = retentionDaysFor(policy, subject);
  if (d === null) return null;
  return new Date((subject.endedAt ?? subject.startedAt).getTime() + d * DAY_MS);
}

/** "forever" or "30 days". */
export function retentionLabel(d: number | null): string {
  return d === null ? "forever" : `${d} day${d === 1 ? "" : "s"}`;
}
