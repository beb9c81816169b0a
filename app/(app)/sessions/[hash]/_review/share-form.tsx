"use client";
import { useRouter } from "next/navigation";
import { useActionState, useEffect } from "react";
import type { ActionState } from "@/lib/actions/define-action";
import { SHARE_MAX_DAYS } from "@/lib/domain/reviews";
import { createShareLinkAction, revokeShareLinkAction } from "./actions";

/** "Share with an assessor": the recipient's email, how long the link lasts, and whether it allows a download. */
export function ShareForm({ hash, downloadsEnabled }: { hash: string; downloadsEnabled: boolean }) {
  const router = useRouter();
  const [state, formAction, pending] = useActionState(createShareLinkAction, { status: "idle" } as ActionState<{ url: string | null }>);
  useEffect(() => {
    if (state.status === "ok") router.refresh();
  }, [state, router]);
  const errors = state.status === "error" ? (state.fieldErrors ?? {}) : {};
  return (
    <form action={formAction} className="form" aria-label="Share with an assessor" style={{ maxWidth: 560 }}>
      <input type="hidden" name="hash" value={hash} />
      <label>
        Assessor&apos;s email
        <input type="email" name="email" required maxLength={320} aria-invalid={!!errors.email} />
        {errors.email ? <span className="field-error">{errors.email[0]}</span> : null}
      </label>
      <label>
        Link valid for (days, at most {SHARE_MAX_DAYS})
        <input type="number" name="days" min={1} max={SHARE_MAX_DAYS} defaultValue={7} required aria-invalid={!!errors.days} />
        {errors.days ? <span className="field-error">{errors.days[0]}</span> : null}
      </label>
      <label className="switch">
        <input type="checkbox" name="allowDownload" /> Allow the assessor to download the video (their email is burned into it)
      </label>
      {!downloadsEnabled ? (
        <p className="field-hint">Session video download is turned off in System parameters: a download stays impossible while it is.</p>
      ) : null}
      {state.status === "error" && !Object.keys(errors).length ? (
        <p className="alert alert-error" role="alert">
          {state.message}
        </p>
      ) : null}
      {state.status === "ok" ? (
        <div className="alert alert-ok" role="status">
          <p style={{ margin: 0 }}>{state.message}</p>
          {state.data?.url ? (
            <p style={{ margin: "0.3rem 0 0" }}>
              Link:{" "}
              <code data-testid="share-url" style={{ userSelect: "all", overflowWrap: "anywhere" }}>
                {state.data.url}
              </code>
            </p>
          ) : null}
        </div>
      ) : null}
      <div className="actions">
        <button type="submit" className="button button-primary" disabled={pending}>
          {pending ? "Sending…" : "Send the link"}
        </button>
      </div>
    </form>
  );
}

export function RevokeLinkButton({ id, recipient }: { id: string; recipient: string }) {
  const router = useRouter();
  const [state, formAction, pending] = useActionState(revokeShareLinkAction, { status: "idle" } as ActionState);
  useEffect(() => {
    if (state.status === "ok") router.refresh();
  }, [state, router]);
  return (
    <form action={formAction} className="inline-form">
      <input type="hidden" name="id" value={id} />
      <button type="submit" className="button button-small button-danger" disabled={pending} aria-label={`Revoke the link for ${recipient}`}>
        {pending ? "Revoking…" : "Revoke"}
      </button>
      {state.status === "error" ? (
        <span className="field-error" role="alert">
          {state.message}
        </span>
      ) : null}
    </form>
  );
}
