import { defineRoute } from "@/lib/http/route";
import { readJson } from "@/lib/http/body";
import { AppError } from "@/lib/errors";
import { startSession } from "@/lib/ingest";
import { startSessionSchema } from "@/lib/ingest/schemas";

export const dynamic = "force-dynamic";

// POST /api/v1/sessions - the proxy starts recording a session (idempotent on its hash)
export const POST = defineRoute({
  name: "ingest start",
  caller: "proxy",
  handler: async ({ request, token }) => {
    const parsed = startSessionSchema.safeParse(await readJson(request));
    if (!parsed.success) throw AppError.fromZod(parsed.error);
    const { session, created } = await startSession(parsed.data, token.id);
    return Response.json({ hash: session.hash, status: session.status, created }, { status: created ? 201 : 200 });
  },
});
