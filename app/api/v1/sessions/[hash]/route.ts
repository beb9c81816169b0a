import { defineRoute } from "@/lib/http/route";
import { getSessionStatus } from "@/lib/ingest";
import { sessionPathSchema } from "@/lib/ingest/schemas";

export const dynamic = "force-dynamic";

// GET /api/v1/sessions/[hash] - what the server has of a session (chunks received), so the proxy can resume
export const GET = defineRoute({
  name: "ingest status",
  caller: "proxy",
  params: sessionPathSchema,
  handler: async ({ params, token }) => Response.json(await getSessionStatus(params.hash, token.id)),
});
