import type { Metadata } from "next";
import { Time } from "@/app/_components/time";
import { requireAdmin } from "@/lib/auth/viewer";
import { getRetentionPolicy, previewPolicy } from "@/lib/retention";
import { retentionFormValues } from "@/lib/retention/form";
import { listParameterGroups } from "@/lib/settings";
import { formatParameterValue, groupSlug } from "@/lib/settings/fields";
import { ParametersForm, type ParameterRow } from "./parameters-form";
import { RetentionForm } from "./retention-form";

export const metadata: Metadata = { title: "System parameters" };

export default async function ParametersPage() {
  await requireAdmin("/settings/parameters");
  const [groups, retention] = await Promise.all([listParameterGroups(), getRetentionPolicy()]);
  const preview = await previewPolicy({ policy: retention.policy, now: new Date() });
  return (
    <>
      <div className="breadcrumb">Settings › System parameters</div>
      <div className="page-head">
        <h1>System parameters</h1>
      </div>
      {groups.map(({ group, parameters }) => {
        const rows: ParameterRow[] = parameters.map((p) => ({
          key: p.key,
          label: p.label,
          help: p.help,
          field: p.field,
          value: p.value,
          defaultLabel: formatParameterValue(p.key, p.defaultValue),
          lastChanged: p.updatedAt ? (
            <span className="parameter-changed">
              Last changed <Time date={p.updatedAt} /> by {p.updatedBy?.email ?? "a deleted account"}.
            </span>
          ) : (
            <span className="parameter-changed">Never changed.</span>
          ),
        }));
        const slug = groupSlug(group);
        return (
          <section key={group} id={slug} className="panel" aria-labelledby={`${slug}-title`}>
            <h2 id={`${slug}-title`}>{group}</h2>
            <ParametersForm group={group} rows={rows} />
          </section>
        );
      })}
      <section id="retention" className="panel" aria-labelledby="retention-title">
        <h2 id="retention-title">Retention</h2>
        <p className="muted" data-testid="retention-current">
          {retention.updatedAt ? (
            <>
              Last changed <Time date={retention.updatedAt} /> by {retention.updatedBy?.email ?? "a deleted account"}.{" "}
            </>
          ) : (
            "Never changed: recordings are kept forever. "
          )}
          The current policy deletes {preview.dueNow} recording{preview.dueNow === 1 ? "" : "s"} at the next hourly run and {preview.next30Days} more within 30
          days
          {preview.nextExpiry ? (
            <>
              {" "}
              (the next <Time date={preview.nextExpiry} />)
            </>
          ) : null}
          .{preview.expiredButHeld ? ` ${preview.expiredButHeld} expired recording(s) are kept on legal hold.` : ""}
        </p>
        <RetentionForm values={retentionFormValues(retention.policy)} />
      </section>
    </>
  );
}
