"use client";
import { useActionState } from "react";
import type { ActionState } from "@/lib/actions/define-action";
import { LIMITS } from "@/lib/domain/reviews";
import { decideAccessRequestAction } from "./actions";

/** One pending request's decision: a comment and Approve / Deny (the button pressed is the decision). */
export function DecideForm({ id, requester }: { id: string; requester: string }) {
  const [state, formAction, pending] = useActionState(decideAccessRequestAction, { status: "idle" } as ActionState);
  return (
    <form action={formAction} className="form" aria-label={`Decide the request of ${requester}`} style={{ gap: "0.4rem" }}>
      <input type="hidden" name="id" value={id} />
      <label>
        Comment <span className="field-hint">(required to deny)</span>
        <textarea name="comment" rows={2} maxLength={LIMITS.comment} />
      </label>
      {state.status === "error" ? (
        <span className="field-error" role="alert">
          {state.fieldErrors?.comment?.[0] ?? state.message}
        </span>
      ) : state.status === "ok" ? (
        <span className="alert alert-ok" role="status">
          {state.message}
        </span>
      ) : null}
      <div className="actions">
        <button type="submit" name="decision" value="approve" className="button button-primary button-small" disabled={pending}>
          Approve
        </button>
        <button type="submit" name="decision" value="deny" className="button button-danger button-small" disabled={pending}>
          Deny
        </button>
      </div>
    </form>
  );
}
