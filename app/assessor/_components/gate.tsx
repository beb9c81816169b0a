import { Time } from "@/app/_components/time";
import type { Assessor } from "@/lib/access";
import { getAssessorState, recordEndedLinkUse } from "@/lib/access/sharing";
import { requestIp } from "@/lib/auth/viewer";

/**
 * The assessor of this request, or the page to show instead: no confirmed
 * link in this browser, or a link that was revoked or has expired (said
 * clearly). Every assessor page starts with it; nothing here reads an account.
 */
export async function assessorOrMessage(asked: string): Promise<{ assessor: Assessor; message: null } | { assessor: null; message: React.ReactNode }> {
  const state = await getAssessorState();
  if (state.state === "open") return { assessor: state.assessor, message: null };
  // A browser whose link has ended, coming back: refused, and in the audit trail.
  if (state.state === "ended") await recordEndedLinkUse({ link: state.link, hash: state.hash, reason: state.reason, asked, ip: await requestIp() });
  return {
    assessor: null,
    message: (
      <div className="center-page" style={{ textAlign: "left" }}>
        <h1>Shared session</h1>
        {state.state === "ended" ? (
          <p className="alert alert-error" role="alert" data-state={state.reason}>
            {state.reason === "revoked" ? (
              <>
                The link that was shared with you was revoked <Time date={state.at} />: the session can no longer be viewed with it.
              </>
            ) : (
              <>
                The link that was shared with you expired <Time date={state.at} />: the session can no longer be viewed with it.
              </>
            )}
          </p>
        ) : (
          <p className="alert alert-warn" role="alert" data-state="none">
            This page shows a session shared with you. Open the link from the email you received, and confirm it with the code sent to you.
          </p>
        )}
      </div>
    ),
  };
}
