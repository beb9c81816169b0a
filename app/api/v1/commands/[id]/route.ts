import { AppError } from "@/lib/errors";
import { readJson } from "@/lib/http/body";
import { defineRoute } from "@/lib/http/route";
import { answerLiveCommand } from "@/lib/ingest/commands";
import { liveCommandAnswerSchema, liveCommandPathSchema } from "@/lib/ingest/schemas";

export const dynamic = "force-dynamic";

// POST /api/v1/commands/[id] - the proxy acknowledges a command and, when it can, reports its outcome (done, refused, gone)
export const POST = defineRoute({
  name: "ingest command answer",
  caller: "proxy",
  params: liveCommandPathSchema,
  handler: async ({ request, params, token }) => {
    const parsed = liveCommandAnswerSchema.safeParse(await readJson(request, 64 * 1024));
    if (!parsed.success) throw AppError.fromZod(parsed.error);
    return Response.json(await answerLiveCommand({ id: params.id, tokenId: token.id, input: parsed.data }));
  },
});
