"use server";
import { z } from "zod";
import { defineAction } from "@/lib/actions/define-action";
import { requestIp } from "@/lib/auth/viewer";
import { cancelExport, requestExport } from "@/lib/exports";
import { ROLES } from "@/lib/domain/roles";
import { isSessionHash } from "@/lib/domain/sessions";

/** "Generate video for download" (and Retry after a failure): starts or finds the conversion. */
export const requestVideoExport = defineAction({
  schema: z.object({ hash: z.string().refine(isSessionHash, "Not a session ID.") }),
  roles: ROLES,
  async run({ hash }, viewer) {
    const result = await requestExport({ hash, viewer, ip: await requestIp() });
    return {
      message: result.created ? "The video is being generated." : "A video with these settings already exists.",
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
