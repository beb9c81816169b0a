import { useActionState, useEffect, useRef } from "react";
import type { ActionState } from "@/lib/actions/define-action";
import { LIMITS } from "@/lib/domain/reviews";
import type { PlayerNote } from "@/lib/player/types";
import { addNoteAction } from "../../_review/actions";
import { clock } from "./clock";
import styles from "./review.module.css";

/** Writing a note at a moment (the current time, or a line of the log): the server records it and the player shows it. */
export function NoteForm({ hash, tMs, onSaved, onCancel }: { hash: string; tMs: number; onSaved: (note: PlayerNote) => void; onCancel: () => void }) {
  const [state, formAction, pending] = useActionState(
    async (prev: ActionState<PlayerNote>, data: FormData) => {
      const result = await addNoteAction(prev, data);
      if (result.status === "ok" && result.data) onSaved(result.data);
      return result;
    },
    { status: "idle" } as ActionState<PlayerNote>,
  );
  const textRef = useRef<HTMLTextAreaElement>(null);
  useEffect(() => textRef.current?.focus(), [tMs]);
  return (
    <form action={formAction} className={styles.form} aria-label="Add a note">
      <span className={styles.formHead}>Note at {clock(tMs / 1000)}</span>
      <input type="hidden" name="hash" value={hash} />
      <input type="hidden" name="tMs" value={Math.round(tMs)} />
      <textarea
        ref={textRef}
        name="text"
        rows={2}
        required
        maxLength={LIMITS.note}
        aria-label="Note"
        onKeyDown={(e) => {
          if (e.key === "Escape") onCancel();
        }}
      />
      {state.status === "error" ? (
        <span className="field-error" role="alert">
          {state.fieldErrors?.text?.[0] ?? state.message}
        </span>
      ) : null}
      <div className="actions">
        <button type="submit" className="button button-primary button-small" disabled={pending}>
          {pending ? "Saving…" : "Save note"}
        </button>
        <button type="button" className="button button-small" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
