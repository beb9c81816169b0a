import { z } from "zod";

/**
 * What `recordings.activity` holds: measured once from the media during the
 * playback preparation. `screen[i]` is the summed scene-change score of bin i,
 * `audio[i]` its loudest one-second level (0 silence … 1 full scale).
 */
export const activitySchema = z.object({
  v: z.literal(1),
  binMs: z.number().int().positive(),
  screen: z.array(z.number().nonnegative()),
  audio: z.array(z.number().min(0).max(1)).nullable(),
});
export type Activity = z.infer<typeof activitySchema>;

/** The stored activity, or null when it is missing or from another version. */
export function readActivity(value: unknown): Activity | null {
  const parsed = activitySchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}
