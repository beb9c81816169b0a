import { AppError } from "@/lib/errors";
import { defineRoute } from "@/lib/http/route";
import { waitForLiveCommands } from "@/lib/ingest/commands";
import { liveCommandsQuerySchema } from "@/lib/ingest/schemas";

export const dynamic = "force-dynamic";

// GET /api/v1/commands - the command channel: long polling for the commands (terminate, lock, unlock, message) waiting for this token's sessions
export const GET = defineRoute({
  name: "ingest commands",
  caller: "proxy",
  handler: async ({ request, token }) => {
    const query = liveCommandsQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
    if (!query.success) throw AppError.fromZod(query.error, { status: 400 });
    const body = await waitForLiveCommands({ tokenId: token.id, waitS: query.data.wait, signal: request.signal });
    return Response.json(body, { headers: { "cache-control": "no-store" } });
  },
});
