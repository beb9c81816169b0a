import type { Metadata } from "next";
import Link from "next/link";
import { requireAdmin } from "@/lib/auth/viewer";
import { actionLabel, SESSION_TYPE_LABELS } from "@/lib/domain/rules";
import { getRulesVersion, listRules } from "@/lib/analysis/queries/rules";
import { CRITICALITY_LABELS } from "@/lib/domain/rules";
import { DeleteRuleForm, RuleForm, ToggleRuleForm } from "./rule-forms";

export const metadata: Metadata = { title: "Audited commands" };

export default async function AuditedCommandsPage() {
  await requireAdmin("/settings/rules");
  const [rules, version] = await Promise.all([listRules(), getRulesVersion()]);
  const enabled = rules.filter((r) => r.enabled).length;
  return (
    <>
      <div className="breadcrumb">Settings › System parameters › Audited commands</div>
      <div className="page-head">
        <h1>Audited commands</h1>
        <span className="muted" data-testid="rules-version">
          Rules version {version} · {enabled} of {rules.length} rules enabled
        </span>
      </div>
      <p className="muted">
        Each command typed in a terminal session, and each statement of a database session, is matched against the enabled rules; every match adds the
        rule&apos;s score to the session&apos;s risk score. The session proxies read the enabled rules to enforce Block and Interrupt. Any change here analyzes
        every session again in the background.
      </p>

      <div className="table-wrap">
        <table className="data">
          <caption className="visually-hidden">Audited commands</caption>
          <thead>
            <tr>
              <th>Name</th>
              <th>Session type</th>
              <th>Pattern</th>
              <th>Criticality</th>
              <th>Score</th>
              <th>Action</th>
              <th>MITRE ATT&amp;CK</th>
              <th>Status</th>
              <th>Actions</th>
            </tr>
          </thead>
          <tbody>
            {rules.map((r) => (
              <tr key={r.id} data-rule-name={r.name}>
                <td>
                  <Link href={`/settings/rules/${r.id}`}>{r.name}</Link>
                  {r.builtIn ? (
                    <>
                      {" "}
                      <span className="badge status-closed">Built-in</span>
                    </>
                  ) : null}
                </td>
                <td>{SESSION_TYPE_LABELS[r.sessionType]}</td>
                <td>
                  <code className="mono" style={{ wordBreak: "break-all" }} title={r.pattern}>
                    {r.pattern.length > 80 ? `${r.pattern.slice(0, 80)}…` : r.pattern}
                  </code>
                </td>
                <td>
                  <span className={`badge crit-${r.criticality}`}>{CRITICALITY_LABELS[r.criticality]}</span>
                </td>
                <td>{r.score}</td>
                <td>{actionLabel(r.action, r.attempts)}</td>
                <td>
                  {r.mitreTechnique ? (
                    <a href={`https://attack.mitre.org/techniques/${r.mitreTechnique.replace(".", "/")}/`} rel="noreferrer" target="_blank">
                      {r.mitreTechnique}
                    </a>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
                <td>{r.enabled ? <span className="badge status-closed">Enabled</span> : <span className="badge">Disabled</span>}</td>
                <td>
                  <div className="actions">
                    <Link className="button" href={`/settings/rules/${r.id}`}>
                      Edit
                    </Link>
                    <ToggleRuleForm id={r.id} name={r.name} enabled={r.enabled} />
                    {r.builtIn ? null : <DeleteRuleForm id={r.id} name={r.name} />}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <section className="panel" aria-labelledby="add-rule-title">
        <h2 id="add-rule-title">Add rule</h2>
        <RuleForm
          initial={{
            name: "",
            pattern: "",
            sessionType: "terminal",
            criticality: "medium",
            score: 10,
            action: "alert",
            attempts: null,
            mitreTechnique: null,
            enabled: true,
          }}
        />
      </section>
    </>
  );
}
