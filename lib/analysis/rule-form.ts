/**
 * The audited-command rule form: what an admin may save. The pattern is
 * checked here (RE2 syntax, bounded, not matching every command), so an
 * unsafe pattern is refused with a message next to the field.
 */
import { z } from "zod";
import { CRITICALITIES, RULE_ACTIONS, RULE_SESSION_TYPES } from "@/lib/domain/rules";
import { checkPattern, MAX_PATTERN_LENGTH } from "./patterns";

const MITRE = /^T\d{4}(?:\.\d{3})?$/;

export const ruleFormSchema = z
  .object({
    name: z.string().trim().min(1, "Enter a name.").max(120, "At most 120 characters."),
    pattern: z.string().max(MAX_PATTERN_LENGTH, `At most ${MAX_PATTERN_LENGTH} characters.`),
    sessionType: z.enum(RULE_SESSION_TYPES, { error: "Choose Terminal or Database." }),
    criticality: z.enum(CRITICALITIES, { error: "Choose Low, Medium or High." }),
    score: z.coerce.number({ error: "Enter a whole number." }).int("Enter a whole number.").min(0, "At least 0.").max(1000, "At most 1000."),
    action: z.enum(RULE_ACTIONS, { error: "Choose an action." }),
    attempts: z
      .string()
      .optional()
      .transform((v) => (v && v.trim() ? Number(v) : null))
      .pipe(z.number({ error: "Enter a whole number." }).int("Enter a whole number.").min(1, "At least 1.").max(100, "At most 100.").nullable()),
    mitreTechnique: z
      .string()
      .optional()
      .transform((v) => (v ? v.trim().toUpperCase() : ""))
      .refine((v) => v === "" || MITRE.test(v), "A MITRE ATT&CK technique id looks like T1548 or T1548.003.")
      .transform((v) => v || null),
    // An unchecked checkbox sends nothing.
    enabled: z
      .string()
      .optional()
      .transform((v) => v === "on" || v === "true"),
  })
  .superRefine((value, ctx) => {
    const check = checkPattern(value.pattern, value.sessionType);
    if (!check.ok) ctx.addIssue({ code: "custom", path: ["pattern"], message: check.message });
    if (value.action === "interrupt" && value.attempts === null) {
      ctx.addIssue({ code: "custom", path: ["attempts"], message: "Enter after how many attempts the session is interrupted." });
    }
  });

export type RuleFormInput = z.infer<typeof ruleFormSchema>;
