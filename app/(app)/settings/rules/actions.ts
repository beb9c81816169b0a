"use server";
import { z } from "zod";
import { defineAction } from "@/lib/actions/define-action";
import { requestIp } from "@/lib/auth/viewer";
import { RULE_SESSION_TYPES } from "@/lib/domain/rules";
import { testPattern } from "@/lib/analysis/patterns";
import { ruleFormSchema } from "@/lib/analysis/rule-form";
import { createAuditedCommand, deleteAuditedCommand, setAuditedCommandEnabled, updateAuditedCommand } from "@/lib/analysis/rules";
import { AppError } from "@/lib/errors";

const ADMIN = ["admin"] as const;
const REVALIDATE = ["/settings/rules"];
const queued = (version: number | null) =>
  version === null ? "Nothing changed." : `Saved as rules version ${version}. Every session is being analyzed again in the background.`;

export const createRuleAction = defineAction({
  schema: ruleFormSchema,
  roles: ADMIN,
  revalidate: REVALIDATE,
  run: async (form, viewer) => {
    const { rule, version } = await createAuditedCommand({ actor: viewer, ip: await requestIp(), form });
    return { message: `Rule "${rule.name}" added. ${queued(version)}`, data: { id: rule.id } };
  },
});

export const updateRuleAction = defineAction({
  schema: ruleFormSchema.and(z.object({ id: z.uuid("Unknown rule.") })),
  roles: ADMIN,
  revalidate: REVALIDATE,
  run: async ({ id, ...form }, viewer) => {
    const { rule, version } = await updateAuditedCommand({ actor: viewer, ip: await requestIp(), id, form });
    return { message: `Rule "${rule.name}": ${queued(version)}` };
  },
});

export const setRuleEnabledAction = defineAction({
  schema: z.object({ id: z.uuid("Unknown rule."), enabled: z.enum(["true", "false"]) }),
  roles: ADMIN,
  revalidate: REVALIDATE,
  run: async ({ id, enabled }, viewer) => {
    const on = enabled === "true";
    const { rule, version } = await setAuditedCommandEnabled({ actor: viewer, ip: await requestIp(), id, enabled: on });
    return { message: `Rule "${rule.name}" ${on ? "enabled" : "disabled"}. ${queued(version)}` };
  },
});

export const deleteRuleAction = defineAction({
  schema: z.object({ id: z.uuid("Unknown rule.") }),
  roles: ADMIN,
  revalidate: REVALIDATE,
  run: async ({ id }, viewer) => {
    const { rule, version } = await deleteAuditedCommand({ actor: viewer, ip: await requestIp(), id });
    return { message: `Rule "${rule.name}" deleted. ${queued(version)}` };
  },
});

/** "Test this pattern": matches sample commands, one a line; saves nothing. */
export const testPatternAction = defineAction({
  schema: z.object({
    pattern: z.string().max(2_000, "At most 2000 characters."),
    sessionType: z.enum(RULE_SESSION_TYPES, { error: "Choose Terminal or Database." }),
    samples: z.string().max(20_000, "At most 20,000 characters of samples.").default(""),
  }),
  roles: ADMIN,
  run: async ({ pattern, sessionType, samples }) => {
    const lines = samples
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean)
      .slice(0, 100);
    if (lines.length === 0) throw new AppError("Enter one or more commands to test, one a line.", 400, "samples");
    const result = testPattern(pattern, sessionType, lines);
    if (!result.ok) throw new AppError(result.message, 400, "pattern");
    const hits = result.results.filter((r) => r.matched).length;
    return { message: `${hits} of ${lines.length} command${lines.length === 1 ? "" : "s"} matched.`, data: result.results };
  },
});
