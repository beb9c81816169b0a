import Link from "next/link";
import { CRITICALITIES } from "@/lib/domain/rules";
import { PROTOCOLS, SESSION_STATUSES } from "@/lib/domain/sessions";
import { CRITICALITY_LABELS } from "@/lib/domain/rules";
import { MAX_SEARCH_LENGTH, hasFilters, type SessionListQuery } from "@/lib/sessions/filters";
import { PROTOCOL_LABELS, STATUS_LABELS } from "@/lib/domain/sessions";
import { REVIEW_STATE_LABELS, REVIEW_STATES, REVIEW_VERDICT_LABELS, REVIEW_VERDICTS } from "@/lib/domain/reviews";

/**
 * The list's filters as a plain GET form: the values land in the URL, so a
 * filtered list can be shared and the back button returns to the previous one.
 * Submitting drops the page cursor, so new filters start on the first page.
 */
export function FiltersForm({ query, showReview }: { query: SessionListQuery; showReview: boolean }) {
  return (
    <form method="get" action="/sessions" className="filters" role="search" aria-label="Filter sessions">
      <label>
        Search
        <input type="search" name="q" defaultValue={query.q ?? ""} maxLength={MAX_SEARCH_LENGTH} placeholder="ID, user, host or credential…" size={28} />
      </label>
      <label>
        Type
        <select name="type" defaultValue={query.type ?? ""}>
          <option value="">All types</option>
          {PROTOCOLS.map((p) => (
            <option key={p} value={p}>
              {PROTOCOL_LABELS[p]}
            </option>
          ))}
        </select>
      </label>
      <label>
        Status
        <select name="status" defaultValue={query.status ?? ""}>
          <option value="">All statuses</option>
          {SESSION_STATUSES.map((s) => (
            <option key={s} value={s}>
              {STATUS_LABELS[s]}
            </option>
          ))}
        </select>
      </label>
      <label>
        From
        <input type="date" name="from" defaultValue={query.from ?? ""} min="2000-01-01" max="2100-12-31" />
      </label>
      <label>
        To
        <input type="date" name="to" defaultValue={query.to ?? ""} min="2000-01-01" max="2100-12-31" />
      </label>
      <label>
        Minimum criticality
        <select name="crit" defaultValue={query.crit ?? ""}>
          <option value="">Any</option>
          {CRITICALITIES.map((c) => (
            <option key={c} value={c}>
              {CRITICALITY_LABELS[c]}
            </option>
          ))}
        </select>
      </label>
      {showReview ? (
        <>
          <label>
            Review
            <select name="review" defaultValue={query.review ?? ""}>
              <option value="">Any</option>
              {REVIEW_STATES.map((r) => (
                <option key={r} value={r}>
                  {REVIEW_STATE_LABELS[r]}
                </option>
              ))}
            </select>
          </label>
          <label>
            Verdict
            <select name="verdict" defaultValue={query.verdict ?? ""}>
              <option value="">Any</option>
              {REVIEW_VERDICTS.map((v) => (
                <option key={v} value={v}>
                  {REVIEW_VERDICT_LABELS[v]}
                </option>
              ))}
            </select>
          </label>
        </>
      ) : null}
      <label>
        Legal hold
        <select name="hold" defaultValue={query.hold ?? ""}>
          <option value="">Any</option>
          <option value="1">On hold only</option>
        </select>
      </label>
      <label>
        Sort
        <select name="sort" defaultValue={query.sort}>
          <option value="newest">Newest first</option>
          <option value="risk">Highest risk first</option>
        </select>
      </label>
      <div className="actions">
        <button type="submit" className="button button-primary">
          Apply filters
        </button>
        {hasFilters(query) || query.sort !== "newest" ? (
          <Link href="/sessions" className="button">
            Clear filters
          </Link>
        ) : null}
      </div>
    </form>
  );
}
