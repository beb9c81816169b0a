"use server";
import { z } from "zod";
import { sendShareCode, setAssessorCookie, verifyShareCode } from "@/lib/access/sharing";
import { definePublicAction } from "@/lib/actions/define-action";
import { requestIp } from "@/lib/auth/viewer";
import { SHARE_CODE } from "@/lib/domain/reviews";

/** The link's own secret, as its URL carries it; each action checks it against the link. */
const token = z.string().regex(/^[A-Za-z0-9_-]{43}$/, "This link is not valid.");

/** "Send me a code": a one-time code to the link's recipient (never to an address typed here). */
export const sendShareCodeAction = definePublicAction({
  schema: z.object({ token }),
  async run({ token }) {
    const { to } = await sendShareCode({ token, ip: await requestIp() });
    return { message: `A code was sent to ${to}. It is valid for ${SHARE_CODE.validMinutes} minutes.`, data: { sent: true } };
  },
});

/** The code from the email: right, and this browser may see the shared session until the link ends (at most 12 hours). */
export const verifyShareCodeAction = definePublicAction({
  schema: z.object({
    token,
    code: z
      .string()
      .trim()
      .regex(new RegExp(`^\\d{${SHARE_CODE.digits}}$`), `The code has ${SHARE_CODE.digits} digits.`),
  }),
  async run({ token, code }) {
    const { cookie, expiresAt } = await verifyShareCode({ token, code, ip: await requestIp() });
    await setAssessorCookie({ secret: cookie, expiresAt });
    return { message: "Confirmed.", data: { sent: true } };
  },
});
