import { startSession } from "@/lib/ingest";
import { handleIngest, readJson, requireToken, validationError } from "@/lib/ingest/http";
import { startSessionSchema } from "@/lib/ingest/schemas";

export const dynamic = "force-dynamic";

// POST /api/v1/sessions - the proxy starts recording a session (idempotent on its hash)
export async function POST(request: Request) {
  return handleIngest("start", async () => {
    // The token first: a request without a valid one gets 401 and nothing of it is read further.
    const token = await requireToken(request);
    if (token instanceof Response) return token;
    // The token first: a request without a valid one gets 401 and nothing of it is read further.
    const parsed = startSessionSchema.safeParse(await readJson(request));
    if (!parsed.success) return validationError(parsed.error);
    const { session, created } = await startSession(parsed.data);
    return Response.json(
      { hash: session.hash, status: session.status, created },
      { status: created ? 201 : 200 },
    );
  });
}
