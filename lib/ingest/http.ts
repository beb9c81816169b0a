import "server-only";
import type { z } from "zod";
import { authenticateApiToken } from "@/lib/tokens";
import type { ApiToken } from "@/lib/db/schema";

/** An ingestion failure the proxy can act on: a status and a message naming the field. */
export class IngestError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = "IngestError";
  }
}

export function jsonError(status: number, error: string, extra: { field?: string; issues?: { field: string; message: string }[] } = {}) {
  return Response.json({ error, ...extra }, { status });
}

/** Turns zod issues into a 400/422 body that names each field and its problem. */
export function validationError(error: z.ZodError, { status = 422, prefix = "" }: { status?: number; prefix?: string } = {}) {
  const issues = error.issues.map((i) => ({
    field: [prefix, ...i.path.map(String)].filter(Boolean).join(".") || "body",
    message: i.message,
  }));
  const first = issues[0] ?? { field: "body", message: "is invalid" };
  return jsonError(status, `${first.field}: ${first.message}`, { field: first.field, issues });
}

/** The token of the request, or a 401 response that touched nothing. */
export async function requireToken(request: Request): Promise<ApiToken | Response> {
  const token = await authenticateApiToken(request);
  if (!token) {
    return new Response(JSON.stringify({ error: "A valid API token is required (Authorization: Bearer svt_…)." }), {
      status: 401,
      headers: { "content-type": "application/json", "www-authenticate": 'Bearer realm="session-video"' },
    });
  }
  return token;
}

/** Runs a handler and turns an IngestError into its JSON answer; anything else is logged and becomes a plain 500. */
export async function handleIngest(label: string, run: () => Promise<Response>): Promise<Response> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof IngestError) return jsonError(error.status, error.message, error.field ? { field: error.field } : {});
    console.error(`[ingest] ${label} failed`, error);
    return jsonError(500, "The server could not store this. The error was logged; retry later.");
  }
}

/** Reads a JSON body, or throws a 400 naming the problem. */
export async function readJson(request: Request, maxBytes = 1024 * 1024): Promise<unknown> {
  const text = await readText(request, maxBytes);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new IngestError(400, "body: is not valid JSON", "body");
  }
}

/** Reads a text body with a size cap, so a huge body cannot fill the memory. */
export async function readText(request: Request, maxBytes: number): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw new IngestError(413, `body: larger than ${maxBytes} bytes`, "body");
  if (!request.body) return "";
  const reader = request.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new IngestError(413, `body: larger than ${maxBytes} bytes`, "body");
    }
    parts.push(value);
  }
  return Buffer.concat(parts).toString("utf8");
}
