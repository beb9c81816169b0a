import { Time } from "@/app/_components/time";
import type { ViewerAccess } from "@/lib/access";
import { AccessForm } from "./access-form";

/**
 * What stands before the player or a download while the viewer has no open
 * access window: the justification form, or the request waiting for an
 * administrator, or the last decision. Rendered by the server only when the
 * access rule refused; the routes behind it check the same rule themselves.
 */
export function AccessGate({ hash, access, what }: { hash: string; access: ViewerAccess; what: string }) {
  const { latest, approvalRequired } = access;
  // A request left waiting once approval was turned off waits for nothing: the form opens access at once.
  const pending = latest?.status === "pending" && approvalRequired;
  return (
    <section className="panel" aria-labelledby="access-gate-heading" data-testid="access-gate">
      <h2 id="access-gate-heading">{pending ? "Waiting for approval" : "Why do you need to view this session?"}</h2>
      {pending ? (
        <p className="alert alert-info" role="status" data-state="pending">
          Your request (“{latest.reason}”{latest.ticket ? `, ticket ${latest.ticket}` : ""}) was sent <Time date={latest.createdAt} /> and waits for an
          administrator. You will get an email when it is decided; then come back to this page.
        </p>
      ) : (
        <>
          {latest?.status === "denied" ? (
            <p className="alert alert-error" data-state="denied" style={{ marginBottom: "0.75rem" }}>
              Your last request was denied <Time date={latest.decidedAt} />
              {latest.decisionComment ? <>: “{latest.decisionComment}”</> : "."} You may ask again.
            </p>
          ) : latest?.status === "approved" && latest.expiresAt ? (
            <p className="alert alert-warn" data-state="expired" style={{ marginBottom: "0.75rem" }}>
              Your access to this session ended <Time date={latest.expiresAt} />. Give a reason again to continue.
            </p>
          ) : null}
          <p className="muted">
            Viewing session videos needs a justification: give a reason (and a ticket number if you have one) to {what}.
            {approvalRequired
              ? " An administrator must approve it; your access window starts when they do."
              : " Your access to this session then lasts for the access window set by the administrators."}{" "}
            The request is kept in the audit trail.
          </p>
          <AccessForm hash={hash} approvalRequired={approvalRequired} />
        </>
      )}
    </section>
  );
}
