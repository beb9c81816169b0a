"use client";
import { startTransition, useActionState, useCallback, useEffect, useState } from "react";
import type { ActionState } from "@/lib/actions/define-action";
import { describeLiveCommand, inputLocked, LIVE_COMMAND_LABELS, type LiveCommandKind, type LiveControlState } from "@/lib/domain/live";
import { formatClockTime } from "@/lib/format";
import { lockInputAction, sendMessageAction, terminateSessionAction, unlockInputAction } from "./actions";

const ACTIONS = {
  terminate: terminateSessionAction,
  lock: lockInputAction,
  unlock: unlockInputAction,
  message: sendMessageAction,
} as const;

const PROMPTS: Record<LiveCommandKind, string | null> = {
  terminate: "Reason for terminating (kept in the audit trail)",
  lock: "Reason for locking the input (kept in the audit trail)",
  unlock: null,
  message: "Message to show the user",
};

const POLL_MS = 1500;

/**
 * The live controls of a session, in the player and on the report: the
 * commands sent to the proxy and what became of them ("Terminated by Ana at
 * 14:03:11: reason"), following the session by itself; and, for who may
 * control live sessions while the session is being recorded, the buttons.
 */
export function LiveControls({ hash, initial, timeZone }: { hash: string; initial: LiveControlState; timeZone: string }) {
  const [state, setState] = useState(initial);
  const [open, setOpen] = useState<LiveCommandKind | null>(null);
  const live = state.status === "active";
  const pending = state.commands.some((c) => !c.outcome);

  const refresh = useCallback(async () => {
    const res = await fetch(`/api/sessions/${encodeURIComponent(hash)}/live-commands`, { cache: "no-store" }).catch(() => null);
    if (res?.ok) setState((await res.json()) as LiveControlState);
  }, [hash]);

  useEffect(() => {
    if (!live && !pending) return;
    const id = setInterval(() => void refresh(), POLL_MS);
    return () => clearInterval(id);
  }, [live, pending, refresh]);

  const locked = inputLocked(state.commands);
  const kinds: LiveCommandKind[] = ["terminate", locked ? "unlock" : "lock", "message"];
  const terminated = state.commands.find((c) => c.kind === "terminate" && c.outcome === "done");

  return (
    <section className="panel live-controls" aria-labelledby={`live-${hash}`} data-testid="live-controls">
      <h2 id={`live-${hash}`}>Live control</h2>
      {terminated ? (
        <p className="alert alert-warn" role="status" data-testid="live-terminated">
          {describeLiveCommand({ ...terminated, at: formatClockTime(new Date(terminated.issuedAt), timeZone) })}
        </p>
      ) : null}
      {state.commands.length ? (
        <ul className="live-commands">
          {state.commands.map((c) => (
            <li key={c.id} data-testid="live-command" data-kind={c.kind} data-outcome={c.outcome ?? "pending"}>
              {describeLiveCommand({ ...c, at: formatClockTime(new Date(c.issuedAt), timeZone) })}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No command has been sent to this session.</p>
      )}
      {!live ? <p className="muted">The session has ended{state.errorMessage ? `: ${state.errorMessage}` : "."}</p> : null}
      {live && state.canControl ? (
        <>
          <div className="actions" role="group" aria-label="Live control">
            {kinds.map((kind) => (
              <button
                key={kind}
                type="button"
                className={`button ${kind === "terminate" ? "button-danger" : ""}`}
                aria-expanded={open === kind}
                onClick={() => (kind === "unlock" ? setOpen(kind) : setOpen(open === kind ? null : kind))}
              >
                {LIVE_COMMAND_LABELS[kind]}
              </button>
            ))}
          </div>
          {open ? (
            <CommandForm
              key={open}
              hash={hash}
              kind={open}
              onDone={() => {
                setOpen(null);
                void refresh();
              }}
            />
          ) : null}
        </>
      ) : null}
      {live && !state.canControl ? (
        <p className="muted">
          Only administrators (and auditors, when an administrator allows it under System parameters) can terminate, lock or message this session.
        </p>
      ) : null}
    </section>
  );
}

function CommandForm({ hash, kind, onDone }: { hash: string; kind: LiveCommandKind; onDone: () => void }) {
  const [state, formAction, pending] = useActionState<ActionState<{ id: string }>, FormData>(ACTIONS[kind], { status: "idle" });
  const prompt = PROMPTS[kind];
  useEffect(() => {
    if (state.status === "ok") onDone();
  }, [state, onDone]);
  const error = state.status === "error" ? (state.fieldErrors?.text?.[0] ?? state.message) : null;
  return (
    <form
      className="form live-command-form"
      aria-label={LIVE_COMMAND_LABELS[kind]}
      action={formAction}
      onSubmit={(e) => {
        e.preventDefault();
        const data = new FormData(e.currentTarget);
        startTransition(() => formAction(data));
      }}
    >
      <input type="hidden" name="hash" value={hash} />
      {prompt ? (
        <label className="field">
          {prompt}
          <textarea name="text" required maxLength={1000} rows={2} aria-invalid={!!error} autoFocus />
        </label>
      ) : (
        <p>Give the user their input back?</p>
      )}
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="actions">
        <button type="submit" className={`button ${kind === "terminate" ? "button-danger" : "button-primary"}`} disabled={pending}>
          {pending ? "Sending…" : `${LIVE_COMMAND_LABELS[kind]} now`}
        </button>
      </div>
    </form>
  );
}
