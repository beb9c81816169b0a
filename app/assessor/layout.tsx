import type { ReactNode } from "react";
import { Time } from "@/app/_components/time";
import { getAssessor } from "@/lib/access/sharing";
import { LeaveButton } from "./_components/buttons";

export const metadata = { title: "Shared session · Session Video" };

/**
 * The frame of what an assessor sees: no menu, no other page; who they are
 * (the email the link was shared with) and until when. Each page checks the
 * assessor itself (layouts and pages render side by side).
 */
export default async function AssessorLayout({ children }: { children: ReactNode }) {
  const assessor = await getAssessor();
  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand">
          <span className="brand-mark" aria-hidden>
            ▶
          </span>{" "}
          Session Video
        </span>
        <span className="topnav">Shared session</span>
        {assessor ? (
          <div className="topbar-user">
            <span data-testid="assessor-email">{assessor.email}</span>
            <span className="badge">
              Assessor · until <Time date={assessor.expiresAt} />
            </span>
            <LeaveButton />
          </div>
        ) : null}
      </header>
      <main className="content" style={{ maxWidth: 1400, margin: "0 auto", width: "100%" }}>
        {children}
      </main>
    </div>
  );
}
