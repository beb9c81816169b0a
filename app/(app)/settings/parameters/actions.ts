"use server";
import { z } from "zod";
import { defineAction } from "@/lib/actions/define-action";
import { requestIp } from "@/lib/auth/viewer";
import { changeRetentionPolicy, previewPolicy, type PolicyPreview } from "@/lib/retention";
import { parseRetentionForm } from "@/lib/retention/form";
import { saveParameters } from "@/lib/settings";
import { parameterFormSchema } from "@/lib/settings/fields";
import { PARAMETERS } from "@/lib/settings/parameters";

export const saveParametersAction = defineAction({
  schema: parameterFormSchema,
  roles: ["admin"] as const,
  revalidate: ["/settings/parameters", "/sessions"],
  run: async (values, viewer) => {
    const changed = await saveParameters({ actor: viewer, ip: await requestIp(), values });
    if (changed.length === 0) return { message: "No changes to save." };
    const labels = changed.map((k) => (PARAMETERS[k] as { label: string }).label);
    return { message: `Saved: ${labels.join(", ")}.` };
  },
});

const retentionFormSchema = z.looseObject({ intent: z.enum(["preview", "save"]) }).transform((raw, ctx) => {
  const result = parseRetentionForm(raw);
  if (!result.ok) {
    for (const [field, messages] of Object.entries(result.fieldErrors)) {
      for (const message of messages) ctx.addIssue({ code: "custom", message, path: [field] });
    }
    return z.NEVER;
  }
  return { intent: raw.intent, policy: result.policy };
});

function describePreview(p: PolicyPreview, verb: string): string {
  const parts = [`${verb} ${p.dueNow} recording${p.dueNow === 1 ? "" : "s"} at the next hourly run`];
  parts.push(`${p.next30Days} more within 30 days${p.nextExpiry ? ` (the next on ${p.nextExpiry.toISOString().slice(0, 10)})` : ""}`);
  const kept = [];
  if (p.expiredButHeld) kept.push(`${p.expiredButHeld} on legal hold`);
  if (p.expiredButUnverified) kept.push(`${p.expiredButUnverified} not verified yet or still recording`);
  return `${parts.join(", ")}.${kept.length ? ` Expired but kept: ${kept.join(", ")}.` : ""}`;
}

/** Settings › System parameters › Retention: "Preview" says what a policy would delete and when; "Save" saves it (audited). */
export const saveRetentionPolicyAction = defineAction({
  schema: retentionFormSchema,
  roles: ["admin"] as const,
  revalidate: ["/settings/parameters"],
  run: async ({ intent, policy }, viewer) => {
    if (intent === "preview") return { message: describePreview(await previewPolicy({ policy, now: new Date() }), "This policy would delete") };
    const { changed, preview } = await changeRetentionPolicy({ actor: viewer, ip: await requestIp(), policy });
    if (!changed) return { message: "No changes to save." };
    return { message: `Saved. ${describePreview(preview, "It deletes")}` };
  },
});
