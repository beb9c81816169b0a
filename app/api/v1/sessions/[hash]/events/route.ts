import { MAX_EVENTS_BATCH_BYTES, parseEventLines, storeEvents } from "@/lib/ingest";
import { handleIngest, readText, requireToken, validationError } from "@/lib/ingest/http";
import { sessionHashSchema } from "@/lib/domain/sessions";

export const dynamic = "force-dynamic";

// POST /api/v1/sessions/[hash]/events - a batch of events as JSON lines; one invalid line refuses the whole batch
export async function POST(request: Request, { params }: { params: Promise<{ hash: string }> }) {
  return handleIngest("events", async () => {
    // The token first: a request without a valid one gets 401 and nothing of it is read further.
    const token = await requireToken(request);
    if (token instanceof Response) return token;
    const hash = sessionHashSchema.safeParse((await params).hash);
    if (!hash.success) return validationError(hash.error, { status: 400, prefix: "hash" });
    const events = parseEventLines(await readText(request, MAX_EVENTS_BATCH_BYTES));
    return Response.json(await storeEvents({ hash: hash.data, events }), { status: 201 });
  });
}
