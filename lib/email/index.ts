import "server-only";
import { Resend } from "resend";
import { env } from "@/lib/env";
import { insertOutboxEntry, listOutbox } from "./queries";

export { listOutbox };

export type Email = { to: string; subject: string; html: string; text: string; idempotencyKey?: string };
export type SendResult = { transport: "resend"; providerId: string } | { transport: "outbox" };

let client: Resend | undefined;

/**
 * Sends through Resend when RESEND_API_KEY is set; otherwise the email goes to
 * the outbox that admins read under Administration > Email outbox. Both are
 * kept in `email_outbox` (transport says which), as a send log.
 */
export async function sendEmail(email: Email): Promise<SendResult> {
  if (!env.RESEND_API_KEY) {
    await insertOutboxEntry({ to: email.to, subject: email.subject, html: email.html, text: email.text, transport: "outbox" });
    console.log(`[email] RESEND_API_KEY is not set: "${email.subject}" for ${email.to} went to the outbox (Administration > Email outbox)`);
    return { transport: "outbox" };
  }
  // The SDK would read RESEND_BASE_URL itself; passing our validated value keeps env.ts the only reader.
  client ??= new Resend(env.RESEND_API_KEY, env.RESEND_BASE_URL ? { baseUrl: env.RESEND_BASE_URL } : undefined);
  const { data, error } = await client.emails.send(
    { from: env.EMAIL_FROM, to: [email.to], subject: email.subject, html: email.html, text: email.text },
    email.idempotencyKey ? { idempotencyKey: email.idempotencyKey } : undefined,
  );
  if (error || !data) throw new Error(error?.message ?? "Resend returned no id");
  await insertOutboxEntry({ to: email.to, subject: email.subject, html: email.html, text: email.text, transport: "resend", providerId: data.id });
  return { transport: "resend", providerId: data.id };
}
