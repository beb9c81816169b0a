import { z } from "zod";
import { recordRefusedAccess } from "@/lib/audit";
import { requestIp } from "@/lib/auth/viewer";
import { AppError } from "@/lib/errors";
import { getViewableExport } from "@/lib/exports";
import { defineRoute } from "@/lib/http/route";

// GET /api/exports/[id] - the state of one conversion (status, progress, time left) for the page's live progress.
export const GET = defineRoute({
  name: "export status",
  caller: "viewer",
  params: z.object({ id: z.uuid("Not an export ID.") }),
  signIn: "Sign in first.",
  handler: async ({ params, viewer }) => {
    const found = await getViewableExport({ id: params.id, viewer });
    if (!found) {
      await recordRefusedAccess({ viewer, target: { type: "export", id: params.id }, asked: "video status", ip: await requestIp() });
      throw new AppError("Export not found.", 404);
    }
    const exp = found.export;
    return Response.json(
      {
        id: exp.id,
        status: exp.status,
        progress: exp.progress,
        etaSeconds: exp.etaSeconds,
        format: exp.format,
        sizeBytes: exp.sizeBytes,
        durationMs: exp.durationMs,
        error: exp.status === "failed" ? exp.error : null,
        // The requester's email is theirs: a user who did not ask does not learn of it.
        emailStatus: viewer.role !== "user" || exp.requestedBy === viewer.id ? exp.emailStatus : null,
      },
      { headers: { "Cache-Control": "no-store" } },
    );
  },
});
