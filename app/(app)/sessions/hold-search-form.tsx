"use client";
import { ActionForm, FieldError } from "@/app/(app)/_components/action-form";
import type { SessionListQuery } from "@/lib/sessions/filters";
import { holdSearchAction } from "./actions";

/** For admins under a filtered list: put every session the search finds on legal hold. */
export function HoldSearchForm({ query }: { query: SessionListQuery }) {
  const kept = { q: query.q, type: query.type, status: query.status, from: query.from, to: query.to, crit: query.crit, hold: query.hold };
  return (
    <details className="panel">
      <summary className="button button-small">Put every session of this search on legal hold…</summary>
      <ActionForm action={holdSearchAction} label="Put the search on legal hold">
        {(state, pending) => (
          <>
            {Object.entries(kept).map(([k, v]) => (v ? <input key={k} type="hidden" name={k} value={v} /> : null))}
            <label className="field">
              Reason
              <input name="reason" required maxLength={1000} />
              <FieldError state={state} name="reason" />
            </label>
            <label className="field">
              Case reference (optional)
              <input name="caseReference" maxLength={200} />
            </label>
            <div className="actions">
              <button type="submit" className="button" disabled={pending}>
                Put on hold
              </button>
            </div>
          </>
        )}
      </ActionForm>
    </details>
  );
}
