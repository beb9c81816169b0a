import { useActionState, useState } from "react";
import type { ActionState } from "@/lib/actions/define-action";
import { LIMITS } from "@/lib/domain/reviews";
import type { PlayerNote } from "@/lib/player/types";
import { editNoteAction } from "../../_review/actions";
import { clock } from "./clock";
import styles from "./review.module.css";

/**
 * A note as a line of the log, at its moment: a click seeks there; its author
 * may edit it (a new version: the earlier ones are kept and listed on the report).
 */
export function NoteLine({
  note,
  editable,
  onSeek,
  onSaved,
}: {
  note: PlayerNote;
  editable: boolean;
  onSeek: (s: number) => void;
  onSaved: (n: PlayerNote) => void;
}) {
  const [editing, setEditing] = useState(false);
  const [state, formAction, pending] = useActionState(
    async (prev: ActionState<PlayerNote>, data: FormData) => {
      const result = await editNoteAction(prev, data);
      if (result.status === "ok" && result.data) {
        onSaved(result.data);
        setEditing(false);
      }
      return result;
    },
    { status: "idle" } as ActionState<PlayerNote>,
  );
  return (
    <li className={styles.note} data-testid="note-line" data-note-id={note.id}>
      <button type="button" className={styles.seek} onClick={() => onSeek(note.tMs / 1000)} title="Go to this moment">
        <time className={styles.noteTime}>{clock(note.tMs / 1000)}</time>
        <span className={styles.noteText}>
          {note.text}
          <span className={styles.noteBy}>
            Note by {note.authorName}
            {note.version > 1 ? ` · edited (version ${note.version})` : ""}
          </span>
        </span>
      </button>
      {editable && !editing ? (
        <div className={styles.noteTools}>
          <button type="button" className="button button-small" onClick={() => setEditing(true)}>
            Edit
          </button>
        </div>
      ) : null}
      {editing ? (
        <form action={formAction} className={styles.noteEdit} aria-label="Edit the note">
          <input type="hidden" name="id" value={note.id} />
          <textarea name="text" rows={2} defaultValue={note.text} required maxLength={LIMITS.note} aria-label="Note" autoFocus />
          {state.status === "error" ? (
            <span className="field-error" role="alert">
              {state.fieldErrors?.text?.[0] ?? state.message}
            </span>
          ) : null}
          <div className="actions">
            <button type="submit" className="button button-primary button-small" disabled={pending}>
              {pending ? "Saving…" : "Save"}
            </button>
            <button type="button" className="button button-small" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : null}
    </li>
  );
}
