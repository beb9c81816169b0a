import { buildOpenApiDocument } from "@/lib/ingest/openapi";

export const dynamic = "force-dynamic";

// GET /api/v1/openapi.json - the OpenAPI 3.1 description of the ingestion API (public: it holds no data)
export async function GET(request: Request) {
  return Response.json(buildOpenApiDocument(new URL(request.url).origin), {
    headers: { "Cache-Control": "public, max-age=300" },
  });
}
