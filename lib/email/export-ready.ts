import type { RemoteSession, VideoExport } from "@/lib/db/schema";
import { env } from "@/lib/env";
import { formatDateTime, formatDuration, formatSize } from "@/lib/format";
import type { Email } from "./index";

/** The app's public address, for links in emails. */
export function appUrl(): string {
  return (env.NEXTAUTH_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, "");
}

export function sessionReportUrl(hash: string): string {
  return `${appUrl()}/sessions/${encodeURIComponent(hash)}`;
}

/** The report showing one video: the one an email announced, even after the download settings changed. */
export function announcedVideoUrl(hash: string, exportId: string): string {
  return `${sessionReportUrl(hash)}?video=${encodeURIComponent(exportId)}`;
}

export const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

/**
 * "Your video of session … is ready": HTML and plain text with the same facts.
 * `recipientId` is the user it goes to: the idempotency key names one email
 * (this export, this recipient). Resend answers a key reused with another
 * payload (another `to`) with 409 for good, so a key per export would keep
 * every recipient but the first from ever getting it. `link` replaces the
 * report's link (an assessor's video: their download page).
 */
export function exportReadyEmail(input: { to: string; recipientId: string; session: RemoteSession; videoExport: VideoExport; link?: string }): Email {
  const { session, videoExport: exp } = input;
  const link = input.link ?? announcedVideoUrl(session.hash, exp.id);
  const facts: [string, string][] = [
    ["Session ID", session.hash],
    ["Host", session.host],
    ["Type", session.protocol.toUpperCase()],
    ["Start", formatDateTime(session.startedAt, "UTC")],
    ["Format", exp.format.toUpperCase()],
    ["Size", formatSize(exp.sizeBytes ?? 0)],
    ["Duration", formatDuration(exp.durationMs ?? 0)],
  ];
  const subject = `Video of session ${session.hash} is ready for download`;
  const text = [
    "The video of the session you asked for is ready.",
    "",
    ...facts.map(([k, v]) => `${k}: ${v}`),
    "",
    `Download it from the session's report, section "Video of session":`,
    link,
    "",
    exp.expiresAt ? `The video is kept until ${formatDateTime(exp.expiresAt, "UTC")}.` : "",
  ].join("\n");
  const rows = facts.map(([k, v]) => `<tr><th align="left" style="padding:2px 12px 2px 0">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join("");
  const html = `<!doctype html><html><body style="font-family:sans-serif">
<p>The video of the session you asked for is ready.</p>
<table>${rows}</table>
<p>Download it from the session's report, section <strong>Video of session</strong>:<br>
<a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p>
${exp.expiresAt ? `<p>The video is kept until ${escapeHtml(formatDateTime(exp.expiresAt, "UTC"))}.</p>` : ""}
</body></html>`;
  return { to: input.to, subject, html, text, idempotencyKey: `export-ready/${exp.id}/${input.recipientId}` };
}
