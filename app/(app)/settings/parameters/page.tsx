import type { Metadata } from "next";
import { Time } from "@/app/_components/time";
import { requireAdmin } from "@/lib/auth/viewer";
import { listParameterGroups } from "@/lib/settings";
import { formatParameterValue, groupSlug } from "@/lib/settings/fields";
import { ParametersForm, type ParameterRow } from "./parameters-form";

export const metadata: Metadata = { title: "System parameters" };

export default async function ParametersPage() {
  await requireAdmin("/settings/parameters");
  const groups = await listParameterGroups();
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
    </>
  );
}
