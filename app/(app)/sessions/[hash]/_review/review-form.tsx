"use client";
import { useRouter } from "next/navigation";
import { useActionState, useEffect } from "react";
import type { ActionState } from "@/lib/actions/define-action";
import { LIMITS, REVIEW_VERDICT_LABELS, REVIEW_VERDICTS } from "@/lib/domain/reviews";
import { markReviewedAction } from "./actions";

/** "Mark as reviewed" on the report: a verdict and an optional comment; a new review never replaces the earlier ones. */
export function ReviewForm({ hash, again }: { hash: string; again: boolean }) {
  const router = useRouter();
  const [state, formAction, pending] = useActionState(markReviewedAction, { status: "idle" } as ActionState);
  useEffect(() => {
    if (state.status === "ok") router.refresh();
  }, [state, router]);
  return (
    <form action={formAction} className="form" aria-label="Mark as reviewed" style={{ maxWidth: 560, marginTop: "0.75rem" }}>
      <input type="hidden" name="hash" value={hash} />
      <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
        <legend style={{ fontWeight: 600, marginBottom: "0.3rem" }}>Verdict</legend>
        <div className="actions">
          {REVIEW_VERDICTS.map((v) => (
            <label key={v} style={{ display: "inline-flex", gap: "0.3rem", fontWeight: 400 }}>
              <input type="radio" name="verdict" value={v} required /> {REVIEW_VERDICT_LABELS[v]}
            </label>
          ))}
        </div>
      </fieldset>
      <label>
        Comment <span className="field-hint">(optional)</span>
        <textarea name="comment" rows={2} maxLength={LIMITS.comment} />
      </label>
      {state.status === "error" ? (
        <p className="alert alert-error" role="alert">
          {state.fieldErrors?.verdict?.[0] ?? state.message}
        </p>
      ) : state.status === "ok" ? (
        <p className="alert alert-ok" role="status">
          {state.message}
        </p>
      ) : null}
      <div className="actions">
        <button type="submit" className="button button-primary" disabled={pending}>
          {pending ? "Saving…" : again ? "Review again" : "Mark as reviewed"}
        </button>
      </div>
    </form>
  );
}
