import type { SessionReport } from "@/lib/sessions/report";

/** User info: who performed the access, and from where. */
export function UserInfoSection({ report: { session } }: { report: Pick<SessionReport, "session"> }) {
  return (
    <section className="panel" aria-labelledby="section-user-info">
      <h2 id="section-user-info">User info</h2>
      <dl className="facts">
        <dt>User</dt>
        <dd>{session.userName}</dd>
        <dt>User IP</dt>
        <dd className="mono">{session.userIp}</dd>
      </dl>
    </section>
  );
}
