"use client";
import { startTransition, useActionState, useEffect, useRef, useState, type FormEvent } from "react";
import type { ActionState } from "@/lib/actions/define-action";
import { fieldError, useActionForm } from "../users/use-action-form";
import { createRuleAction, deleteRuleAction, setRuleEnabledAction, testPatternAction, updateRuleAction } from "./actions";

/** The values a rule form starts with (a rule being edited, or the defaults of a new one). */
export type RuleFormValues = {
  id?: string;
  name: string;
  pattern: string;
  sessionType: "terminal" | "database";
  criticality: "low" | "medium" | "high";
  score: number;
  action: "allow" | "alert" | "block" | "interrupt";
  attempts: number | null;
  mitreTechnique: string | null;
  enabled: boolean;
  builtIn?: boolean;
};

function Message({ state }: { state: ActionState<unknown> }) {
  if (state.status === "idle" || !state.message) return null;
  return (
    <p role={state.status === "error" ? "alert" : "status"} className={`alert ${state.status === "error" ? "alert-error" : "alert-ok"}`}>
      {state.message}
    </p>
  );
}

function FieldError({ message, id }: { message?: string; id: string }) {
  return message ? (
    <span className="field-error" id={id}>
      {message}
    </span>
  ) : null;
}

type TestResult = { text: string; matched: boolean }[];

/**
 * Create or edit a rule. The "Test pattern" button runs the pattern typed in
 * the form against sample commands without saving; the server checks the
 * pattern the same way it does on save.
 */
