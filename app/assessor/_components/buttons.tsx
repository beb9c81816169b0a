"use client";
import { useRouter } from "next/navigation";
import { useActionState, useEffect } from "react";
import type { ActionState } from "@/lib/actions/define-action";
import { requestSharedExportAction, signOutAssessorAction } from "../actions";

export function GenerateSharedVideoButton() {
  const router = useRouter();
  const [state, formAction, pending] = useActionState(requestSharedExportAction, { status: "idle" } as ActionState);
  useEffect(() => {
    if (state.status === "ok") router.refresh();
  }, [state, router]);
  return (
    <form action={formAction} className="inline-form">
      <button type="submit" className="button button-primary" disabled={pending}>
        {pending ? "Starting…" : "Generate video for download"}
      </button>
      {state.status === "error" ? (
        <span className="field-error" role="alert">
          {state.message}
        </span>
      ) : null}
    </form>
  );
}

export function LeaveButton() {
  const router = useRouter();
  const [state, formAction, pending] = useActionState(signOutAssessorAction, { status: "idle" } as ActionState);
  useEffect(() => {
    if (state.status === "ok") router.refresh();
  }, [state, router]);
  return (
    <form action={formAction} className="inline-form">
      <button type="submit" className="button button-small" disabled={pending}>
        Leave
      </button>
    </form>
  );
}
