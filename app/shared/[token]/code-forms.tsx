"use client";
import { useRouter } from "next/navigation";
import { useActionState, useEffect, useState } from "react";
import type { ActionState } from "@/lib/actions/define-action";
import { SHARE_CODE } from "@/lib/domain/reviews";
import { sendShareCodeAction, verifyShareCodeAction } from "./actions";

type Result = ActionState<{ sent: boolean }>;

/** Step 1: send the one-time code to the link's recipient; step 2: type it. Then the shared session opens. */
export function CodeForms({ token, maskedEmail }: { token: string; maskedEmail: string }) {
  const router = useRouter();
  const [sent, setSent] = useState(false);
  const [sendState, sendAction, sending] = useActionState(
    async (prev: Result, data: FormData) => {
      const result = await sendShareCodeAction(prev, data);
      // Once a code went out, the field to type it stays (a second "send" that is refused does not hide it).
      if (result.status === "ok") setSent(true);
      return result;
    },
    { status: "idle" } as Result,
  );
  const [verifyState, verifyAction, verifying] = useActionState(verifyShareCodeAction, { status: "idle" } as Result);
  useEffect(() => {
    if (verifyState.status === "ok") router.push("/assessor");
  }, [verifyState, router]);
  return (
    <div className="form">
      <form action={sendAction} aria-label="Send the code">
        <input type="hidden" name="token" value={token} />
        <p>
          To confirm that this link is yours, we send a one-time code to <strong>{maskedEmail}</strong>, the address it was shared with.
        </p>
        <button type="submit" className={sent ? "button" : "button button-primary"} disabled={sending}>
          {sending ? "Sending…" : sent ? "Send another code" : "Send me a code"}
        </button>
        {sendState.status === "error" ? (
          <p className="alert alert-error" role="alert" style={{ marginTop: "0.5rem" }}>
            {sendState.message}
          </p>
        ) : sendState.status === "ok" ? (
          <p className="alert alert-ok" role="status" style={{ marginTop: "0.5rem" }}>
            {sendState.message}
          </p>
        ) : null}
      </form>
      {sent ? (
        <form action={verifyAction} className="form" aria-label="Enter the code">
          <input type="hidden" name="token" value={token} />
          <label>
            Code from the email
            <input
              name="code"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern={`\\d{${SHARE_CODE.digits}}`}
              maxLength={SHARE_CODE.digits}
              required
              autoFocus
            />
          </label>
          {verifyState.status === "error" ? (
            <p className="alert alert-error" role="alert">
              {verifyState.fieldErrors?.code?.[0] ?? verifyState.message}
            </p>
          ) : null}
          <button type="submit" className="button button-primary" disabled={verifying || verifyState.status === "ok"}>
            {verifying || verifyState.status === "ok" ? "Opening…" : "Open the shared session"}
          </button>
        </form>
      ) : null}
    </div>
  );
}