export function RuleForm({ initial }: { initial: RuleFormValues }) {
  const editing = Boolean(initial.id);
  const [state, formAction, pending] = useActionState<ActionState<unknown>, FormData>(
    (editing ? updateRuleAction : createRuleAction) as (p: ActionState<unknown>, f: FormData) => Promise<ActionState<unknown>>,
    { status: "idle" },
  );
  const [testState, testAction, testing] = useActionState<ActionState<unknown>, FormData>(
    testPatternAction as (p: ActionState<unknown>, f: FormData) => Promise<ActionState<unknown>>,
    { status: "idle" },
  );
  const [action, setAction] = useState(initial.action);
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (state.status === "ok" && !editing) {
      formRef.current?.reset();
      // eslint-disable-next-line react-hooks/set-state-in-effect -- useActionState has no success callback; the reset follows the state it returned
      setAction(initial.action);
    }
  }, [state, editing, initial.action]);

  // Submitting through a handler keeps what was typed (React resets forms after an action); the submitter says which action.
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    const data = new FormData(event.currentTarget, submitter);
    startTransition(() => (submitter?.value === "test" ? testAction(data) : formAction(data)));
  };
  const err = (field: string) => fieldError(state, field) ?? (field === "pattern" ? fieldError(testState, "pattern") : undefined);
  const results = testState.status === "ok" ? (testState.data as TestResult | undefined) : undefined;

  return (
    <form ref={formRef} action={formAction} onSubmit={onSubmit} className="form" aria-label={editing ? "Edit rule" : "Add rule"}>
      {initial.id ? <input type="hidden" name="id" value={initial.id} /> : null}
      <label>
        Name
        <input name="name" required maxLength={120} defaultValue={initial.name} aria-invalid={!!err("name")} aria-describedby="rule-name-error" />
        <FieldError message={err("name")} id="rule-name-error" />
      </label>
      <label>
        Pattern (RE2 regular expression, matched anywhere in the command)
        <textarea
          name="pattern"
          required
          rows={3}
          maxLength={2000}
          spellCheck={false}
          className="mono"
          defaultValue={initial.pattern}
          aria-invalid={!!err("pattern")}
          aria-describedby="rule-pattern-error rule-pattern-help"
        />
        <span className="muted" id="rule-pattern-help">
          Lookahead, lookbehind and backreferences are not supported: every pattern runs in linear time. Database patterns ignore case.
        </span>
        <FieldError message={err("pattern")} id="rule-pattern-error" />
      </label>
      <div className="actions">
        <label>
          Session type
          <select name="sessionType" defaultValue={initial.sessionType}>
            <option value="terminal">Terminal</option>
            <option value="database">Database</option>
          </select>
        </label>
        <label>
          Criticality
          <select name="criticality" defaultValue={initial.criticality}>
            <option value="low">Low</option>
            <option value="medium">Medium</option>
            <option value="high">High</option>
          </select>
        </label>
        <label>
          Score
          <input name="score" type="number" min={0} max={1000} step={1} required defaultValue={initial.score} aria-invalid={!!err("score")} />
          <FieldError message={err("score")} id="rule-score-error" />
        </label>
        <label>
          Action
          <select name="action" value={action} onChange={(e) => setAction(e.target.value as RuleFormValues["action"])}>
            <option value="allow">Allow</option>
            <option value="alert">Alert</option>
            <option value="block">Block</option>
            <option value="interrupt">Interrupt after N attempts</option>
          </select>
        </label>
        {action === "interrupt" ? (
          <label>
            Attempts (N)
            <input name="attempts" type="number" min={1} max={100} step={1} required defaultValue={initial.attempts ?? 1} aria-invalid={!!err("attempts")} />
            <FieldError message={err("attempts")} id="rule-attempts-error" />
          </label>
        ) : null}
        <label>
          MITRE ATT&amp;CK technique
          <input
            name="mitreTechnique"
            maxLength={9}
            placeholder="T1548.003"
            defaultValue={initial.mitreTechnique ?? ""}
            aria-invalid={!!err("mitreTechnique")}
          />
          <FieldError message={err("mitreTechnique")} id="rule-mitre-error" />
        </label>
        <label className="checkbox">
          <input name="enabled" type="checkbox" defaultChecked={initial.enabled} /> Enabled
        </label>
      </div>

      <fieldset className="panel">
        <legend>Test this pattern</legend>
        <label>
          Sample commands, one a line
          <textarea
            name="samples"
            rows={3}
            spellCheck={false}
            className="mono"
            placeholder={"sudo su -\nls -la"}
            aria-invalid={!!fieldError(testState, "samples")}
          />
          <FieldError message={fieldError(testState, "samples")} id="rule-samples-error" />
        </label>
        <button type="submit" name="intent" value="test" className="button" disabled={testing} formNoValidate>
          {testing ? "Testing…" : "Test pattern"}
        </button>
        {testState.status === "error" && !fieldError(testState, "pattern") && !fieldError(testState, "samples") ? <Message state={testState} /> : null}
        {results ? (
          <div aria-live="polite">
            <p className="muted">{testState.status === "ok" ? testState.message : null}</p>
            <ul className="pattern-results">
              {results.map((r, i) => (
                <li key={i} data-matched={r.matched}>
                  <span className={`badge ${r.matched ? "crit-high" : "status-closed"}`}>{r.matched ? "Matches" : "No match"}</span> <code>{r.text}</code>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
      </fieldset>

      <div className="actions">
        <button type="submit" name="intent" value="save" className="button button-primary" disabled={pending}>
          {pending ? "Saving…" : editing ? "Save rule" : "Add rule"}
        </button>
      </div>
      <Message state={state} />
    </form>
  );
}

export function ToggleRuleForm({ id, name, enabled }: { id: string; name: string; enabled: boolean }) {
  const { state, formAction, pending, onSubmit } = useActionForm(setRuleEnabledAction);
  return (
    <form action={formAction} onSubmit={onSubmit} className="inline-form" aria-label={`${enabled ? "Disable" : "Enable"} ${name}`}>
      <input type="hidden" name="id" value={id} />
      <input type="hidden" name="enabled" value={enabled ? "false" : "true"} />
      <button type="submit" className="button" disabled={pending}>
        {enabled ? "Disable" : "Enable"}
      </button>
      {state.status === "error" ? <Message state={state} /> : null}
    </form>
  );
}

export function DeleteRuleForm({ id, name }: { id: string; name: string }) {
  const { state, formAction, pending, onSubmit } = useActionForm(deleteRuleAction);
  return (
    <form
      action={formAction}
      onSubmit={(e) => {
        if (!window.confirm(`Delete the rule "${name}"? Past findings keep its name.`)) {
          e.preventDefault();
          return;
        }
        onSubmit(e);
      }}
      className="inline-form"
      aria-label={`Delete ${name}`}
    >
      <input type="hidden" name="id" value={id} />
      <button type="submit" className="button" disabled={pending}>
        Delete
      </button>
      {state.status === "error" ? <Message state={state} /> : null}
    </form>
  );
}
