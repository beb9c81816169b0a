"use client";
import type { ActionState } from "@/lib/actions/define-action";
import { fieldError, useActionForm } from "../users/use-action-form";
import { createTokenAction, moveSessionAction, revokeTokenAction, verifyAllAction } from "./actions";

function Message({ state }: { state: ActionState<unknown> }) {
  if (state.status === "idle" || !state.message) return null;
  return (
    <p role={state.status === "error" ? "alert" : "status"} className={`alert ${state.status === "error" ? "alert-error" : "alert-ok"}`}>
      {state.message}
    </p>
  );
}

export function CreateTokenForm() {
  const { state, formAction, pending, formRef, onSubmit } = useActionForm(createTokenAction, { resetOnSuccess: true });
  const error = fieldError(state, "name");
  const token = state.status === "ok" ? (state.data as { token?: string } | undefined)?.token : undefined;
  return (
    <form ref={formRef} action={formAction} onSubmit={onSubmit} className="form" aria-label="Create API token">
      <div className="actions">
        <label>
          Name
          <input name="name" required maxLength={100} placeholder="proxy-1" aria-invalid={!!error} />
        </label>
        <button type="submit" className="button button-primary" disabled={pending}>
          {pending ? "Creating…" : "Create token"}
        </button>
      </div>
      {error ? <span className="field-error">{error}</span> : null}
      <Message state={state} />
      {token ? (
        <p className="alert alert-warn">
          <code data-testid="new-token" className="mono" style={{ userSelect: "all", wordBreak: "break-all" }}>
            {token}
          </code>
        </p>
      ) : null}
    </form>
  );
}

export function RevokeTokenForm({ id, name }: { id: string; name: string }) {
  const { state, formAction, pending, onSubmit } = useActionForm(revokeTokenAction);
  return (
    <form
      action={formAction}
      onSubmit={(e) => {
        if (!window.confirm(`Revoke the token "${name}"? Its proxy will be refused at once.`)) {
          e.preventDefault();
          return;
        }
        onSubmit(e);
      }}
      className="inline-form"
      aria-label={`Revoke ${name}`}
    >
      <input type="hidden" name="id" value={id} />
      <button type="submit" className="button" disabled={pending}>
        {pending ? "Revoking…" : "Revoke"}
      </button>
      {state.status === "error" ? <Message state={state} /> : null}
    </form>
  );
}

export function VerifyAllForm() {
  const { state, formAction, pending, onSubmit } = useActionForm(verifyAllAction);
  return (
    <form action={formAction} onSubmit={onSubmit} className="form" aria-label="Verify all recordings">
      <button type="submit" className="button" disabled={pending}>
        {pending ? "Queuing…" : "Verify all recordings"}
      </button>
      <Message state={state} />
    </form>
  );
}

export function MoveSessionForm({ tokens }: { tokens: { id: string; name: string }[] }) {
  const { state, formAction, pending, formRef, onSubmit } = useActionForm(moveSessionAction, { resetOnSuccess: true });
  const hashError = fieldError(state, "hash");
  const tokenError = fieldError(state, "tokenId");
  return (
    <form ref={formRef} action={formAction} onSubmit={onSubmit} className="form" aria-label="Move a session to another token">
      <div className="actions">
        <label>
          Session ID
          <input name="hash" required maxLength={128} className="mono" aria-invalid={!!hashError} />
        </label>
        <label>
          To the token
          <select name="tokenId" required defaultValue="" aria-invalid={!!tokenError}>
            <option value="" disabled>
              Choose…
            </option>
            {tokens.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="button" disabled={pending || tokens.length === 0}>
          {pending ? "Moving…" : "Move session"}
        </button>
      </div>
      {hashError ? <span className="field-error">{hashError}</span> : null}
      {tokenError ? <span className="field-error">{tokenError}</span> : null}
      <Message state={state} />
    </form>
  );
}
