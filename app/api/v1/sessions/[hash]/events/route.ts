import { defineRoute } from "@/lib/http/route";
import { readText } from "@/lib/http/body";
import { MAX_EVENTS_BATCH_BYTES, parseEventBatch, storeEvents } from "@/lib/ingest";
import { sessionPathSchema } from "@/lib/ingest/schemas";

export const dynamic = "force-dynamic";

// POST /api/v1/sessions/[hash]/events - a batch of events as JSON lines (or a JSON array); one invalid event refuses the whole batch
export const POST = defineRoute({
  name: "ingest events",
  caller: "proxy",
  params: sessionPathSchema,
  handler: async ({ request, params, token }) => {
    const events = parseEventBatch(await readText(request, MAX_EVENTS_BATCH_BYTES), request.headers.get("content-type"));
    return Response.json(await storeEvents({ hash: params.hash, tokenId: token.id, events }), { status: 201 });
  },
});
