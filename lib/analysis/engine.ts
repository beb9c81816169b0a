/**
 * The rules engine: all enabled rules of a session type compiled into one
 * RE2 set, so a command line is read once for every rule (linear in the
 * line's length, not in lines × rules).
 */
import { RE2Set } from "re2js";
import type { Criticality, RuleAction, RuleSessionType } from "@/lib/domain/rules";
import { checkPattern, patternFlags } from "./patterns";

/** An audited-command rule as an administrator writes it (the built-in ones ship in default-rules.ts). */
export type RuleDefinition = {
  name: string;
  pattern: string;
  sessionType: RuleSessionType;
  criticality: Criticality;
  score: number;
  action: RuleAction;
  /** For "interrupt": the attempt that interrupts the session. */
  attempts?: number | null;
  mitreTechnique?: string | null;
};

/** What the engine needs of a rule: a definition with its id (a row of audited_command_rules fits). */
export type MatchableRule = RuleDefinition & { id: string };

/** RE2's lazy DFA cache for one set; past it RE2 falls back to its (still linear) NFA. */
const SET_MEMORY_BYTES = 32 * 1024 * 1024;

export class RuleMatcher<R extends MatchableRule = MatchableRule> {
  private readonly sets = new Map<RuleSessionType, { set: RE2Set; rules: R[] }>();
  /** Rules left out because their stored pattern does not compile (saved before a check existed, or edited in SQL). */
  readonly skipped: { rule: R; message: string }[] = [];

  constructor(rules: readonly R[]) {
    for (const rule of rules) {
      const check = checkPattern(rule.pattern, rule.sessionType);
      if (!check.ok) {
        this.skipped.push({ rule, message: check.message });
        continue;
      }
      let entry = this.sets.get(rule.sessionType);
      if (!entry) {
        entry = { set: new RE2Set(RE2Set.UNANCHORED, patternFlags(rule.sessionType), SET_MEMORY_BYTES), rules: [] };
        this.sets.set(rule.sessionType, entry);
      }
      entry.set.add(rule.pattern);
      entry.rules.push(rule);
    }
    for (const { set } of this.sets.values()) set.compile();
  }

  /** The rules a command matches, in the order they were given. */
  match(sessionType: RuleSessionType, text: string): R[] {
    const entry = this.sets.get(sessionType);
    if (!entry || !text) return [];
    const ids = entry.set.match(text);
    if (ids.length === 0) return [];
    return [...ids].sort((a, b) => a - b).map((i) => entry.rules[i]!);
  }
}

export function compileRules<R extends MatchableRule>(rules: readonly R[]): RuleMatcher<R> {
  return new RuleMatcher(rules);
}
