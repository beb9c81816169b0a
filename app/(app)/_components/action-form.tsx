"use client";
import { startTransition, useActionState, type ReactNode } from "react";
import type { ActionState } from "@/lib/actions/define-action";

type Action = (prev: ActionState | undefined, formData: FormData) => Promise<ActionState>;

/**
 * A form around one server action: keeps what was typed when the server says
 * no, shows the server's message and each field's error under it (children
 * name their fields; `errors` renders them where the form wants).
 */
export function ActionForm({
  action,
  label,
  className,
  children,
}: {
  action: Action;
  label: string;
  className?: string;
  children: (state: ActionState, pending: boolean) => ReactNode;
}) {
  const [state, formAction, pending] = useActionState<ActionState, FormData>(action as (p: ActionState, f: FormData) => Promise<ActionState>, {
    status: "idle",
  });
  return (
    <form
      action={formAction}
      aria-label={label}
      className={className ?? "form"}
      onSubmit={(e) => {
        e.preventDefault();
        const data = new FormData(e.currentTarget, (e.nativeEvent as SubmitEvent).submitter);
        startTransition(() => formAction(data));
      }}
    >
      {children(state, pending)}
      {state.status !== "idle" && state.message ? (
        <p role={state.status === "error" ? "alert" : "status"} className={`alert ${state.status === "error" ? "alert-error" : "alert-ok"}`}>
          {state.message}
        </p>
      ) : null}
    </form>
  );
}

export function FieldError({ state, name }: { state: ActionState; name: string }) {
  const message = state.status === "error" ? state.fieldErrors?.[name]?.[0] : undefined;
  return message ? <span className="field-error">{message}</span> : null;
}

export function FieldErrors({ state, name }: { state: ActionState; name: string }) {
  const messages = state.status === "error" ? (state.fieldErrors?.[name] ?? []) : [];
  return messages.length ? (
    <ul className="field-error">
      {messages.map((m) => (
        <li key={m}>{m}</li>
      ))}
    </ul>
  ) : null;
}
