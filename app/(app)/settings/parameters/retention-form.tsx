"use client";
import { ActionForm, FieldError, FieldErrors } from "@/app/(app)/_components/action-form";
import { PROTOCOL_LABELS, PROTOCOLS } from "@/lib/domain/sessions";
import { saveRetentionPolicyAction } from "./actions";

/** The Retention form: a default period, one per protocol, and user or credential patterns. */
export function RetentionForm({ values }: { values: { defaultDays: string; protocols: Record<string, string>; patterns: string } }) {
  return (
    <ActionForm action={saveRetentionPolicyAction} label="Retention policy">
      {(state, pending) => (
        <>
          <label className="field" htmlFor="retention-default">
            Keep recordings (days, or &quot;forever&quot;)
            <input id="retention-default" name="defaultDays" defaultValue={values.defaultDays} required aria-describedby="retention-default-help" />
            <FieldError state={state} name="defaultDays" />
          </label>
          <p id="retention-default-help" className="field-hint">
            Counted from the end of each session. Events, commands, findings and videos for download go with their recording.
          </p>
          <fieldset>
            <legend>By protocol (blank: the default applies)</legend>
            <div className="retention-protocols">
              {PROTOCOLS.map((p) => (
                <label key={p} className="field" htmlFor={`retention-${p}`}>
                  {PROTOCOL_LABELS[p]}
                  <input id={`retention-${p}`} name={`protocol.${p}`} defaultValue={values.protocols[p] ?? ""} size={8} />
                  <FieldError state={state} name={`protocol.${p}`} />
                </label>
              ))}
            </div>
          </fieldset>
          <label className="field" htmlFor="retention-patterns">
            By user or credential, one per line
            <textarea
              id="retention-patterns"
              name="patterns"
              rows={4}
              defaultValue={values.patterns}
              placeholder={"user alice* 1095\ncredential svc-? forever"}
            />
            <FieldErrors state={state} name="patterns" />
          </label>
          <p className="field-hint">
            <code>*</code> matches any characters, <code>?</code> one; case does not matter. Every period that applies to a session counts and the longest wins:
            an override keeps recordings longer, never shorter. Sessions on legal hold, still recording or not verified are never deleted.
          </p>
          <div className="actions">
            <button type="submit" name="intent" value="preview" className="button" disabled={pending}>
              Preview
            </button>{" "}
            <button type="submit" name="intent" value="save" className="button primary" disabled={pending}>
              Save retention
            </button>
          </div>
        </>
      )}
    </ActionForm>
  );
}
