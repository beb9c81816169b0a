"use client";
import { useActionState, type ReactNode } from "react";
import type { ActionState } from "@/lib/actions/define-action";
import type { ParameterField } from "@/lib/settings/fields";
import { saveParametersAction } from "./actions";

/** One parameter as the page shows it: plain data from the server. */
export type ParameterRow = {
  key: string;
  label: string;
  help: string;
  field: ParameterField;
  value: unknown;
  defaultLabel: string;
  /** Rendered on the server (who and when), or null if never changed. */
  lastChanged: ReactNode;
};

function Input({ row, error }: { row: ParameterRow; error?: string }) {
  const id = `param-${row.key.replace(/[^a-z0-9]/gi, "-")}`;
  const describedBy = `${id}-help`;
  const { field } = row;
  switch (field.kind) {
    case "boolean":
      return (
        <label className="switch" htmlFor={id}>
          <input
            id={id}
            type="checkbox"
            role="switch"
            name={row.key}
            value="true"
            defaultChecked={row.value === true}
            aria-describedby={describedBy}
            aria-invalid={!!error}
          />
          {row.label}
        </label>
      );
    case "enum":
      return (
        <label className="field" htmlFor={id}>
          {row.label}
          <select id={id} name={row.key} defaultValue={String(row.value)} aria-describedby={describedBy} aria-invalid={!!error}>
            {field.options.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </label>
      );
    case "number":
      return (
        <label className="field" htmlFor={id}>
          {row.label}
          <input
            id={id}
            type="number"
            name={row.key}
            defaultValue={String(row.value)}
            min={field.min ?? undefined}
            max={field.max ?? undefined}
            step={field.integer ? 1 : "any"}
            required
            aria-describedby={describedBy}
            aria-invalid={!!error}
          />
        </label>
      );
    case "text":
      return (
        <label className="field" htmlFor={id}>
          {row.label}
          <input
            id={id}
            name={row.key}
            defaultValue={String(row.value ?? "")}
            maxLength={field.maxLength ?? 2000}
            aria-describedby={describedBy}
            aria-invalid={!!error}
          />
        </label>
      );
  }
}

export function ParametersForm({ group, rows }: { group: string; rows: ParameterRow[] }) {
  const [state, formAction, pending] = useActionState<ActionState, FormData>(saveParametersAction, { status: "idle" });
  const errors = state.status === "error" ? (state.fieldErrors ?? {}) : {};
  return (
    <form action={formAction} className="form parameters-form" aria-label={group}>
      <input type="hidden" name="keys" value={rows.map((r) => r.key).join(",")} />
      {rows.map((row) => {
        const id = `param-${row.key.replace(/[^a-z0-9]/gi, "-")}`;
        const error = errors[row.key]?.[0];
        return (
          <div key={row.key} className="parameter" data-key={row.key}>
            <Input row={row} error={error} />
            <p id={`${id}-help`} className="muted parameter-help">
              {row.help} <span>Default: {row.defaultLabel}.</span> {row.lastChanged}
            </p>
            {error ? (
              <p className="field-error" role="alert">
                {error}
              </p>
            ) : null}
          </div>
        );
      })}
      {state.status !== "idle" && state.message ? (
        <p role={state.status === "error" ? "alert" : "status"} className={`alert ${state.status === "error" ? "alert-error" : "alert-ok"}`}>
          {state.message}
        </p>
      ) : null}
      <div className="actions">
        <button type="submit" className="button button-primary" disabled={pending}>
          {pending ? "Saving…" : "Save"}
        </button>
      </div>
    </form>
  );
}
