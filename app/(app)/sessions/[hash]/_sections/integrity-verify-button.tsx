"use client";
import { startTransition, useActionState } from "react";
import type { ActionState } from "@/lib/actions/define-action";
import { verifyRecordingAction } from "./integrity-actions";

export function VerifyNowButton({ sessionId, path }: { sessionId: number; path: string }) {
  const [state, formAction, pending] = useActionState<ActionState, FormData>(verifyRecordingAction, { status: "idle" });
  return (
    <form
      action={formAction}
      onSubmit={(e) => {
        e.preventDefault();
        const data = new FormData(e.currentTarget);
        startTransition(() => formAction(data));
      }}
      className="inline-form"
      aria-label="Verify the recording's integrity"
    >
      <input type="hidden" name="sessionId" value={sessionId} />
      <input type="hidden" name="path" value={path} />
      <button type="submit" className="button" disabled={pending}>
        {pending ? "Verifying…" : "Verify now"}
      </button>
      {/* A disabled button is not read again: the live region says the check is running. */}
      <span className="visually-hidden" role="status">
        {pending ? "Verifying the recording…" : ""}
      </span>
      {state.status !== "idle" && state.message ? (
        <span role={state.status === "error" ? "alert" : "status"} className={`alert ${state.status === "error" ? "alert-error" : "alert-ok"}`}>
          {state.message}
        </span>
      ) : null}
    </form>
  );
}
