import "server-only";
import { desc } from "drizzle-orm";
import { Resend } from "resend";
import { db } from "@/lib/db/client";
import { emailOutbox } from "@/lib/db/schema";
import { env } from "@/lib/env";

export type Email = { to: string; subject: string; html: string; text: string; idempotencyKey?: string };
export type SendResult = { transport: "resend"; providerId: string } | { transport: "outbox" };

export class EmailSendError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EmailSendError";
  }
}

let client: Resend | undefined;

/**
 * Sends through Resend when RESEND_API_KEY is set; otherwise the email goes to
 * the outbox that admins read under Administration > Email outbox. Both are
 * kept in `email_outbox` (transport says which), as a send log.
 */
export async function sendEmail(email: Email): Promise<SendResult> {
  if (!env.RESEND_API_KEY) {
    await db.insert(emailOutbox).values({ to: email.to, subject: email.subject, html: email.html, text: email.text, transport: "outbox" });
    console.log(`[email] RESEND_API_KEY is not set: "${email.subject}" for ${email.to} went to the outbox (Administration > Email outbox)`);
    return { transport: "outbox" };
  }
  // The SDK would read RESEND_BASE_URL itself; passing our validated value keeps env.ts the only reader.
  client ??= new Resend(env.RESEND_API_KEY, env.RESEND_BASE_URL ? { baseUrl: env.RESEND_BASE_URL } : undefined);
  const { data, error } = await client.emails.send(
    { from: env.EMAIL_FROM, to: [email.to], subject: email.subject, html: email.html, text: email.text },
    email.idempotencyKey ? { idempotencyKey: email.idempotencyKey } : undefined,
  );
  if (error || !data) throw new EmailSendError(error?.message ?? "Resend returned no id");
  await db
    .insert(emailOutbox)
    .values({ to: email.to, subject: email.subject, html: email.html, text: email.text, transport: "resend", providerId: data.id });
  return { transport: "resend", providerId: data.id };
}

export async function listOutbox({ limit = 100 }: { limit?: number } = {}) {
  return db.select().from(emailOutbox).orderBy(desc(emailOutbox.createdAt)).limit(limit);
}
