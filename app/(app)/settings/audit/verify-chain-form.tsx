"use client";
import { useActionForm } from "../users/use-action-form";
import { verifyAuditChainAction } from "./actions";

export function VerifyChainForm() {
  const { state, formAction, pending, onSubmit } = useActionForm(verifyAuditChainAction);
  const broken = state.status === "ok" && (state.data as { ok?: boolean } | undefined)?.ok === false;
  return (
    <form action={formAction} onSubmit={onSubmit} className="inline-form" aria-label="Verify the audit trail">
      <button type="submit" className="button" disabled={pending}>
        {pending ? "Verifying…" : "Verify the chain"}
      </button>
      {state.status !== "idle" && state.message ? (
        <span
          role={state.status === "error" || broken ? "alert" : "status"}
          className={`alert ${state.status === "error" || broken ? "alert-error" : "alert-ok"}`}
          data-testid="audit-chain-result"
        >
          {state.message}
        </span>
      ) : null}
    </form>
  );
}
