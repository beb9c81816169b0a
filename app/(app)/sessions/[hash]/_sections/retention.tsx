import { Time } from "@/app/_components/time";
import { DELETION_BASIS_LABELS } from "@/lib/domain/retention";
import { getSessionRetention } from "@/lib/retention";
import type { SessionReport } from "@/lib/sessions/report";
import { DecideDeletionForm, PlaceHoldForm, ReleaseHoldForm, RequestDeletionForm } from "./retention-forms";

/**
 * Retention: how long the recording is kept, its legal holds, an early
 * deletion waiting for a second admin, and, once deleted, its tombstone.
 * The caller has already checked that `viewer` may see the session.
 */
export async function RetentionSection({ report: { session, recording, viewer } }: { report: SessionReport }) {
  const r = await getSessionRetention({ ...session, recordingId: recording?.id ?? null });
  const path = `/sessions/${session.hash}`;
  const admin = viewer.role === "admin";
  const t = r.tombstone;
  return (
    <section className="panel" aria-labelledby="section-retention" data-testid="retention-section">
      <h2 id="section-retention">
        Retention{" "}
        {r.activeHold ? (
          <span className="badge badge-hold" data-testid="hold-badge">
            On legal hold
          </span>
        ) : null}
      </h2>
      {t ? (
        <p className="alert alert-warn" data-testid="tombstone">
          Recording deleted on <Time date={t.deletedAt} /> by {t.deletedBy ? t.deletedBy.email : "the retention policy"} (
          {t.basis === "policy" ? DELETION_BASIS_LABELS.policy : `${DELETION_BASIS_LABELS.request}: ${t.reason}`}).
          {t.sha256 ? (
            <>
              {" "}
              SHA-256 of the deleted media <span className="mono">{t.sha256}</span>
            </>
          ) : null}
          {t.chainHead ? (
            <>
              , chain head <span className="mono">{t.chainHead}</span>
            </>
          ) : null}
          .
          {t.purgeRefusedAt && !t.purgedAt ? (
            <span data-testid="purge-refused">
              {" "}
              The store refused to delete its objects (Object Lock, <Time date={t.purgeRefusedAt} />
              ): {t.purgeRefusedReason} They stay until their lock ends; the expiry job tries again every hour.
            </span>
          ) : null}
        </p>
      ) : (
        <p>
          {recording ? (
            <>
              Kept {r.period}
              {r.expiresAt ? (
                <>
                  : the policy deletes it after <Time date={r.expiresAt} />
                  {r.activeHold ? ", not while it is on hold" : ""}.
                </>
              ) : (
                "."
              )}
            </>
          ) : (
            "No media was received for this session."
          )}
        </p>
      )}
      {r.storeLock ? (
        <p data-testid="store-lock">
          {"error" in r.storeLock ? (
            <>Write-once storage: the store did not tell its lock ({r.storeLock.error}).</>
          ) : (
            <>
              Write-once storage (S3 Object Lock):{" "}
              {r.storeLock.retainUntil ? (
                <>
                  the store keeps the recording in {r.storeLock.mode === "COMPLIANCE" ? "compliance" : "governance"} mode until{" "}
                  <Time date={r.storeLock.retainUntil} />
                </>
              ) : (
                "no retention period of its own"
              )}
              {r.storeLock.legalHold ? ", with its legal hold on" : ", no legal hold"}.
            </>
          )}
        </p>
      ) : null}
      {r.activeHold ? (
        <div>
          <p>
            On hold since <Time date={r.activeHold.placedAt} /> by {r.activeHold.placedByEmail}: {r.activeHold.reason}
            {r.activeHold.caseReference ? ` (case ${r.activeHold.caseReference})` : ""}.
          </p>
          {admin ? <ReleaseHoldForm holdId={r.activeHold.id} path={path} /> : null}
        </div>
      ) : admin ? (
        <details>
          <summary className="button button-small">Put on legal hold…</summary>
          <PlaceHoldForm sessionId={session.id} path={path} userName={session.userName} host={session.host} />
        </details>
      ) : null}
      {r.holds.some((h) => h.releasedAt) ? (
        <details>
          <summary>Released holds</summary>
          <ul>
            {r.holds
              .filter((h) => h.releasedAt)
              .map((h) => (
                <li key={h.id}>
                  Held <Time date={h.placedAt} /> by {h.placedByEmail} ({h.reason}); released <Time date={h.releasedAt} /> by {h.releasedByEmail}
                  {h.releaseReason ? ` (${h.releaseReason})` : ""}.
                </li>
              ))}
          </ul>
        </details>
      ) : null}
      {!t && recording && admin ? (
        r.pendingDeletion ? (
          <div data-testid="pending-deletion">
            <p>
              Early deletion asked for <Time date={r.pendingDeletion.requestedAt} /> by {r.pendingDeletion.requestedByEmail}: {r.pendingDeletion.reason}.{" "}
              {r.pendingDeletion.requestedBy === viewer.id ? "Another administrator must confirm it." : ""}
            </p>
            <DecideDeletionForm sessionId={session.id} path={path} canConfirm={r.pendingDeletion.requestedBy !== viewer.id && !r.activeHold} />
          </div>
        ) : !r.activeHold ? (
          <details>
            <summary className="button button-small">Delete the recording early…</summary>
            <p className="field-hint">A second administrator must confirm. The session&apos;s metadata, the SHA-256 and the chain head stay.</p>
            <RequestDeletionForm sessionId={session.id} path={path} />
          </details>
        ) : null
      ) : null}
    </section>
  );
}
