import Link from "next/link";
import { useActionState } from "react";
import type { ActionState } from "@/lib/actions/define-action";
import { checkClip, type ClipRange } from "@/lib/player/clip";
import { requestVideoExport } from "../../download/actions";
import styles from "../player.module.css";
import { clock } from "./clock";

type Result = { exportId: string; hash: string };

/** A clip being set: either end may be missing until both buttons (or `[` and `]`) were used. */
export type ClipDraft = { startMs: number | null; endMs: number | null };

/**
 * The clip row under the controls: "Clip from here" / "to here" (keys `[`
 * and `]`), the range, and "Generate clip for download", which asks the
 * server for the same conversion as the full video, of that range only (the
 * server checks access, the parameter and the range again).
 */
export function ClipControls(props: { hash: string; draft: ClipDraft; durationMs: number; onFrom: () => void; onTo: () => void; onClear: () => void }) {
  const [state, formAction, pending] = useActionState<ActionState<Result>, FormData>(
    requestVideoExport as (prev: ActionState<Result>, formData: FormData) => Promise<ActionState<Result>>,
    { status: "idle" },
  );
  const { startMs, endMs } = props.draft;
  const checked: ClipRange | { error: string } | null = startMs !== null && endMs !== null ? checkClip({ startMs, endMs }, props.durationMs) : null;
  const range = checked && !("error" in checked) ? checked : null;
  return (
    <div className={styles.clipRow} data-testid="clip-controls">
      <button type="button" className="button" onClick={props.onFrom} title="Key [">
        Clip from here
      </button>
      <button type="button" className="button" onClick={props.onTo} title="Key ]">
        to here
      </button>
      <span className={styles.clock} data-testid="clip-range">
        {startMs === null && endMs === null
          ? "No clip set"
          : `Clip ${startMs === null ? "…" : clock(startMs / 1000)} – ${endMs === null ? "…" : clock(endMs / 1000)}`}
      </span>
      {checked && "error" in checked ? (
        <span className="field-error" role="alert">
          {checked.error}
        </span>
      ) : null}
      {startMs !== null || endMs !== null ? (
        <button type="button" className="button button-small" onClick={props.onClear}>
          Clear clip
        </button>
      ) : null}
      <form action={formAction} className="inline-form">
        <input type="hidden" name="hash" value={props.hash} />
        {range ? (
          <>
            <input type="hidden" name="clipStartMs" value={range.startMs} />
            <input type="hidden" name="clipEndMs" value={range.endMs} />
          </>
        ) : null}
        <button type="submit" className="button button-primary" disabled={!range || pending}>
          {pending ? "Starting…" : "Generate clip for download"}
        </button>
      </form>
      {state.status === "ok" ? (
        <span role="status" data-testid="clip-status">
          {state.message} It is listed under <Link href={`/sessions/${encodeURIComponent(props.hash)}#section-video-of-session`}>Video of session</Link>.
        </span>
      ) : state.status === "error" ? (
        <span className="field-error" role="alert">
          {state.fieldErrors?.clip?.[0] ?? state.message}
        </span>
      ) : null}
      <p className={`muted ${styles.clipNote}`} data-testid="clip-note">
        Exact to the frame: between its first and last keyframes a clip keeps the recording&apos;s own picture, and only its edges are encoded again. With the
        watermark on (System parameters), or for WebM, the whole clip is encoded again, which takes longer.
      </p>
    </div>
  );
}
