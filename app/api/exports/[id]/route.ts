import { NextResponse } from "next/server";
import { z } from "zod";
import { getViewer } from "@/lib/auth/viewer";
import { getViewableExport } from "@/lib/exports";

const params = z.object({ id: z.uuid() });

// GET /api/exports/[id] - the state of one conversion (status, progress, time left) for the page's live progress.
export async function GET(_request: Request, context: { params: Promise<{ id: string }> }) {
  const parsed = params.safeParse(await context.params);
  if (!parsed.success) return NextResponse.json({ error: "Not an export ID." }, { status: 400 });
  const viewer = await getViewer();
  if (!viewer) return NextResponse.json({ error: "Sign in first." }, { status: 401 });
  const found = await getViewableExport({ id: parsed.data.id, viewer });
  if (!found) return NextResponse.json({ error: "Export not found." }, { status: 404 });
  const exp = found.export;
  return NextResponse.json(
    {
      id: exp.id,
      status: exp.status,
      progress: exp.progress,
      etaSeconds: exp.etaSeconds,
      format: exp.format,
      sizeBytes: exp.sizeBytes,
      durationMs: exp.durationMs,
      error: exp.status === "failed" ? exp.error : null,
      emailStatus: exp.emailStatus,
    },
    { headers: { "Cache-Control": "no-store" } },
  );
}
