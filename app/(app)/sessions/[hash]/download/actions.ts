"use server";
import { z } from "zod";
import { defineAction } from "@/lib/actions/define-action";
import { requestIp } from "@/lib/auth/viewer";
import { cancelExport, requestExport } from "@/lib/exports";
import { ROLES } from "@/lib/domain/roles";
import { isSessionHash } from "@/lib/domain/sessions";

const ms = z.coerce
  .number()
  .int("Whole milliseconds.")
  .min(0)
  .max(10 * 24 * 3600_000);

/**
 * "Generate video for download" (and Retry after a failure): starts or finds the conversion.
 * With clipStartMs and clipEndMs (the player's "Generate clip for download"), of that part only.
 */
export const requestVideoExport = defineAction({
  schema: z.object({
    hash: z.string().refine(isSessionHash, "Not a session ID."),
    clipStartMs: ms.optional(),
    clipEndMs: ms.optional(),
  }),
  roles: ROLES,
  async run({ hash, clipStartMs, clipEndMs }, viewer) {
    const clip = clipStartMs !== undefined && clipEndMs !== undefined ? { startMs: clipStartMs, endMs: clipEndMs } : null;
    const result = await requestExport({ hash, viewer, ip: await requestIp(), clip });
    return {
      message: result.created
        ? clip
          ? "The clip is being generated."
          : "The video is being generated."
        : clip
          ? "A clip of this range with these settings already exists."
          : "A video with these settings already exists.",
      data: { exportId: result.export.id, hash: result.session.hash },
    };
  },
});

/** Cancel: the requester or an admin stops a queued or running conversion. */
export const cancelVideoExport = defineAction({
  schema: z.object({ exportId: z.uuid("Not an export ID.") }),
  roles: ROLES,
  async run({ exportId }, viewer) {
    await cancelExport({ id: exportId, viewer, ip: await requestIp() });
    return { message: "The conversion was cancelled." };
  },
});
