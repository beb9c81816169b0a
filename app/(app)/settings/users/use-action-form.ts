"use client";
import { startTransition, useActionState, useEffect, useRef, type FormEvent } from "react";
import type { ActionState } from "@/lib/actions/define-action";

type Action<T> = (prev: ActionState<T> | undefined, formData: FormData) => Promise<ActionState<T>>;

/**
 * `useActionState` for a form that keeps what was typed when the server says
 * no, and clears it after a success (React resets action forms either way).
 * The `action` attribute still works without JavaScript.
 */
export function useActionForm<T>(action: Action<T>, options: { resetOnSuccess?: boolean } = {}) {
  const [state, formAction, pending] = useActionState<ActionState<T>, FormData>(
    action as (prev: ActionState<T>, formData: FormData) => Promise<ActionState<T>>,
    { status: "idle" },
  );
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (state.status === "ok" && options.resetOnSuccess) formRef.current?.reset();
  }, [state, options.resetOnSuccess]);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const submitter = (event.nativeEvent as SubmitEvent).submitter;
    const data = new FormData(event.currentTarget, submitter);
    startTransition(() => formAction(data));
  };
  return { state, formAction, pending, formRef, onSubmit };
}

export function fieldError(state: ActionState<unknown>, field: string): string | undefined {
  return state.status === "error" ? state.fieldErrors?.[field]?.[0] : undefined;
}
