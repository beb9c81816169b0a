import { z } from "zod";
import { PARAMETERS, PARAMETER_KEYS, type ParameterKey } from "./parameters";

/**
 * How a system parameter is edited, read from its zod schema so that entries
 * added to the registry render without touching the page: booleans as a
 * switch, enums as a select, numbers as a number input, anything else as text.
 * Plain data: safe to pass to client components.
 */
export type ParameterField =
  | { kind: "boolean" }
  | { kind: "enum"; options: string[] }
  | { kind: "number"; min: number | null; max: number | null; integer: boolean }
  | { kind: "text"; maxLength: number | null };

type AnySchema = z.ZodType;

/** Looks through wrappers (default, optional, readonly, catch) to the schema that decides the input. */
function innermost(schema: AnySchema): AnySchema {
  let current: AnySchema = schema;
  for (let i = 0; i < 10; i++) {
    const type = current.def.type;
    if (type === "default" || type === "optional" || type === "nullable" || type === "readonly" || type === "catch" || type === "prefault") {
      current = (current as unknown as { unwrap(): AnySchema }).unwrap();
    } else if (type === "pipe") {
      current = (current as unknown as { in: AnySchema }).in;
    } else {
      break;
    }
  }
  return current;
}

export function describeParameterField(schema: AnySchema): ParameterField {
  const inner = innermost(schema);
  if (inner instanceof z.ZodBoolean) return { kind: "boolean" };
  if (inner instanceof z.ZodEnum) return { kind: "enum", options: inner.options.map(String) };
  if (inner instanceof z.ZodNumber) {
    const finite = (n: number | null) => (n !== null && Number.isFinite(n) ? n : null);
    return { kind: "number", min: finite(inner.minValue), max: finite(inner.maxValue), integer: inner.isInt };
  }
  if (inner instanceof z.ZodString) return { kind: "text", maxLength: inner.maxLength };
  return { kind: "text", maxLength: null };
}

export function isParameterKey(key: string): key is ParameterKey {
  return Object.prototype.hasOwnProperty.call(PARAMETERS, key);
}

/** The field kind of one registered parameter. */
export function parameterField(key: ParameterKey): ParameterField {
  return describeParameterField(PARAMETERS[key].schema as AnySchema);
}

/** Registered parameters grouped by their `group` (e.g. "Remote session"), in registry order. */
export function parameterGroups(): { group: string; keys: ParameterKey[] }[] {
  const groups = new Map<string, ParameterKey[]>();
  for (const key of PARAMETER_KEYS) {
    const group = (PARAMETERS[key] as { group: string }).group;
    const list = groups.get(group) ?? [];
    list.push(key);
    groups.set(group, list);
  }
  return [...groups].map(([group, keys]) => ({ group, keys }));
}

/** A URL-safe slug for a group name: "Remote session" → "remote-session". */
export function groupSlug(group: string): string {
  return group
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

/**
 * Turns a submitted form field into a value of `schema`. A missing boolean
 * is an unchecked switch (browsers send nothing for it).
 */
export function parseFieldInput(schema: AnySchema, raw: string | undefined): { ok: true; value: unknown } | { ok: false; message: string } {
  const field = describeParameterField(schema);
  let candidate: unknown;
  switch (field.kind) {
    case "boolean":
      if (raw === undefined || raw === "" || raw === "false" || raw === "off") candidate = false;
      else if (raw === "true" || raw === "on") candidate = true;
      else return { ok: false, message: "Choose on or off." };
      break;
    case "number": {
      const trimmed = (raw ?? "").trim();
      if (!/^-?\d{1,15}(\.\d{1,10})?$/.test(trimmed)) return { ok: false, message: "Enter a number." };
      candidate = Number(trimmed);
      break;
    }
    case "enum":
      candidate = raw ?? "";
      if (!field.options.includes(candidate as string)) return { ok: false, message: `Choose one of: ${field.options.join(", ")}.` };
      break;
    case "text":
      candidate = raw ?? "";
      break;
  }
  const parsed = schema.safeParse(candidate);
  if (!parsed.success) return { ok: false, message: parsed.error.issues[0]?.message ?? "Invalid value." };
  return { ok: true, value: parsed.data };
}

/** `parseFieldInput` for a registered parameter. */
export function parseParameterInput(key: ParameterKey, raw: string | undefined) {
  return parseFieldInput(PARAMETERS[key].schema as AnySchema, raw);
}

/** A value as people read it on the page and in the audit trail. */
export function formatParameterValue(key: ParameterKey, value: unknown): string {
  const field = parameterField(key);
  if (field.kind === "boolean") return value ? "On" : "Off";
  return value === null || value === undefined ? "—" : String(value);
}

/**
 * The form of a group of parameters: `keys` lists the parameters the form
 * showed (comma-separated), each submitted under its own key. Validates every
 * value against the registry and reports errors per parameter.
 */
export const parameterFormSchema = z
  .object({ keys: z.string().min(1, "Nothing to save.").max(4000) })
  .catchall(z.string().max(2000, "Too long."))
  .transform((raw, ctx) => {
    const values: { key: ParameterKey; value: unknown }[] = [];
    const keys = [
      ...new Set(
        raw.keys
          .split(",")
          .map((k) => k.trim())
          .filter(Boolean),
      ),
    ];
    for (const key of keys) {
      if (!isParameterKey(key)) {
        ctx.addIssue({ code: "custom", path: ["form"], message: "The form lists an unknown parameter. Reload the page." });
        continue;
      }
      const input = raw[key];
      const result = parseParameterInput(key, typeof input === "string" ? input : undefined);
      if (result.ok) values.push({ key, value: result.value });
      else ctx.addIssue({ code: "custom", path: [key], message: result.message });
    }
    return values;
  });
