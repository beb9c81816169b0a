import { AppError } from "@/lib/errors";
import { defineRoute } from "@/lib/http/route";
import { storeChunk } from "@/lib/ingest";
import { installObjectLock } from "@/lib/retention";
import { chunkHeadersSchema, chunkPathSchema } from "@/lib/ingest/schemas";

export const dynamic = "force-dynamic";

// PUT /api/v1/sessions/[hash]/chunks/[seq] - one numbered media chunk, streamed to storage, checked against X-Chunk-SHA256
export const PUT = defineRoute({
  name: "ingest chunk",
  caller: "proxy",
  params: chunkPathSchema,
  handler: async ({ request, params, token }) => {
    // Write-once storage (S3_OBJECT_LOCK): what this process writes of a recording is locked as its policy and holds say.
    installObjectLock();
    const headers = chunkHeadersSchema.safeParse({ "x-chunk-sha256": request.headers.get("x-chunk-sha256") ?? undefined });
    if (!headers.success) throw AppError.fromZod(headers.error, { status: 400 });
    const length = request.headers.get("content-length");
    const receipt = await storeChunk({
      hash: params.hash,
      tokenId: token.id,
      seq: params.seq,
      sha256: headers.data["x-chunk-sha256"],
      body: request.body,
      declaredLength: length === null ? null : Number(length),
    });
    return Response.json(receipt, { status: receipt.duplicate ? 200 : 201 });
  },
});
