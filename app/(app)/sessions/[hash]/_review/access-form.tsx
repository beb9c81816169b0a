"use client";
import { useRouter } from "next/navigation";
import { useActionState, useEffect } from "react";
import type { ActionState } from "@/lib/actions/define-action";
import { LIMITS } from "@/lib/domain/reviews";
import { requestAccessAction } from "./actions";

/**
 * The justification asked before the player or a download: a reason and an
 * optional ticket number. The server decides (and records) the rest; once it
 * answers, the page is rendered again: the player, or "waiting for approval".
 */
export function AccessForm({ hash, approvalRequired }: { hash: string; approvalRequired: boolean }) {
  const router = useRouter();
  const [state, formAction, pending] = useActionState(requestAccessAction, { status: "idle" } as ActionState<{ approved: boolean; expiresAt: string | null }>);
  useEffect(() => {
    if (state.status === "ok") router.refresh();
  }, [state, router]);
  const errors = state.status === "error" ? (state.fieldErrors ?? {}) : {};
  return (
    <form action={formAction} className="form" aria-label="Justification" style={{ maxWidth: 560 }}>
      <input type="hidden" name="hash" value={hash} />
      <label>
        Reason
        <textarea name="reason" required minLength={3} maxLength={LIMITS.reason} rows={3} aria-invalid={!!errors.reason} />
        {errors.reason ? <span className="field-error">{errors.reason[0]}</span> : null}
      </label>
      <label>
        Ticket number <span className="field-hint">(optional)</span>
        <input name="ticket" maxLength={LIMITS.ticket} aria-invalid={!!errors.ticket} />
        {errors.ticket ? <span className="field-error">{errors.ticket[0]}</span> : null}
      </label>
      {state.status === "error" && !Object.keys(errors).length ? (
        <p className="alert alert-error" role="alert">
          {state.message}
        </p>
      ) : null}
      {state.status === "ok" && state.message ? (
        <p className="alert alert-ok" role="status">
          {state.message}
        </p>
      ) : null}
      <div className="actions">
        <button type="submit" className="button button-primary" disabled={pending}>
          {pending ? "Sending…" : approvalRequired ? "Request access" : "Continue"}
        </button>
      </div>
    </form>
  );
}
