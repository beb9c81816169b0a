import type { Metadata } from "next";
import Link from "next/link";
import { Time } from "@/app/_components/time";
import { formatSize } from "@/lib/format";
import { requireAdmin } from "@/lib/auth/viewer";
import { auditTrailQuery, compactDetails, loadAuditTrailPage } from "@/lib/settings/audit-trail";
import { VerifyChainForm } from "./verify-chain-form";

export const metadata: Metadata = { title: "Audit trail" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function AuditTrailPage({ searchParams }: { searchParams: SearchParams }) {
  await requireAdmin("/settings/audit");
  const page = await loadAuditTrailPage(await searchParams);
  const { filters } = page;
  const filtered = Object.values(filters).some(Boolean);
  return (
    <>
      <div className="breadcrumb">Administration › Audit trail</div>
      <div className="page-head">
        <h1>Audit trail</h1>
        <span className="muted">Append-only: entries cannot be changed or deleted. Each entry is chained to the one before it by its hash.</span>
      </div>
      <VerifyChainForm />

      <form className="filters" method="get" action="/settings/audit" aria-label="Filters">
        <label>
          Action
          <select name="action" defaultValue={filters.action ?? ""}>
            <option value="">All actions</option>
            {page.actions.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
        <label>
          Actor email starts with
          <input name="actor" defaultValue={filters.actor ?? ""} maxLength={320} placeholder="alice@" />
        </label>
        <label>
          Target ID
          <input name="target" defaultValue={filters.target ?? ""} maxLength={200} />
        </label>
        <label>
          From (UTC)
          <input name="from" type="date" defaultValue={filters.from ?? ""} />
        </label>
        <label>
          To (UTC)
          <input name="to" type="date" defaultValue={filters.to ?? ""} />
        </label>
        <button type="submit" className="button button-primary">
          Filter
        </button>
        {filtered ? (
          <Link href="/settings/audit" className="button">
            Clear
          </Link>
        ) : null}
      </form>

      {page.problems.length ? (
        <div className="alert alert-warn page-alert" role="alert">
          {page.problems.map((p) => (
            <div key={p}>{p}</div>
          ))}
        </div>
      ) : null}

      <div className="table-wrap">
        <table className="data">
          <caption className="visually-hidden">Audit trail</caption>
          <thead>
            <tr>
              <th>When</th>
              <th>Action</th>
              <th>Actor</th>
              <th>Target</th>
              <th>IP</th>
              <th>Details</th>
            </tr>
          </thead>
          <tbody>
            {page.entries.map((e) => {
              const details = compactDetails(e.details);
              return (
                <tr key={e.id} data-action={e.action}>
                  <td>
                    <Time date={e.at} />
                  </td>
                  <td>
                    <Link href={`/settings/audit${auditTrailQuery({ ...filters, action: e.action })}`} className="mono">
                      {e.action}
                    </Link>
                  </td>
                  <td>{e.actorEmail ?? <span className="muted">—</span>}</td>
                  <td>
                    {e.targetId ? (
                      <Link href={`/settings/audit${auditTrailQuery({ ...filters, target: e.targetId })}`} title={e.targetType ?? undefined}>
                        {e.targetType ? <span className="muted">{e.targetType} </span> : null}
                        <span className="mono">{e.targetId}</span>
                      </Link>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                  <td className="mono">{e.ip ?? <span className="muted">—</span>}</td>
                  <td className="audit-details">
                    {e.stream ? (
                      <div data-testid="stream-served">
                        Served {formatSize(e.stream.bytes)} in {e.stream.requests} request{e.stream.requests === 1 ? "" : "s"}, until{" "}
                        <Time date={e.stream.lastAt} />
                      </div>
                    ) : null}
                    {details ? (
                      <code title={details.full !== details.short ? details.full : undefined}>{details.short}</code>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {page.entries.length === 0 ? (
          <div className="empty">{filtered || !page.isFirstPage ? "No entries match these filters." : "The audit trail is empty."}</div>
        ) : null}
      </div>

      <nav className="pager" aria-label="Pages">
        {!page.isFirstPage ? (
          <Link href={`/settings/audit${auditTrailQuery(filters)}`} className="button">
            Newest
          </Link>
        ) : null}
        {page.olderCursor ? (
          <Link href={`/settings/audit${auditTrailQuery(filters, page.olderCursor)}`} className="button" rel="next">
            Older
          </Link>
        ) : null}
      </nav>
    </>
  );
}
