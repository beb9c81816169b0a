import type { z } from "zod";

export type FieldIssue = { field: string; message: string };

/**
 * The one error type of the product: a message safe and useful to show to the
 * person (or the proxy) that caused it, the HTTP status it answers with, and
 * the field it is about. Route handlers (lib/http/route.ts) answer it as
 * `{ error, field, issues }` with its status; server actions
 * (lib/actions/define-action.ts) show it beside the field. Anything else that
 * is thrown is logged and answered without details.
 */
export class AppError extends Error {
  constructor(
    message: string,
    readonly status = 400,
    readonly field?: string,
    /** Every problem found, when there were several (validation). */
    readonly issues?: FieldIssue[],
  ) {
    super(message);
    this.name = "AppError";
  }

  /** A validation failure naming each field and its problem; the message names the first. */
  static fromZod(error: z.ZodError, { status = 422, prefix = "" }: { status?: number; prefix?: string } = {}): AppError {
    const issues = error.issues.map((i) => ({
      field: [prefix, ...i.path.map(String)].filter(Boolean).join(".") || "body",
      message: i.message,
    }));
    const first = issues[0] ?? { field: "body", message: "is invalid" };
    return new AppError(`${first.field}: ${first.message}`, status, first.field, issues);
  }
}
