import "server-only";
import { recordAudit, type AuditActor } from "@/lib/audit";
import { deleteRule, getRulesVersion, insertRule, setRuleEnabled, updateRule, type RuleInput } from "@/lib/analysis/queries/rules";
import { commandsNeedBackfill } from "@/lib/analysis/queries/findings";
import type { AuditedCommandRule } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { reanalyzeAllJob } from "@/lib/jobs/reanalyze-all";
import { checkPattern } from "./patterns";
import type { RuleFormInput } from "./rule-form";

type Actor = NonNullable<AuditActor>;

const describe = (r: AuditedCommandRule) => ({
  name: r.name,
  pattern: r.pattern,
  sessionType: r.sessionType,
  criticality: r.criticality,
  score: r.score,
  action: r.action,
  attempts: r.attempts,
  mitreTechnique: r.mitreTechnique,
  enabled: r.enabled,
});

/** After a rule change: every session is analyzed again with the new version, in the background. */
export async function enqueueReanalysis(rulesVersion: number): Promise<void> {
  try {
    await reanalyzeAllJob.send({ rulesVersion, afterId: 0 });
  } catch (error) {
    // The change is saved either way; the next change or a manual run re-analyzes.
    console.error("[analysis] could not enqueue the re-analysis", error);
  }
}

/** Sessions analyzed before the command search existed get their commands from one re-analysis with the current rules. */
export async function backfillSessionCommands(): Promise<boolean> {
  if (!(await commandsNeedBackfill())) return false;
  await enqueueReanalysis(await getRulesVersion());
  return true;
}

function toInput(form: RuleFormInput): RuleInput {
  // The form schema checked the pattern already; callers other than the form get the same guarantee.
  const check = checkPattern(form.pattern, form.sessionType);
  if (!check.ok) throw new AppError(check.message, 400, "pattern");
  return { ...form, attempts: form.action === "interrupt" ? form.attempts : null };
}

export async function createAuditedCommand({ actor, ip, form }: { actor: Actor; ip?: string | null; form: RuleFormInput }) {
  const { rule, version } = await insertRule({ input: toInput(form), actorId: actor.id });
  await recordAudit({
    actor,
    action: "rule.changed",
    target: { type: "audited_command", id: rule.id },
    ip,
    details: { change: "created", rulesVersion: version, new: describe(rule) },
  });
  await enqueueReanalysis(version);
  return { rule, version };
}

export async function updateAuditedCommand({ actor, ip, id, form }: { actor: Actor; ip?: string | null; id: string; form: RuleFormInput }) {
  const result = await updateRule({ id, input: toInput(form), actorId: actor.id });
  if (!result) throw new AppError("This rule no longer exists.", 404);
  if (result.version !== null) {
    await recordAudit({
      actor,
      action: "rule.changed",
      target: { type: "audited_command", id },
      ip,
      details: { change: "updated", rulesVersion: result.version, old: describe(result.previous), new: describe(result.rule) },
    });
    await enqueueReanalysis(result.version);
  }
  return result;
}

export async function setAuditedCommandEnabled({ actor, ip, id, enabled }: { actor: Actor; ip?: string | null; id: string; enabled: boolean }) {
  const result = await setRuleEnabled({ id, enabled, actorId: actor.id });
  if (!result) throw new AppError("This rule no longer exists.", 404);
  if (result.version !== null) {
    await recordAudit({
      actor,
      action: "rule.changed",
      target: { type: "audited_command", id },
      ip,
      details: { change: enabled ? "enabled" : "disabled", rulesVersion: result.version, name: result.rule.name },
    });
    await enqueueReanalysis(result.version);
  }
  return result;
}

export async function deleteAuditedCommand({ actor, ip, id }: { actor: Actor; ip?: string | null; id: string }) {
  const result = await deleteRule({ id, actorId: actor.id });
  if (!result) throw new AppError("Only rules you added can be deleted; built-in rules can be disabled.", 400);
  await recordAudit({
    actor,
    action: "rule.changed",
    target: { type: "audited_command", id },
    ip,
    details: { change: "deleted", rulesVersion: result.version, old: describe(result.rule) },
  });
  await enqueueReanalysis(result.version);
  return result;
}
