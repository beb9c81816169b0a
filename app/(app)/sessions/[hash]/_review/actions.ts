"use server";
import { z } from "zod";
import { requestAccess } from "@/lib/access";
import { createShareLink, revokeShareLink } from "@/lib/access/sharing";
import { defineAction } from "@/lib/actions/define-action";
import { requestIp } from "@/lib/auth/viewer";
import { LIMITS, REVIEW_VERDICTS, SHARE_MAX_DAYS } from "@/lib/domain/reviews";
import { ROLES } from "@/lib/domain/roles";
import { isSessionHash } from "@/lib/domain/sessions";
import type { PlayerNote } from "@/lib/player/types";
import { addNote, editNote, markReviewed, REVIEWER_ROLES } from "@/lib/review";

const hash = z.string().refine(isSessionHash, "Not a session ID.");
/** An optional text field: empty is absent. */
const optionalText = (max: number, what: string) =>
  z
    .string()
    .trim()
    .max(max, `${what} is too long (${max} characters at most).`)
    .optional()
    .transform((v) => v || null);

/** "Request access" / "Continue": the reason (and ticket) given before the player or a download. */
export const requestAccessAction = defineAction({
  schema: z.object({
    hash,
    reason: z.string().trim().min(3, "Give a reason (a few words at least).").max(LIMITS.reason, `At most ${LIMITS.reason} characters.`),
    ticket: optionalText(LIMITS.ticket, "The ticket number"),
  }),
  roles: ROLES,
  async run({ hash, reason, ticket }, viewer) {
    const { approved, request } = await requestAccess({ viewer, hash, reason, ticket, ip: await requestIp() });
    return {
      message: approved ? "Access granted." : "Your request was sent to the administrators. You will get an email when it is decided.",
      data: { approved, expiresAt: request.expiresAt?.toISOString() ?? null },
    };
  },
});

/** "Mark as reviewed": a verdict and an optional comment, appended to the session's reviews. */
export const markReviewedAction = defineAction({
  schema: z.object({
    hash,
    verdict: z.enum(REVIEW_VERDICTS, { error: () => "Choose a verdict." }),
    comment: optionalText(LIMITS.comment, "The comment"),
  }),
  roles: REVIEWER_ROLES,
  async run({ hash, verdict, comment }, viewer) {
    await markReviewed({ viewer, hash, verdict, comment, ip: await requestIp() });
    return { message: "Marked as reviewed." };
  },
});

const noteText = z.string().trim().min(1, "Write the note.").max(LIMITS.note, `At most ${LIMITS.note} characters.`);

/** A note at a moment (milliseconds from the start of the session). */
export const addNoteAction = defineAction({
  schema: z.object({
    hash,
    tMs: z.coerce
      .number()
      .int("Not a moment.")
      .min(0)
      .max(10 * 24 * 3600 * 1000),
    text: noteText,
  }),
  roles: REVIEWER_ROLES,
  async run({ hash, tMs, text }, viewer) {
    const note: PlayerNote = await addNote({ viewer, hash, tMs, text, ip: await requestIp() });
    return { message: "Note added.", data: note };
  },
});

/** A new version of one's own note. */
export const editNoteAction = defineAction({
  schema: z.object({ id: z.coerce.number().int().positive("Not a note."), text: noteText }),
  roles: REVIEWER_ROLES,
  async run({ id, text }, viewer) {
    const note: PlayerNote = await editNote({ viewer, id, text, ip: await requestIp() });
    return { message: "Note saved.", data: note };
  },
});

/** "Share with an assessor": a link to this session for one email address. */
export const createShareLinkAction = defineAction({
  schema: z.object({
    hash,
    email: z.string().trim().toLowerCase().email("Enter the assessor's email address.").max(320),
    days: z.coerce.number().int("Whole days.").min(1, "At least 1 day.").max(SHARE_MAX_DAYS, `At most ${SHARE_MAX_DAYS} days.`),
    allowDownload: z
      .string()
      .optional()
      .transform((v) => v === "on" || v === "true"),
  }),
  roles: ["admin", "auditor"],
  async run({ hash, email, days, allowDownload }, viewer) {
    const { url, emailed } = await createShareLink({ viewer, hash, email, days, allowDownload, ip: await requestIp() });
    return {
      message: emailed ? `The link was emailed to ${email}.` : `The link was created but the email to ${email} failed: send them the link below.`,
      // Only when the email failed: the one-time code still goes to the recipient's address either way.
      data: { url: emailed ? null : url },
    };
  },
});

/** Revoke: the link stops working at once. */
export const revokeShareLinkAction = defineAction({
  schema: z.object({ id: z.uuid("Not a link.") }),
  roles: ["admin", "auditor"],
  async run({ id }, viewer) {
    await revokeShareLink({ viewer, id, ip: await requestIp() });
    return { message: "The link was revoked." };
  },
});
