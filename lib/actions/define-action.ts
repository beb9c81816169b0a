import "server-only";
import { revalidatePath } from "next/cache";
import type { z } from "zod";
import type { Assessor } from "@/lib/access";
import { getAssessorState, recordEndedLinkUse } from "@/lib/access/sharing";
import { getViewer, requestIp, type Viewer } from "@/lib/auth/viewer";
import type { Role } from "@/lib/domain/roles";
import { AppError, describeError } from "@/lib/errors";

/** What every server action returns to `useActionState`. */
export type ActionState<T = unknown> =
  { status: "idle" } | { status: "ok"; message?: string; data?: T } | { status: "error"; message: string; fieldErrors?: Record<string, string[]> };

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

/** The zod step and the error handling shared by every wrapper below: a failure is a message, never a stack trace. */
async function runParsed<S extends z.ZodType, T>(
  schema: S,
  formData: FormData,
  run: (input: z.infer<S>) => Promise<{ message?: string; data?: T } | void>,
): Promise<ActionState<T>> {
  const parsed = schema.safeParse(Object.fromEntries(formData.entries()));
  if (!parsed.success) {
    const fieldErrors: Record<string, string[]> = {};
    for (const issue of parsed.error.issues) {
      const key = issue.path.join(".") || "form";
      (fieldErrors[key] ??= []).push(issue.message);
    }
    return { status: "error", message: "Check the highlighted fields.", fieldErrors };
  }
  try {
    const result = await run(parsed.data);
    return { status: "ok", message: result?.message, data: result?.data };
  } catch (error) {
    if (error instanceof AppError) {
      const fieldErrors = error.field ? { [error.field]: [error.message] } : undefined;
      return { status: "error", message: error.message, fieldErrors };
    }
    console.error("[action] unexpected error", error);
    return { status: "error", message: "Something went wrong on the server. The error was logged." };
  }
}

/**
 * A server action of an assessor (a sharing link confirmed with its one-time
 * code; lib/access/sharing.ts): the assessor's own cookie is checked, never a
 * signed-in account's, and the action gets the assessor, whose link names the
 * one session they may act on.
 */
export function defineAssessorAction<S extends z.ZodType, T>(config: {
  schema: S;
  run: (input: z.infer<S>, assessor: Assessor) => Promise<{ message?: string; data?: T } | void>;
}) {
  return async (_prev: ActionState<T> | undefined, formData: FormData): Promise<ActionState<T>> => {
    const state = await getAssessorState();
    if (state.state === "ended") {
      await recordEndedLinkUse({ link: state.link, hash: state.hash, reason: state.reason, asked: "shared action", ip: await requestIp() });
      return { status: "error", message: state.reason === "revoked" ? "This sharing link was revoked." : "This sharing link has expired." };
    }
    if (state.state !== "open") return { status: "error", message: "Open the link from your email again to continue." };
    return runParsed(config.schema, formData, (input) => config.run(input, state.assessor));
  };
}

/**
 * A server action anyone may call: the steps of opening a sharing link (send
 * the one-time code, check it), whose input carries the link's own secret,
 * checked by the action. Nothing else may use it.
 */
export function definePublicAction<S extends z.ZodType, T>(config: { schema: S; run: (input: z.infer<S>) => Promise<{ message?: string; data?: T } | void> }) {
  return async (_prev: ActionState<T> | undefined, formData: FormData): Promise<ActionState<T>> => runParsed(config.schema, formData, config.run);
}
