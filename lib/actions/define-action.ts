import "server-only";
import { revalidatePath } from "next/cache";
import type { z } from "zod";
import { getViewer, type Viewer } from "@/lib/auth/viewer";
import type { Role } from "@/lib/domain/roles";
import { AppError, describeError } from "@/lib/errors";

/** What every server action returns to `useActionState`. */
export type ActionState<T = unknown> =
  | { status: "idle" }
  | { status: "ok"; message?: string; data?: T }
  | { status: "error"; message: string; fieldErrors?: Record<string, string[]> };

export const IDLE: ActionState = { status: "idle" };

/**
 * Every "use server" export is a public POST endpoint. This wrapper makes each
 * one authenticate, validate with zod, authorize by role, run, and revalidate,
 * and turns failures into a message instead of a stack trace.
 */
export function defineAction<S extends z.ZodType, T>(config: {
  schema: S;
  roles: readonly Role[];
  revalidate?: string[];
  run: (input: z.infer<S>, viewer: Viewer) => Promise<{ message?: string; data?: T } | void>;
}) {
  return async (_prev: ActionState<T> | undefined, formData: FormData): Promise<ActionState<T>> => {
    const viewer = await getViewer();
    if (!viewer) return { status: "error", message: "Your session has ended. Sign in again." };
    const raw = Object.fromEntries(formData.entries());
    const parsed = config.schema.safeParse(raw);
    if (!parsed.success) {
      const fieldErrors: Record<string, string[]> = {};
      for (const issue of parsed.error.issues) {
        const key = issue.path.join(".") || "form";
        (fieldErrors[key] ??= []).push(issue.message);
      }
      return { status: "error", message: "Check the highlighted fields.", fieldErrors };
    }
    if (!config.roles.includes(viewer.role)) {
      return { status: "error", message: "You do not have permission to do this." };
    }
    try {
      const result = await config.run(parsed.data, viewer);
      for (const path of config.revalidate ?? []) revalidatePath(path);
      return { status: "ok", message: result?.message, data: result?.data };
    } catch (error) {
      if (error instanceof AppError) {
        const fieldErrors = error.field ? { [error.field]: [error.message] } : undefined;
        return { status: "error", message: error.message, fieldErrors };
      }
      console.error(`[action] unexpected error: ${describeError(error)}`);
      return { status: "error", message: "Something went wrong on the server. The error was logged." };
    }
  };
}
