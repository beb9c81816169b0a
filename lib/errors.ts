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

/**
 * An unexpected error as the server log may show it: what failed and why,
 * never the data of the request. A database error's values are left out:
 * drizzle puts the query's parameters (a batch of typed keystrokes, every
 * field of a session start) in its message, and PostgreSQL quotes the
 * offending value in a data error (class 22) and in its detail and where
 * fields. What stays: the statement without values, the SQLSTATE, the
 * table/column/constraint, and the message of any other error with its stack.
 */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  let stack: string | undefined;
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const err = e as {
      name?: string;
      message?: string;
      query?: unknown;
      params?: unknown;
      code?: unknown;
      severity?: unknown;
      table?: unknown;
      column?: unknown;
      constraint?: unknown;
      routine?: unknown;
      stack?: string;
    };
    if (typeof err.query === "string" && "params" in err) {
      parts.push(`database query failed: ${err.query.replace(/\s+/g, " ").trim().slice(0, 300)}`);
      continue;
    }
    if (typeof err.code === "string" && /^[0-9A-Z]{5}$/.test(err.code) && typeof err.severity === "string") {
      const where = [
        err.table && `table ${String(err.table)}`,
        err.column && `column ${String(err.column)}`,
        err.constraint && `constraint ${String(err.constraint)}`,
      ]
        .filter(Boolean)
        .join(", ");
      const message = err.code.startsWith("22") ? "(a value was refused; not logged)" : (err.message ?? "");
      parts.push(`PostgreSQL ${err.code} ${message}${where ? ` [${where}]` : ""}`);
      continue;
    }
    parts.push(e instanceof Error ? `${err.name}: ${err.message}` : String(e));
    stack ??= err.stack?.split("\n").slice(1).join("\n");
  }
  return stack ? `${parts.join(" ← ")}\n${stack}` : parts.join(" ← ");
}
