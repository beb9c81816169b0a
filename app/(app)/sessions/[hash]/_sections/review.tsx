import { Time } from "@/app/_components/time";
import type { RemoteSession } from "@/lib/db/schema";
import { REVIEW_VERDICT_LABELS } from "@/lib/domain/reviews";
import { listReviews } from "@/lib/review";
import { ReviewForm } from "../_review/review-form";

const VERDICT_BADGE = { no_issue: "status-closed", suspicious: "crit-medium", incident: "crit-high" } as const;

/** Review: the session's verdict, every review before it (none is overwritten), and "Mark as reviewed". */
export async function ReviewSection({ session, canReview }: { session: Pick<RemoteSession, "id" | "hash">; canReview: boolean }) {
  const reviews = await listReviews({ sessionId: session.id });
  const latest = reviews[0];
  return (
    <section className="panel" aria-labelledby="section-review" data-testid="review-section">
      <h2 id="section-review">Review</h2>
      {latest ? (
        <p data-testid="review-verdict">
          <span className={`badge ${VERDICT_BADGE[latest.review.verdict]}`}>{REVIEW_VERDICT_LABELS[latest.review.verdict]}</span>{" "}
          <span className="muted">
            by {latest.reviewerName} <Time date={latest.review.createdAt} />
          </span>
        </p>
      ) : (
        <p className="muted" data-testid="review-verdict">
          Not reviewed yet.
        </p>
      )}
      {reviews.length ? (
        <div className="table-wrap" style={{ marginTop: "0.5rem" }}>
          <table className="data" aria-label="Reviews">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Reviewer</th>
                <th scope="col">Verdict</th>
                <th scope="col">Comment</th>
              </tr>
            </thead>
            <tbody>
              {reviews.map((r) => (
                <tr key={r.review.id}>
                  <td>
                    <Time date={r.review.createdAt} />
                  </td>
                  <td title={r.reviewerEmail}>{r.reviewerName}</td>
                  <td>{REVIEW_VERDICT_LABELS[r.review.verdict]}</td>
                  <td style={{ whiteSpace: "pre-wrap" }}>{r.review.comment ?? <span className="muted">—</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {canReview ? <ReviewForm hash={session.hash} again={Boolean(latest)} /> : null}
    </section>
  );
}
