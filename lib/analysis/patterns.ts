/**
 * Audited-command patterns run on RE2 (re2js, a pure-JS port): matching time
 * is linear in the command's length whatever the pattern, so no pattern an
 * admin saves can hang the server. What RE2 cannot do in linear time
 * (lookahead, lookbehind, backreferences) is refused when the rule is saved.
 *
 * @see https://github.com/google/re2/wiki/Syntax
 */
import { RE2JS, RE2JSException } from "re2js";
import type { RuleSessionType } from "@/lib/domain/rules";

export const MAX_PATTERN_LENGTH = 2_000;
/** Bound on the compiled program, so one rule cannot make every analysis slow or big. */
export const MAX_PROGRAM_SIZE = 20_000;

/** SQL is matched case-insensitively; shells are case-sensitive. */
export function patternFlags(sessionType: RuleSessionType): number {
  return sessionType === "database" ? RE2JS.CASE_INSENSITIVE : 0;
}

export type PatternCheck = { ok: true; compiled: RE2JS } | { ok: false; message: string };

function explain(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  const detail = raw.replace(/^error parsing regexp:\s*/, "");
  if (/\(\?[=!]|\(\?<[=!]/.test(detail) || /invalid named capture: `\(\?<[=!]/.test(detail)) {
    return `Lookahead and lookbehind are not supported (${detail}). Patterns use RE2 syntax, which always runs in linear time.`;
  }
  if (/invalid escape sequence: `\\[1-9]/.test(detail)) {
    return `Backreferences are not supported (${detail}). Patterns use RE2 syntax, which always runs in linear time.`;
  }
  return `Not a valid RE2 pattern: ${detail}.`;
}

/**
 * Checks a pattern before it is saved: RE2 syntax, a bounded size, and not
 * matching an empty command (such a pattern would flag every command).
 */
export function checkPattern(pattern: string, sessionType: RuleSessionType): PatternCheck {
  if (!pattern.trim()) return { ok: false, message: "Enter a pattern." };
  if (pattern.length > MAX_PATTERN_LENGTH) {
    return { ok: false, message: `The pattern is too long (at most ${MAX_PATTERN_LENGTH} characters).` };
  }
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(pattern, patternFlags(sessionType));
  } catch (error) {
    if (error instanceof RE2JSException || error instanceof Error) return { ok: false, message: explain(error) };
    throw error;
  }
  if (compiled.programSize() > MAX_PROGRAM_SIZE) {
    return { ok: false, message: "The pattern is too complex (its compiled form is too large). Split it into several rules." };
  }
  if (compiled.test("") || compiled.test(" ")) {
    return { ok: false, message: "The pattern matches an empty command, so it would match every command. Make it require some text." };
  }
  return { ok: true, compiled };
}

/** Tries a pattern on sample commands (the rule editor's "test this pattern" box). */
export function testPattern(
  pattern: string,
  sessionType: RuleSessionType,
  samples: string[],
): { ok: true; results: { text: string; matched: boolean }[] } | { ok: false; message: string } {
  const check = checkPattern(pattern, sessionType);
  if (!check.ok) return check;
  return { ok: true, results: samples.map((text) => ({ text, matched: check.compiled.test(text) })) };
}
