import { z } from "zod";

/**
 * The system parameters, each with its schema, default and label. The
 * Remote session page renders them from this list; stored values that no
 * longer parse fall back to the default.
 */
export const PARAMETERS = {
  "remote_session.video_download_enabled": {
    group: "Remote session",
    label: "Enable session video download",
    help: "Lets auditors generate a video of a session for download. Off by default.",
    schema: z.boolean(),
    default: false,
  },
} as const;

export type ParameterKey = keyof typeof PARAMETERS;
export type ParameterValue<K extends ParameterKey> = z.infer<(typeof PARAMETERS)[K]["schema"]>;
export const PARAMETER_KEYS = Object.keys(PARAMETERS) as ParameterKey[];

export function parseParameter<K extends ParameterKey>(key: K, raw: unknown): ParameterValue<K> {
  const def = PARAMETERS[key];
  const parsed = def.schema.safeParse(raw);
  return (parsed.success ? parsed.data : def.default) as ParameterValue<K>;
}
