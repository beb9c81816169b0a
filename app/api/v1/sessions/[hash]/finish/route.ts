import { AppError } from "@/lib/errors";
import { defineRoute } from "@/lib/http/route";
import { readJson } from "@/lib/http/body";
import { finishSession } from "@/lib/ingest";
import { installObjectLock } from "@/lib/retention";
import { finishSessionSchema, sessionPathSchema } from "@/lib/ingest/schemas";

export const dynamic = "force-dynamic";

// POST /api/v1/sessions/[hash]/finish - the session ended: checks the chunks, assembles the media, queues the probe
export const POST = defineRoute({
  name: "ingest finish",
  caller: "proxy",
  params: sessionPathSchema,
  handler: async ({ request, params, token }) => {
    // Write-once storage (S3_OBJECT_LOCK): what this process writes of a recording is locked as its policy and holds say.
    installObjectLock();
    const parsed = finishSessionSchema.safeParse(await readJson(request));
    if (!parsed.success) throw AppError.fromZod(parsed.error);
    return Response.json(await finishSession(params.hash, token.id, parsed.data));
  },
});
