import { Time } from "@/app/_components/time";
import { PROTOCOL_LABELS } from "@/lib/domain/sessions";
import type { SessionReport } from "@/lib/sessions/report";

/** Session info: what the proxy reported about the connection. */
export function SessionInfoSection({ report: { session } }: { report: Pick<SessionReport, "session"> }) {
  return (
    <section className="panel" aria-labelledby="section-session-info">
      <h2 id="section-session-info">Session info</h2>
      <dl className="facts">
        <dt>ID</dt>
        <dd className="mono">{session.hash}</dd>
        <dt>Start</dt>
        <dd>
          <Time date={session.startedAt} />
        </dd>
        <dt>End</dt>
        <dd>{session.endedAt ? <Time date={session.endedAt} /> : <span className="muted">Still active</span>}</dd>
        <dt>Type</dt>
        <dd>{PROTOCOL_LABELS[session.protocol]}</dd>
        <dt>Host</dt>
        <dd className="mono">{session.host}</dd>
        <dt>Username</dt>
        <dd>{session.credentialUsername}</dd>
        {session.errorMessage ? (
          <>
            <dt>Error message</dt>
            <dd className="field-error" style={{ fontSize: "inherit" }}>
              {session.errorMessage}
            </dd>
          </>
        ) : null}
      </dl>
    </section>
  );
}
