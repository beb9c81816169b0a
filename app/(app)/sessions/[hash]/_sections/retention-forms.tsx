"use client";
import { ActionForm, FieldError } from "@/app/(app)/_components/action-form";
import { decideDeletionAction, placeHoldAction, releaseHoldAction, requestDeletionAction } from "./retention-actions";

export function PlaceHoldForm({ sessionId, path, userName, host }: { sessionId: number; path: string; userName: string; host: string }) {
  return (
    <ActionForm action={placeHoldAction} label="Put on legal hold">
      {(state, pending) => (
        <>
          <input type="hidden" name="sessionId" value={sessionId} />
          <input type="hidden" name="path" value={path} />
          <fieldset>
            <legend>Hold</legend>
            <label>
              <input type="radio" name="scope" value="session" defaultChecked /> This session
            </label>{" "}
            <label>
              <input type="radio" name="scope" value="user" /> Every session of user {userName}
            </label>{" "}
            <label>
              <input type="radio" name="scope" value="host" /> Every session of host {host}
            </label>
            <FieldError state={state} name="scope" />
          </fieldset>
          <label className="field">
            Reason
            <input name="reason" required maxLength={1000} />
            <FieldError state={state} name="reason" />
          </label>
          <label className="field">
            Case reference (optional)
            <input name="caseReference" maxLength={200} />
            <FieldError state={state} name="caseReference" />
          </label>
          <div className="actions">
            <button type="submit" className="button" disabled={pending}>
              Put on hold
            </button>
          </div>
        </>
      )}
    </ActionForm>
  );
}

export function ReleaseHoldForm({ holdId, path }: { holdId: string; path: string }) {
  return (
    <ActionForm action={releaseHoldAction} label="Release the legal hold">
      {(state, pending) => (
        <>
          <input type="hidden" name="holdId" value={holdId} />
          <input type="hidden" name="path" value={path} />
          <label className="field">
            Reason for releasing
            <input name="reason" required maxLength={1000} />
            <FieldError state={state} name="reason" />
          </label>
          <div className="actions">
            <button type="submit" className="button" disabled={pending}>
              Release hold
            </button>
          </div>
        </>
      )}
    </ActionForm>
  );
}

export function RequestDeletionForm({ sessionId, path }: { sessionId: number; path: string }) {
  return (
    <ActionForm action={requestDeletionAction} label="Ask for early deletion">
      {(state, pending) => (
        <>
          <input type="hidden" name="sessionId" value={sessionId} />
          <input type="hidden" name="path" value={path} />
          <label className="field">
            Reason for deleting before the retention period ends
            <input name="reason" required maxLength={1000} />
            <FieldError state={state} name="reason" />
          </label>
          <div className="actions">
            <button type="submit" className="button" disabled={pending}>
              Ask for deletion
            </button>
          </div>
        </>
      )}
    </ActionForm>
  );
}

export function DecideDeletionForm({ sessionId, path, canConfirm }: { sessionId: number; path: string; canConfirm: boolean }) {
  return (
    <ActionForm action={decideDeletionAction} label="Decide on the early deletion">
      {(_state, pending) => (
        <>
          <input type="hidden" name="sessionId" value={sessionId} />
          <input type="hidden" name="path" value={path} />
          <div className="actions">
            {canConfirm ? (
              <button type="submit" name="decision" value="confirm" className="button button-danger" disabled={pending}>
                Confirm deletion
              </button>
            ) : null}{" "}
            <button type="submit" name="decision" value="cancel" className="button" disabled={pending}>
              {canConfirm ? "Turn down" : "Withdraw request"}
            </button>
          </div>
        </>
      )}
    </ActionForm>
  );
}
