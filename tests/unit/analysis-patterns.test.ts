import { describe, expect, it } from "vitest";
import { compileRules } from "@/lib/analysis/engine";
import { checkPattern, MAX_PATTERN_LENGTH, testPattern } from "@/lib/analysis/patterns";
import { ruleFormSchema } from "@/lib/analysis/rule-form";

const refused = (pattern: string) => {
  const check = checkPattern(pattern, "terminal");
  return check.ok ? null : check.message;
};

describe("audited-command patterns", () => {
  it("refuses what RE2 cannot run in linear time, with a clear message", () => {
    expect(refused("sudo(?=\\s)")).toMatch(/Lookahead and lookbehind are not supported/);
    expect(refused("(?<=sudo )su")).toMatch(/Lookahead and lookbehind are not supported/);
    expect(refused("(a)\\1")).toMatch(/Backreferences are not supported/);
    expect(refused("rm -rf [")).toMatch(/Not a valid RE2 pattern: missing closing \]/);
    expect(refused("a{1001}")).toMatch(/Not a valid RE2 pattern/);
  });

  it("refuses patterns that match every command, and oversized ones", () => {
    expect(refused("")).toMatch(/Enter a pattern/);
    expect(refused(".*")).toMatch(/matches an empty command/);
    expect(refused("x?")).toMatch(/matches an empty command/);
    expect(refused("a".repeat(MAX_PATTERN_LENGTH + 1))).toMatch(/too long/);
    expect(refused("((((a{100}){10}){10}))")).toMatch(/Not a valid RE2 pattern|too complex/);
    expect(refused("sudo\\s+su")).toBeNull();
  });

  it("runs a catastrophic-backtracking pattern in linear time", () => {
    // (a+)+$ on "aaaa…b" takes exponential time in a backtracking engine (V8 needs seconds at ~30 characters).
    const check = checkPattern("(a+)+$", "terminal");
    expect(check.ok).toBe(true);
    if (!check.ok) return;
    const timeFor = (n: number) => {
      const input = `${"a".repeat(n)}b`;
      const start = performance.now();
      expect(check.compiled.test(input)).toBe(false);
      return performance.now() - start;
    };
    timeFor(1_000); // warm up
    const small = Math.max(timeFor(20_000), 0.5);
    const large = timeFor(200_000);
    // Ten times the input takes about ten times as long (well under exponential); and fast in absolute terms.
    expect(large).toBeLessThan(small * 40);
    expect(large).toBeLessThan(2_000);
    // The same shape through the multi-pattern set used by the analysis.
    const matcher = compileRules([{ id: "1", name: "evil", pattern: "(a+)+$", sessionType: "terminal", criticality: "low", score: 1, action: "alert" }]);
    const start = performance.now();
    expect(matcher.match("terminal", `${"a".repeat(100_000)}b`)).toEqual([]);
    expect(performance.now() - start).toBeLessThan(2_000);
  });

  it("leaves out stored rules whose pattern no longer compiles", () => {
    const matcher = compileRules([
      { id: "bad", name: "bad", pattern: "(?=x)", sessionType: "terminal", criticality: "low", score: 1, action: "alert" },
      { id: "ok", name: "ok", pattern: "sudo", sessionType: "terminal", criticality: "low", score: 1, action: "alert" },
    ]);
    expect(matcher.skipped.map((s) => s.rule.id)).toEqual(["bad"]);
    expect(matcher.match("terminal", "sudo ls").map((r) => r.id)).toEqual(["ok"]);
  });

  it("tests a pattern on sample commands", () => {
    expect(testPattern("DROP\\s+TABLE", "database", ["drop table x", "select 1"])).toEqual({
      ok: true,
      results: [
        { text: "drop table x", matched: true },
        { text: "select 1", matched: false },
      ],
    });
    expect(testPattern("DROP\\s+TABLE", "terminal", ["drop table x"])).toMatchObject({ results: [{ matched: false }] });
    expect(testPattern("(?!x)", "terminal", ["x"])).toMatchObject({ ok: false });
  });
});

describe("rule form", () => {
  const base = { name: "Mine", pattern: "app1ctl\\s+wipe", sessionType: "terminal", criticality: "high", score: "30", action: "alert", enabled: "on" };

  it("accepts a valid rule and normalizes its fields", () => {
    const parsed = ruleFormSchema.parse({ ...base, mitreTechnique: " t1485 ", attempts: "" });
    expect(parsed).toMatchObject({ name: "Mine", score: 30, enabled: true, attempts: null, mitreTechnique: "T1485" });
    expect(ruleFormSchema.parse({ ...base, enabled: undefined }).enabled).toBe(false);
  });

  it("refuses an unsafe pattern on the pattern field", () => {
    const result = ruleFormSchema.safeParse({ ...base, pattern: "(\\w+)\\1" });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([["pattern", expect.stringMatching(/Backreferences are not supported/)]]);
  });

  it("needs the attempts for Interrupt, and checks numbers and MITRE ids", () => {
    const issues = (input: Record<string, unknown>) => ruleFormSchema.safeParse({ ...base, ...input }).error?.issues.map((i) => i.path.join(".")) ?? [];
    expect(issues({ action: "interrupt" })).toEqual(["attempts"]);
    expect(issues({ action: "interrupt", attempts: "3" })).toEqual([]);
    expect(issues({ score: "-1" })).toEqual(["score"]);
    expect(issues({ score: "abc" })).toEqual(["score"]);
    expect(issues({ mitreTechnique: "1548" })).toEqual(["mitreTechnique"]);
    expect(issues({ sessionType: "rdp" })).toEqual(expect.arrayContaining(["sessionType"]));
  });
});
