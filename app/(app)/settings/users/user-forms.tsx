"use client";
import { useId } from "react";
import type { ActionState } from "@/lib/actions/define-action";
import { ROLE_LABELS, type Role } from "@/lib/domain/roles";
import { MIN_PASSWORD_LENGTH } from "@/lib/users/schemas";
import { createUserAction, resetPasswordAction, setRoleAction, setStatusAction } from "./actions";
import { fieldError, useActionForm } from "./use-action-form";

/** Least power first. */
const ROLE_OPTIONS = (["user", "auditor", "admin"] as const satisfies readonly Role[]).map((value) => ({ value, label: ROLE_LABELS[value] }));

function Message({ state, id }: { state: ActionState<unknown>; id?: string }) {
  if (state.status === "idle" || !state.message) return null;
  return (
    <p id={id} role={state.status === "error" ? "alert" : "status"} className={`alert ${state.status === "error" ? "alert-error" : "alert-ok"}`}>
      {state.message}
    </p>
  );
}

function FieldError({ message, id }: { message?: string; id: string }) {
  return message ? (
    <span id={id} className="field-error">
      {message}
    </span>
  ) : null;
}

export function CreateUserForm() {
  const { state, formAction, pending, formRef, onSubmit } = useActionForm(createUserAction, { resetOnSuccess: true });
  const id = useId();
  const err = (f: string) => fieldError(state, f);
  return (
    <form ref={formRef} action={formAction} onSubmit={onSubmit} className="form create-user-form" aria-label="Create user">
      <div className="grid-2">
        <label>
          Name
          <input name="name" required maxLength={200} aria-invalid={!!err("name")} aria-describedby={`${id}-name`} />
          <FieldError id={`${id}-name`} message={err("name")} />
        </label>
        <label>
          Email
          <input name="email" type="email" required maxLength={320} autoComplete="off" aria-invalid={!!err("email")} aria-describedby={`${id}-email`} />
          <FieldError id={`${id}-email`} message={err("email")} />
        </label>
        <label>
          Role
          <select name="role" defaultValue="user" aria-invalid={!!err("role")}>
            {ROLE_OPTIONS.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </select>
          <FieldError id={`${id}-role`} message={err("role")} />
        </label>
        <label>
          Initial password
          <input
            name="password"
            type="password"
            required
            minLength={MIN_PASSWORD_LENGTH}
            maxLength={256}
            autoComplete="new-password"
            aria-invalid={!!err("password")}
            aria-describedby={`${id}-password`}
          />
          {err("password") ? (
            <FieldError id={`${id}-password`} message={err("password")} />
          ) : (
            <span id={`${id}-password`} className="field-hint">
              At least {MIN_PASSWORD_LENGTH} characters.
            </span>
          )}
        </label>
      </div>
      <Message state={state} />
      <div className="actions">
        <button type="submit" className="button button-primary" disabled={pending}>
          {pending ? "Creating…" : "Create user"}
        </button>
      </div>
    </form>
  );
}

export function RoleForm({ userId, role, email }: { userId: string; role: Role; email: string }) {
  const { state, formAction, pending, onSubmit } = useActionForm(setRoleAction);
  return (
    <form action={formAction} onSubmit={onSubmit} className="inline-form" aria-label={`Role of ${email}`}>
      <input type="hidden" name="userId" value={userId} />
      <select name="role" defaultValue={role} aria-label={`Role of ${email}`}>
        {ROLE_OPTIONS.map((r) => (
          <option key={r.value} value={r.value}>
            {r.label}
          </option>
        ))}
      </select>
      <button type="submit" className="button button-small" disabled={pending}>
        {pending ? "Saving…" : "Set role"}
      </button>
      <Message state={state} />
    </form>
  );
}

export function ResetPasswordForm({ userId, email }: { userId: string; email: string }) {
  const { state, formAction, pending, formRef, onSubmit } = useActionForm<{ generatedPassword: string | null }>(resetPasswordAction, {
    resetOnSuccess: true,
  });
  const generated = state.status === "ok" ? state.data?.generatedPassword : null;
  const passwordError = fieldError(state, "password");
  return (
    <details className="row-details">
      <summary className="button button-small">Reset password</summary>
      <form ref={formRef} action={formAction} onSubmit={onSubmit} className="form" aria-label={`Reset password of ${email}`}>
        <input type="hidden" name="userId" value={userId} />
        <label>
          New password
          <input name="password" type="password" minLength={MIN_PASSWORD_LENGTH} maxLength={256} autoComplete="new-password" />
          {passwordError ? <span className="field-error">{passwordError}</span> : null}
        </label>
        <div className="actions">
          <button type="submit" className="button button-small" disabled={pending}>
            Set password
          </button>
          <button type="submit" name="generate" value="on" className="button button-small" disabled={pending} formNoValidate>
            Generate one
          </button>
        </div>
        <Message state={state} />
        {generated ? (
          <p className="alert alert-warn">
            <code className="generated-password" data-testid="generated-password">
              {generated}
            </code>
          </p>
        ) : null}
      </form>
    </details>
  );
}

export function StatusForm({ userId, email, disabled }: { userId: string; email: string; disabled: boolean }) {
  const { state, formAction, pending, onSubmit } = useActionForm(setStatusAction);
  return (
    <form action={formAction} onSubmit={onSubmit} className="inline-form" aria-label={`Status of ${email}`}>
      <input type="hidden" name="userId" value={userId} />
      <input type="hidden" name="status" value={disabled ? "enabled" : "disabled"} />
      <button type="submit" className={`button button-small${disabled ? "" : " button-danger"}`} disabled={pending}>
        {disabled ? "Enable" : "Disable"}
      </button>
      <Message state={state} />
    </form>
  );
}
