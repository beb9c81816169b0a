import { z } from "zod";
import { storeChunk } from "@/lib/ingest";
import { handleIngest, requireToken, validationError } from "@/lib/ingest/http";
import { chunkHeadersSchema, chunkSeqSchema } from "@/lib/ingest/schemas";
import { sessionHashSchema } from "@/lib/domain/sessions";

export const dynamic = "force-dynamic";

const paramsSchema = z.object({ hash: sessionHashSchema, seq: chunkSeqSchema });

// PUT /api/v1/sessions/[hash]/chunks/[seq] - one numbered media chunk, streamed to storage, checked against X-Chunk-SHA256
export async function PUT(request: Request, { params }: { params: Promise<{ hash: string; seq: string }> }) {
  return handleIngest("chunk", async () => {
    // The token first: a request without a valid one gets 401 and nothing of it is read further.
    const token = await requireToken(request);
    if (token instanceof Response) return token;
    const path = paramsSchema.safeParse(await params);
    if (!path.success) return validationError(path.error, { status: 400 });
    const headers = chunkHeadersSchema.safeParse({ "x-chunk-sha256": request.headers.get("x-chunk-sha256") ?? undefined });
    if (!headers.success) {
      return validationError(headers.error, { status: 400 });
    }
    const length = request.headers.get("content-length");
    const receipt = await storeChunk({
      hash: path.data.hash,
      seq: path.data.seq,
      sha256: headers.data["x-chunk-sha256"],
      body: request.body,
      declaredLength: length === null ? null : Number(length),
    });
    return Response.json(receipt, { status: receipt.duplicate ? 200 : 201 });
  });
}
