import { finishSession } from "@/lib/ingest";
import { handleIngest, readJson, requireToken, validationError } from "@/lib/ingest/http";
import { finishSessionSchema } from "@/lib/ingest/schemas";
import { sessionHashSchema } from "@/lib/domain/sessions";

export const dynamic = "force-dynamic";

// POST /api/v1/sessions/[hash]/finish - the session ended: checks the chunks, assembles the media, queues the probe
export async function POST(request: Request, { params }: { params: Promise<{ hash: string }> }) {
  return handleIngest("finish", async () => {
    // The token first: a request without a valid one gets 401 and nothing of it is read further.
    const token = await requireToken(request);
    if (token instanceof Response) return token;
    const hash = sessionHashSchema.safeParse((await params).hash);
    if (!hash.success) return validationError(hash.error, { status: 400, prefix: "hash" });
    const parsed = finishSessionSchema.safeParse(await readJson(request));
    if (!parsed.success) return validationError(parsed.error);
    return Response.json(await finishSession(hash.data, parsed.data));
  });
}
