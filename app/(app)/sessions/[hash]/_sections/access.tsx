import Link from "next/link";
import { Time } from "@/app/_components/time";
import type { ViewerAccess } from "@/lib/access";

/**
 * Your access: while a justification is required, whether the viewer may
 * watch this session's video now and until when, or what they are waiting for.
 */
export function AccessSection({ hash, access }: { hash: string; access: ViewerAccess }) {
  if (!access.justificationRequired) return null;
  const { decision, latest } = access;
  const player = `/sessions/${encodeURIComponent(hash)}/play`;
  return (
    <section className="panel" aria-labelledby="section-access" data-testid="access-section">
      <h2 id="section-access">Your access</h2>
      {decision.allowed ? (
        <p data-state="open">
          You may watch and download this session&apos;s video until <strong>{decision.until ? <Time date={decision.until} /> : "—"}</strong>
          {latest?.reason ? (
            <span className="muted">
              {" "}
              (reason: “{latest.reason}”{latest.ticket ? `, ticket ${latest.ticket}` : ""})
            </span>
          ) : null}
          .
        </p>
      ) : latest?.status === "pending" && access.approvalRequired ? (
        <p data-state="pending">
          Your request of <Time date={latest.createdAt} /> waits for an administrator&apos;s approval.
        </p>
      ) : (
        <p data-state="none">
          {latest?.status === "denied" ? (
            <>Your last request was denied{latest.decisionComment ? <>: “{latest.decisionComment}”</> : null}. </>
          ) : latest?.status === "approved" && latest.expiresAt ? (
            <>
              Your access ended <Time date={latest.expiresAt} />.{" "}
            </>
          ) : (
            <>No access yet. </>
          )}
          Viewing this session&apos;s video needs a justification{access.approvalRequired ? " and an administrator's approval" : ""}:{" "}
          <Link href={player} prefetch={false}>
            give a reason in the player
          </Link>
          .
        </p>
      )}
    </section>
  );
}
