"use server";
import { defineAction } from "@/lib/actions/define-action";
import { requestIp } from "@/lib/auth/viewer";
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
