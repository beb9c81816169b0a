"use client";
import { useRouter } from "next/navigation";
import { useActionState, useEffect } from "react";
import type { ActionState } from "@/lib/actions/define-action";
import { requestVideoExport } from "../download/actions";

type Result = { exportId: string; hash: string };

/**
 * "Generate video for download": asks the server to convert the session and
 * opens the screen that follows the conversion. The server checks access and
 * the system parameter; this button only asks.
 */
export function GenerateVideoButton({ hash, label = "Generate video for download", primary = false }: { hash: string; label?: string; primary?: boolean }) {
  const router = useRouter();
  const [state, formAction, pending] = useActionState<ActionState<Result>, FormData>(
    requestVideoExport as (prev: ActionState<Result>, formData: FormData) => Promise<ActionState<Result>>,
    { status: "idle" },
  );
  useEffect(() => {
    if (state.status === "ok" && state.data) {
      router.push(`/sessions/${encodeURIComponent(state.data.hash)}/download`);
      router.refresh();
    }
  }, [state, router]);
  return (
    <form action={formAction} className="inline-form" style={{ display: "inline-flex", gap: "0.5rem", alignItems: "center" }}>
      <input type="hidden" name="hash" value={hash} />
      <button type="submit" className={primary ? "button button-primary" : "button"} disabled={pending}>
        {pending ? "Starting…" : label}
      </button>
      {/* A disabled button is not read again: the live region says the request is on its way. */}
      <span className="visually-hidden" role="status">
        {pending ? "Starting the conversion…" : ""}
      </span>
      {state.status === "error" ? (
        <span className="field-error" role="alert">
          {state.message}
        </span>
      ) : null}
    </form>
  );
}
