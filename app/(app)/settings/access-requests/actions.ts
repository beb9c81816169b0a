"use server";
import { z } from "zod";
import { decideAccessRequest } from "@/lib/access";
import { defineAction } from "@/lib/actions/define-action";
import { requestIp } from "@/lib/auth/viewer";
import { LIMITS } from "@/lib/domain/reviews";

/** Approve or Deny, with a comment (required to deny): the requester is emailed; an approval opens the window now. */
export const decideAccessRequestAction = defineAction({
  schema: z.object({
    id: z.uuid("Not a request."),
    decision: z.enum(["approve", "deny"], { error: () => "Choose Approve or Deny." }),
    comment: z
      .string()
      .trim()
      .max(LIMITS.comment, `At most ${LIMITS.comment} characters.`)
      .optional()
      .transform((v) => v || null),
  }),
  roles: ["admin"],
  revalidate: ["/settings/access-requests"],
  async run({ id, decision, comment }, viewer) {
    const approve = decision === "approve";
    await decideAccessRequest({ admin: viewer, id, approve, comment, ip: await requestIp() });
    return { message: approve ? "Approved: the requester was emailed." : "Denied: the requester was emailed." };
  },
});
