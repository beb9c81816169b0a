import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Time } from "@/app/_components/time";
import { getAssessor, maskEmail, openShareLink, recordEndedLinkUse } from "@/lib/access/sharing";
import { requestIp } from "@/lib/auth/viewer";
import { CodeForms } from "./code-forms";

export const metadata: Metadata = { title: "Shared session" };

// GET /shared/[token] - the link an assessor got by email: says whether it still works, then asks for the one-time code.
export default async function SharedLinkPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const state = await openShareLink({ token });
  if (state.state === "open") {
    const assessor = await getAssessor();
    if (assessor?.linkId === state.link.id) redirect("/assessor");
  } else if (state.state !== "unknown") {
    // An ended link opened again: it says so below, and the attempt is in the audit trail.
    await recordEndedLinkUse({ link: state.link, hash: state.hash, reason: state.state, asked: "shared link", ip: await requestIp() });
  }
  return (
    <main className="signin">
      <div className="signin-card" style={{ width: "min(520px, 94vw)" }}>
        <div className="brand brand-large">
          <span className="brand-mark" aria-hidden>
            ▶
          </span>{" "}
          Session Video
        </div>
        <h1 style={{ marginTop: "1rem" }}>A recorded session shared with you</h1>
        {state.state === "unknown" ? (
          <p className="alert alert-error" role="alert" data-state="unknown">
            This link is not valid. Check that you opened the whole link from the email, or ask the person who shared it for a new one.
          </p>
        ) : state.state === "revoked" ? (
          <p className="alert alert-error" role="alert" data-state="revoked">
            This link was revoked <Time date={state.at} /> and no longer opens the session. Ask the person who shared it if you still need it.
          </p>
        ) : state.state === "expired" ? (
          <p className="alert alert-warn" role="alert" data-state="expired">
            This link expired <Time date={state.at} /> and no longer opens the session. Ask the person who shared it for a new one.
          </p>
        ) : (
          <>
            <p className="muted">
              Valid until <Time date={state.link.expiresAt} />. It shows one session&apos;s report and video, to you only; every use is recorded.
            </p>
            <CodeForms token={token} maskedEmail={maskEmail(state.link.recipientEmail)} />
          </>
        )}
      </div>
    </main>
  );
}
