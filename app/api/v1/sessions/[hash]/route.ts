import { getSessionStatus } from "@/lib/ingest";
import { handleIngest, requireToken, validationError } from "@/lib/ingest/http";
import { sessionHashSchema } from "@/lib/domain/sessions";

export const dynamic = "force-dynamic";

// GET /api/v1/sessions/[hash] - what the server has of a session (chunks received), so the proxy can resume
export async function GET(request: Request, { params }: { params: Promise<{ hash: string }> }) {
  return handleIngest("status", async () => {
    // The token first: a request without a valid one gets 401 and nothing of it is read further.
    const token = await requireToken(request);
    if (token instanceof Response) return token;
    const hash = sessionHashSchema.safeParse((await params).hash);
    if (!hash.success) return validationError(hash.error, { status: 400, prefix: "hash" });
    return Response.json(await getSessionStatus(hash.data));
  });
}
