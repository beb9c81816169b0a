import "server-only";
import { recordAudit, type AuditActor } from "@/lib/audit";
import { getParameters, setParameter } from "@/lib/settings/queries";
import { parameterField, parameterGroups, type ParameterField } from "./fields";
import { PARAMETERS, type ParameterKey, type ParameterValue } from "./parameters";

export type ParameterState = {
  key: ParameterKey;
  label: string;
  help: string;
  field: ParameterField;
  value: unknown;
  defaultValue: unknown;
  updatedAt: Date | null;
  updatedBy: { id: string; email: string | null; name: string | null } | null;
};

/** Every registered parameter of every group, with its value and who last changed it. */
export async function listParameterGroups(): Promise<{ group: string; parameters: ParameterState[] }[]> {
  const groups = parameterGroups();
  const states = await getParameters({ keys: groups.flatMap((g) => g.keys) });
  const byKey = new Map(states.map((s) => [s.key, s]));
  return groups.map(({ group, keys }) => ({
    group,
    parameters: keys.map((key) => {
      const def = PARAMETERS[key] as { label: string; help?: string; default: unknown };
      const state = byKey.get(key);
      return {
        key,
        label: def.label,
        help: def.help ?? "",
        field: parameterField(key),
        value: state?.value ?? def.default,
        defaultValue: def.default,
        updatedAt: state?.updatedAt ?? null,
        updatedBy: state?.updatedBy ?? null,
      };
    }),
  }));
}

/**
 * Saves validated values (see `parameterFormSchema`) and writes one
 * `parameter.changed` audit entry per value that actually changed, with the
 * old and the new value. Returns the keys that changed.
 */
export async function saveParameters({
  actor,
  ip,
  values,
}: {
  actor: NonNullable<AuditActor>;
  ip?: string | null;
  values: { key: ParameterKey; value: unknown }[];
}): Promise<ParameterKey[]> {
  const changed: ParameterKey[] = [];
  for (const { key, value } of values) {
    // The audit entry is written in the same transaction as the value: both or neither.
    const result = await setParameter({
      key,
      value: value as ParameterValue<typeof key>,
      updatedBy: actor.id,
      onChanged: (tx, previous) =>
        recordAudit({ actor, action: "parameter.changed", target: { type: "parameter", id: key }, ip, details: { key, old: previous, new: value } }, tx),
    });
    if (result.changed) changed.push(key);
  }
  return changed;
}
