import type { AppError } from "@/lib/errors";

/** A 503 means "not yet" (a recording being prepared or synchronizing): clients come back after this. */
const RETRY_AFTER_SECONDS = 5;

/** The one shape of an error answer: `{ error, field?, issues? }` with the error's status, never cached. */
export function errorResponse(error: AppError, headers: Record<string, string> = {}): Response {
  if (error.status === 503) headers = { "Retry-After": String(RETRY_AFTER_SECONDS), ...headers };
  return Response.json(
    {
      error: error.message,
      ...(error.field ? { field: error.field } : {}),
      ...(error.issues ? { issues: error.issues } : {}),
    },
    { status: error.status, headers: { "Cache-Control": "no-store", ...headers } },
  );
}
