import type { SessionListRow } from "@/lib/sessions/queries";
import { formatDateTime, formatDuration, formatSize, shortHash } from "@/lib/format";
import { CRITICALITY_LABELS } from "@/lib/domain/rules";
import { PROTOCOL_LABELS, STATUS_LABELS } from "@/lib/domain/sessions";
import { REVIEW_VERDICT_LABELS } from "@/lib/domain/reviews";
import { SessionsTableView, type SessionsTableRow } from "./sessions-table-view";

/**
 * The Remote sessions table. The server formats every cell (time zone, sizes,
 * labels) and hands the 50 rows to <SessionsTableView> as plain strings: the
 * page then carries the rows once as data instead of ~1,300 server-rendered
 * elements serialized twice (HTML and the RSC payload), which halves the cost
 * of rendering a page of the list.
 */
export function SessionsTable({ rows, now, timeZone, showReview }: { rows: SessionListRow[]; now: Date; timeZone: string; showReview: boolean }) {
  const view: SessionsTableRow[] = rows.map((s) => {
    const start = s.startedAt.toISOString();
    const end = s.endedAt?.toISOString() ?? null;
    return {
      id: s.id,
      hash: s.hash,
      short: shortHash(s.hash, 8),
      user: s.userName,
      credential: s.credentialUsername,
      host: s.host,
      type: PROTOCOL_LABELS[s.protocol],
      start: [start, formatDateTime(s.startedAt, timeZone)],
      end: end ? [end, formatDateTime(s.endedAt!, timeZone)] : null,
      duration: formatDuration((s.endedAt ?? now).getTime() - s.startedAt.getTime()),
      size: s.recordingSize > 0 ? formatSize(s.recordingSize) : null,
      risk: s.riskScore,
      criticality: s.maxCriticality ? [s.maxCriticality, CRITICALITY_LABELS[s.maxCriticality]] : null,
      status: [s.status, STATUS_LABELS[s.status]],
      held: s.held,
      verdict: showReview && s.reviewVerdict ? [s.reviewVerdict, REVIEW_VERDICT_LABELS[s.reviewVerdict]] : null,
    };
  });
  return <SessionsTableView rows={view} showReview={showReview} />;
}
