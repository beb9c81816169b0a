import { z } from "zod";
import { recordRefusedAccess } from "@/lib/audit";
import { requestIp } from "@/lib/auth/viewer";
import { sessionHashSchema } from "@/lib/domain/sessions";
import { AppError } from "@/lib/errors";
import { defineRoute } from "@/lib/http/route";
import { liveControlState } from "@/lib/live";
import { getSessionByHash } from "@/lib/sessions/queries";

export const dynamic = "force-dynamic";

// GET /api/sessions/[hash]/live-commands - a session's state and its live commands with their outcome, for the live controls to follow
export const GET = defineRoute({
  name: "live commands",
  caller: "viewer",
  params: z.object({ hash: sessionHashSchema }),
  handler: async ({ params, viewer }) => {
    const session = await getSessionByHash({ hash: params.hash, viewer });
    if (!session) {
      await recordRefusedAccess({ viewer, target: { type: "session", id: params.hash }, asked: "live commands", ip: await requestIp() });
      throw new AppError("No such session.", 404);
    }
    return Response.json(await liveControlState({ session, viewer }), { headers: { "cache-control": "no-store" } });
  },
});
