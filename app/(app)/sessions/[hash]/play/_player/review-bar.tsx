import { useActionState, useState } from "react";
import type { ActionState } from "@/lib/actions/define-action";
import { LIMITS, REVIEW_VERDICT_LABELS, REVIEW_VERDICTS, type ReviewVerdict } from "@/lib/domain/reviews";
import type { PlayerReview } from "@/lib/player/types";
import { markReviewedAction } from "../../_review/actions";
import { clock } from "./clock";
import { NoteForm } from "./note-form";
import styles from "./review.module.css";
import type { NotesState } from "./use-notes";

/**
 * Under the controls, for those who review sessions: "Add note at <now>" and
 * "Mark as reviewed" (a verdict and an optional comment; the history of
 * reviews is on the report).
 */
export function ReviewBar({ hash, review, notes, time }: { hash: string; review: PlayerReview; notes: NotesState; time: number }) {
  const [reviewing, setReviewing] = useState(false);
  const [verdict, setVerdict] = useState<ReviewVerdict | null>(review.verdict);
  const [state, formAction, pending] = useActionState(
    async (prev: ActionState, data: FormData) => {
      const result = await markReviewedAction(prev, data);
      if (result.status === "ok") {
        setReviewing(false);
        setVerdict(data.get("verdict") as ReviewVerdict);
      }
      return result;
    },
    { status: "idle" } as ActionState,
  );
  if (!review.canAnnotate) return null;
  return (
    <div className={styles.bar}>
      {notes.draftAt === null ? (
        <button type="button" className="button" onClick={() => notes.setDraftAt(Math.floor(time * 1000))}>
          Add note at {clock(time)}
        </button>
      ) : (
        <NoteForm
          hash={hash}
          tMs={notes.draftAt}
          onCancel={() => notes.setDraftAt(null)}
          onSaved={(note) => {
            notes.upsert(note);
            notes.setDraftAt(null);
          }}
        />
      )}
      {!reviewing ? (
        <button type="button" className="button" onClick={() => setReviewing(true)}>
          Mark as reviewed
        </button>
      ) : (
        <form action={formAction} className={styles.form} aria-label="Mark as reviewed">
          <span className={styles.formHead}>Verdict</span>
          <input type="hidden" name="hash" value={hash} />
          <div className={styles.verdicts} role="radiogroup" aria-label="Verdict">
            {REVIEW_VERDICTS.map((v) => (
              <label key={v}>
                <input type="radio" name="verdict" value={v} required /> {REVIEW_VERDICT_LABELS[v]}
              </label>
            ))}
          </div>
          <textarea name="comment" rows={2} maxLength={LIMITS.comment} placeholder="Comment (optional)" aria-label="Comment" />
          {state.status === "error" ? (
            <span className="field-error" role="alert">
              {state.fieldErrors?.verdict?.[0] ?? state.message}
            </span>
          ) : null}
          <div className="actions">
            <button type="submit" className="button button-primary button-small" disabled={pending}>
              {pending ? "Saving…" : "Save review"}
            </button>
            <button type="button" className="button button-small" onClick={() => setReviewing(false)}>
              Cancel
            </button>
          </div>
        </form>
      )}
      <span className={`muted ${styles.verdict}`} data-testid="player-verdict" role="status">
        {verdict ? `Reviewed: ${REVIEW_VERDICT_LABELS[verdict]}` : "Not reviewed yet"}
        {state.status === "ok" ? " (saved)" : ""}
      </span>
    </div>
  );
}
