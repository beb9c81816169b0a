import Link from "next/link";
import { Time } from "@/app/_components/time";
import { formatOffset } from "@/lib/analysis/format";
import type { RemoteSession } from "@/lib/db/schema";
import { getSessionNotes } from "@/lib/review";

/**
 * Notes at a moment: each links to the player at its moment (`?t=`); an edited
 * note lists its earlier versions. They are written in the player.
 */
export async function NotesSection({ session, playerPath }: { session: Pick<RemoteSession, "id">; playerPath: string }) {
  const notes = await getSessionNotes({ sessionId: session.id });
  return (
    <section className="panel" aria-labelledby="section-notes" data-testid="notes-section">
      <h2 id="section-notes">Notes</h2>
      {!notes.length ? (
        <p className="muted">No notes. Auditors add them in the player, at a moment of the session.</p>
      ) : (
        <ol style={{ listStyle: "none", margin: 0, padding: 0, display: "grid", gap: "0.6rem" }}>
          {notes.map((n) => (
            <li key={n.id} data-testid="report-note">
              <Link href={`${playerPath}?t=${Math.floor(n.tMs / 1000)}`} prefetch={false} className="mono" title="Play the session from this moment">
                {formatOffset(n.tMs)}
              </Link>{" "}
              <span style={{ whiteSpace: "pre-wrap" }}>{n.text}</span>{" "}
              <span className="muted">
                — {n.authorName}, <Time date={new Date(n.updatedAt)} />
              </span>
              {n.versions.length > 1 ? (
                <details style={{ marginTop: "0.2rem" }}>
                  <summary className="muted">Edited: {n.versions.length} versions</summary>
                  <ol>
                    {n.versions.map((v) => (
                      <li key={v.version}>
                        <span style={{ whiteSpace: "pre-wrap" }}>{v.text}</span>{" "}
                        <span className="muted">
                          (version {v.version}, <Time date={v.at} />)
                        </span>
                      </li>
                    ))}
                  </ol>
                </details>
              ) : null}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
