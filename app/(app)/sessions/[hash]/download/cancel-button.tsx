"use client";
import { useRouter } from "next/navigation";
import { useActionState, useEffect } from "react";
import type { ActionState } from "@/lib/actions/define-action";
import { cancelVideoExport } from "./actions";

export function CancelExportButton({ exportId }: { exportId: string }) {
  const router = useRouter();
  const [state, formAction, pending] = useActionState<ActionState, FormData>(cancelVideoExport, { status: "idle" });
  useEffect(() => {
    if (state.status === "ok") router.refresh();
  }, [state, router]);
  return (
    <form action={formAction} style={{ display: "inline-flex", gap: "0.5rem", alignItems: "center" }}>
      <input type="hidden" name="exportId" value={exportId} />
      <button type="submit" className="button button-danger" disabled={pending}>
        {pending ? "Cancelling…" : "Cancel"}
      </button>
      {state.status === "error" ? (
        <span className="field-error" role="alert">
          {state.message}
        </span>
      ) : null}
    </form>
  );
}
