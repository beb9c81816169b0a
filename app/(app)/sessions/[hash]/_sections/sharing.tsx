import { Time } from "@/app/_components/time";
import type { Viewer } from "@/lib/auth/viewer";
import { listShareLinks, maySessionBeShared } from "@/lib/access/sharing";
import type { RemoteSession } from "@/lib/db/schema";
import { getParameter } from "@/lib/settings/queries";
import { RevokeLinkButton, ShareForm } from "../_review/share-form";

function stateOf(link: { revokedAt: Date | null; expiresAt: Date }, now: Date) {
  if (link.revokedAt) return { label: "Revoked", badge: "status-failed" };
  if (link.expiresAt <= now) return { label: "Expired", badge: "" };
  return { label: "Active", badge: "status-closed" };
}

/**
 * Share with an assessor: a link for one email address that shows this
 * session's report and player only; the links made so far, revocable at once.
 * Administrators, and auditors when the system parameter allows it.
 */
export async function SharingSection({ session, viewer }: { session: Pick<RemoteSession, "id" | "hash">; viewer: Viewer }) {
  const [allowed, downloadsEnabled] = await Promise.all([maySessionBeShared(viewer), getParameter({ key: "remote_session.video_download_enabled" })]);
  if (!allowed) return null;
  const links = await listShareLinks({ sessionId: session.id });
  const now = new Date();
  return (
    <section className="panel" aria-labelledby="section-sharing" data-testid="sharing-section">
      <h2 id="section-sharing">Share with an assessor</h2>
      <p className="muted">
        An assessor without an account gets a link by email and confirms it with a one-time code sent to the same address. They see this session&apos;s report
        and player only, with their email over the picture. Every use is in the audit trail.
      </p>
      <ShareForm hash={session.hash} downloadsEnabled={downloadsEnabled} />
      {links.length ? (
        <div className="table-wrap" style={{ marginTop: "1rem" }}>
          <table className="data" aria-label="Sharing links">
            <thead>
              <tr>
                <th scope="col">Recipient</th>
                <th scope="col">Made by</th>
                <th scope="col">Created</th>
                <th scope="col">Valid until</th>
                <th scope="col">Download</th>
                <th scope="col" className="num">
                  Opened
                </th>
                <th scope="col">State</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {links.map(({ link, creatorEmail, opened }) => {
                const state = stateOf(link, now);
                return (
                  <tr key={link.id} data-testid="share-row">
                    <td>{link.recipientEmail}</td>
                    <td>{creatorEmail}</td>
                    <td>
                      <Time date={link.createdAt} />
                    </td>
                    <td>
                      <Time date={link.expiresAt} />
                    </td>
                    <td>{link.allowDownload ? "Allowed" : "No"}</td>
                    <td className="num">{opened}</td>
                    <td>
                      <span className={`badge ${state.badge}`}>{state.label}</span>
                    </td>
                    <td>
                      {state.label === "Active" && (viewer.role === "admin" || link.createdBy === viewer.id) ? (
                        <RevokeLinkButton id={link.id} recipient={link.recipientEmail} />
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
