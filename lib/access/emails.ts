import type { RemoteSession } from "@/lib/db/schema";
import type { Email } from "@/lib/email";
import { appUrl, escapeHtml, sessionReportUrl } from "@/lib/email/export-ready";
import { formatDateTime } from "@/lib/format";

/** The emails of access to sessions' videos: plain text and HTML with the same facts. */

type SessionFacts = Pick<RemoteSession, "hash" | "host" | "protocol" | "userName" | "startedAt">;

function sessionFacts(session: SessionFacts): [string, string][] {
  return [
    ["Session ID", session.hash],
    ["Host", session.host],
    ["Type", session.protocol.toUpperCase()],
    ["User", session.userName],
    ["Start", formatDateTime(session.startedAt, "UTC")],
  ];
}

function render({
  to,
  subject,
  lead,
  facts,
  link,
  linkLabel,
  after = [],
}: {
  to: string;
  subject: string;
  lead: string;
  facts: [string, string][];
  link: string;
  linkLabel: string;
  after?: string[];
}): Email {
  const text = [lead, "", ...facts.map(([k, v]) => `${k}: ${v}`), "", `${linkLabel}:`, link, ...(after.length ? ["", ...after] : [])].join("\n");
  const rows = facts.map(([k, v]) => `<tr><th align="left" style="padding:2px 12px 2px 0">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join("");
  const html = `<!doctype html><html><body style="font-family:sans-serif">
<p>${escapeHtml(lead)}</p>
<table>${rows}</table>
<p>${escapeHtml(linkLabel)}:<br><a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p>
${after.map((p) => `<p>${escapeHtml(p)}</p>`).join("\n")}
</body></html>`;
  return { to, subject, html, text };
}

export const accessRequestsUrl = () => `${appUrl()}/settings/access-requests`;
export const playerUrl = (hash: string) => `${sessionReportUrl(hash)}/play`;

/** To each administrator: a request waits for their decision. */
export function accessRequestedEmail(input: {
  to: string;
  requester: string;
  reason: string;
  ticket: string | null;
  session: SessionFacts;
  requestId: string;
}): Email {
  return {
    ...render({
      to: input.to,
      subject: `Access request: ${input.requester} asks to view session ${input.session.hash}`,
      lead: `${input.requester} asks to view the video of a session and waits for an administrator's approval.`,
      facts: [["Reason", input.reason], ...(input.ticket ? ([["Ticket", input.ticket]] as [string, string][]) : []), ...sessionFacts(input.session)],
      link: accessRequestsUrl(),
      linkLabel: "Approve or deny it on the Access requests page",
    }),
    idempotencyKey: `access-requested-${input.requestId}-${input.to}`,
  };
}

/** To the requester: an administrator approved or denied their request. */
export function accessDecidedEmail(input: {
  to: string;
  approved: boolean;
  decider: string;
  comment: string | null;
  expiresAt: Date | null;
  session: SessionFacts;
  requestId: string;
}): Email {
  const facts: [string, string][] = [
    ["Decision", input.approved ? "Approved" : "Denied"],
    ["By", input.decider],
  ];
  if (input.comment) facts.push(["Comment", input.comment]);
  if (input.approved && input.expiresAt) facts.push(["Access until", formatDateTime(input.expiresAt, "UTC")]);
  return {
    ...render({
      to: input.to,
      subject: `Your request to view session ${input.session.hash} was ${input.approved ? "approved" : "denied"}`,
      lead: input.approved
        ? "Your request to view the video of this session was approved. Your access window starts now."
        : "Your request to view the video of this session was denied.",
      facts: [...facts, ...sessionFacts(input.session)],
      link: input.approved ? playerUrl(input.session.hash) : sessionReportUrl(input.session.hash),
      linkLabel: input.approved ? "Watch it" : "The session's report",
    }),
    idempotencyKey: `access-decided-${input.requestId}`,
  };
}

/** To an assessor: a session was shared with them. */
export function shareLinkEmail(input: {
  to: string;
  sharedBy: string;
  url: string;
  expiresAt: Date;
  allowDownload: boolean;
  session: SessionFacts;
  linkId: string;
}): Email {
  return {
    ...render({
      to: input.to,
      subject: `${input.sharedBy} shared a recorded session with you`,
      lead: `${input.sharedBy} shared the recording of a privileged session with you: its report and its video.`,
      facts: [
        ...sessionFacts(input.session),
        ["Link valid until", formatDateTime(input.expiresAt, "UTC")],
        ["Download", input.allowDownload ? "Allowed (your email is burned into the video)" : "Not allowed"],
      ],
      link: input.url,
      linkLabel: "Open it",
      after: ["When you open the link, a one-time code is sent to this address to confirm it is you. The link works only for you and only for this session."],
    }),
    idempotencyKey: `share-link-${input.linkId}`,
  };
}

/** To an assessor: the one-time code that confirms the link is theirs. */
export function shareCodeEmail(input: { to: string; code: string; validMinutes: number }): Email {
  const lead = `Your one-time code is ${input.code}. It is valid for ${input.validMinutes} minutes and works once.`;
  return {
    to: input.to,
    subject: `Your code to view the shared session: ${input.code}`,
    text: `${lead}\n\nIf you did not open a link to a shared session, ignore this email.`,
    html: `<!doctype html><html><body style="font-family:sans-serif"><p>Your one-time code is <strong style="font-size:1.4em;letter-spacing:0.1em">${escapeHtml(input.code)}</strong>.</p><p>It is valid for ${input.validMinutes} minutes and works once.</p><p>If you did not open a link to a shared session, ignore this email.</p></body></html>`,
  };
}
