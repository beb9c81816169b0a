/**
 * The Retention form of System parameters, read from its fields into a
 * policy: every problem is a message on a field, never an exception. Pure:
 * the action and its unit test use it.
 */
import { MAX_RETENTION_DAYS, RETENTION_PATTERN_FIELDS, retentionPolicySchema, type RetentionPatternField, type RetentionPolicy } from "@/lib/domain/retention";
import { PROTOCOLS } from "@/lib/domain/sessions";

export type RetentionFormResult = { ok: true; policy: RetentionPolicy } | { ok: false; fieldErrors: Record<string, string[]> };

/** "forever", a number of days, or "" for none (an override that does not apply). */
function period(raw: string): { days: number | null } | "none" | "bad" {
  const text = raw.trim().toLowerCase();
  if (text === "") return "none";
  if (text === "forever") return { days: null };
  if (!/^\d{1,6}$/.test(text)) return "bad";
  const n = Number(text);
  return n >= 1 && n <= MAX_RETENTION_DAYS ? { days: n } : "bad";
}

const PERIOD_ERROR = `Enter a number of days (1-${MAX_RETENTION_DAYS}) or "forever".`;

/**
 * Fields: `defaultDays` ("forever" or days; required), `protocol.<p>` (blank:
 * no override) and `patterns`, one per line: `user <glob> <days|forever>` or
 * `credential <glob> <days|forever>`.
 */
export function parseRetentionForm(raw: Record<string, unknown>): RetentionFormResult {
  const text = (k: string) => (typeof raw[k] === "string" ? (raw[k] as string) : "");
  const errors: Record<string, string[]> = {};
  const fail = (field: string, message: string) => (errors[field] ??= []).push(message);

  const def = period(text("defaultDays"));
  if (def === "none" || def === "bad") fail("defaultDays", PERIOD_ERROR);

  const protocols: RetentionPolicy["protocols"] = [];
  for (const protocol of PROTOCOLS) {
    const p = period(text(`protocol.${protocol}`));
    if (p === "bad") fail(`protocol.${protocol}`, PERIOD_ERROR);
    else if (p !== "none") protocols.push({ protocol, days: p.days });
  }

  const patterns: RetentionPolicy["patterns"] = [];
  const lines = text("patterns")
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  if (lines.length > 100) fail("patterns", "At most 100 patterns.");
  for (const [i, line] of lines.slice(0, 100).entries()) {
    const parts = line.split(/\s+/);
    const [field, pattern, days] = parts;
    const where = `Line ${i + 1}`;
    if (parts.length !== 3 || !RETENTION_PATTERN_FIELDS.includes(field as RetentionPatternField)) {
      fail("patterns", `${where}: write "user <pattern> <days or forever>" or "credential <pattern> <days or forever>".`);
      continue;
    }
    if (pattern!.length > 200) {
      fail("patterns", `${where}: the pattern is longer than 200 characters.`);
      continue;
    }
    const p = period(days!);
    if (p === "none" || p === "bad") {
      fail("patterns", `${where}: ${PERIOD_ERROR}`);
      continue;
    }
    patterns.push({ field: field as RetentionPatternField, pattern: pattern!, days: p.days });
  }
  if (Object.keys(errors).length > 0) return { ok: false, fieldErrors: errors };
  const parsed = retentionPolicySchema.safeParse({ defaultDays: (def as { days: number | null }).days, protocols, patterns });
  if (!parsed.success) return { ok: false, fieldErrors: { form: ["The policy is not valid."] } };
  return { ok: true, policy: parsed.data };
}

/** The form's fields for a policy (the inverse of parseRetentionForm). */
export function retentionFormValues(policy: RetentionPolicy): { defaultDays: string; protocols: Record<string, string>; patterns: string } {
  const p = (d: number | null) => (d === null ? "forever" : String(d));
  return {
    defaultDays: p(policy.defaultDays),
    protocols: Object.fromEntries(policy.protocols.map((o) => [o.protocol, p(o.days)])),
    patterns: policy.patterns.map((o) => `${o.field} ${o.pattern} ${p(o.days)}`).join("\n"),
  };
}
