import Link from "next/link";
import { viewerTimeZone } from "@/app/_components/time";
import { requireViewer } from "@/lib/auth/viewer";
import { mayReview } from "@/lib/domain/reviews";
import { hasAnySession, listSessions } from "@/lib/sessions/queries";
import { hasFilters, parseSessionListQuery, sessionListHref, toSessionFilter, type RawSearchParams } from "@/lib/sessions/filters";
import { FiltersForm } from "./filters-form";
import { HoldSearchForm } from "./hold-search-form";
import { SessionsTable } from "./sessions-table";

export const metadata = { title: "Remote sessions · Session Video" };

// GET /sessions - the Remote sessions list: filters, sort and page all come from the URL.
export default async function RemoteSessionsPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const viewer = await requireViewer("/sessions");
  const parsed = parseSessionListQuery(await searchParams);
  const { errors } = parsed;
  // The review filters are the auditors' (lib/domain/reviews): a user's list ignores them, as listSessions does.
  const showReview = mayReview(viewer);
  const query = showReview ? parsed.query : { ...parsed.query, review: undefined, verdict: undefined };
  const timeZone = await viewerTimeZone();
  const filter = toSessionFilter(query, timeZone);
  const page = await listSessions({ viewer, filter, sort: query.sort, cursor: query.cursor });
  const anyAtAll = page.rows.length > 0 || (await hasAnySession({ viewer }));
  const filtered = hasFilters(query);

  return (
    <>
      <div className="breadcrumb">Audit › Sessions › Remote sessions</div>
      <div className="page-head">
        <h1>Remote sessions</h1>
        {viewer.role === "user" ? <p className="muted">Only the sessions you performed are listed.</p> : null}
      </div>
      {errors.length ? (
        <div className="alert alert-warn" role="alert" style={{ marginBottom: "0.75rem" }}>
          {errors.map((e) => (
            <div key={e}>{e}</div>
          ))}
        </div>
      ) : null}
      <FiltersForm query={query} showReview={showReview} />
      {viewer.role === "admin" && filtered && page.rows.length ? <HoldSearchForm query={query} /> : null}
      {page.rows.length ? (
        <>
          <SessionsTable rows={page.rows} now={new Date()} timeZone={timeZone} showReview={showReview} />
          <nav className="pager" aria-label="Pages">
            {page.newer ? (
              <>
                <Link href={sessionListHref(query)} className="button button-small">
                  « First page
                </Link>
                <Link href={sessionListHref(query, page.newer)} className="button button-small" rel="prev">
                  ‹ Newer
                </Link>
              </>
            ) : null}
            {page.older ? (
              <Link href={sessionListHref(query, page.older)} className="button button-small" rel="next">
                Older ›
              </Link>
            ) : null}
          </nav>
        </>
      ) : (
        <div className="table-wrap">
          <div className="empty">
            {!anyAtAll ? (
              <p>
                {viewer.role === "user"
                  ? "You have no recorded sessions yet."
                  : "No remote sessions have been recorded yet. They appear here as the session proxies report them."}
              </p>
            ) : filtered ? (
              <>
                <p>No session matches these filters.</p>
                <Link href="/sessions" className="button">
                  Clear filters
                </Link>
              </>
            ) : (
              <>
                <p>There are no sessions on this page.</p>
                <Link href={sessionListHref(query)} className="button">
                  First page
                </Link>
              </>
            )}
          </div>
        </div>
      )}
    </>
  );
}
