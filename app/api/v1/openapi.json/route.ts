import { defineRoute } from "@/lib/http/route";
import { buildOpenApiDocument } from "@/lib/ingest/openapi";

export const dynamic = "force-dynamic";

// GET /api/v1/openapi.json - the OpenAPI 3.1 description of the ingestion API (public: it holds no data)
export const GET = defineRoute({
  name: "openapi",
  caller: "anyone",
  handler: async () => Response.json(buildOpenApiDocument(), { headers: { "Cache-Control": "public, max-age=300" } }),
});
