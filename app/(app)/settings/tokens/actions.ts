"use server";
import { z } from "zod";
import { defineAction } from "@/lib/actions/define-action";
import { requestIp } from "@/lib/auth/viewer";
import { queueVerifyAll } from "@/lib/recordings";
import { sessionHashSchema } from "@/lib/domain/sessions";
import { createTokenAudited, moveSessionToToken, revokeTokenAudited } from "@/lib/tokens";

const ADMIN = ["admin"] as const;
const REVALIDATE = ["/settings/tokens"];

export const createTokenAction = defineAction({
  schema: z.object({
    name: z
      .string()
      .trim()
      .min(1, "Give the token a name, e.g. the proxy it is for.")
      .max(100, "At most 100 characters.")
      .regex(/^[\w .:@-]+$/, "Letters, digits, spaces and . _ : @ - only."),
  }),
  roles: ADMIN,
  revalidate: REVALIDATE,
  run: async ({ name }, viewer) => {
    const { token } = await createTokenAudited({ actor: viewer, ip: await requestIp(), name });
    return { message: `Token "${name}" created. Copy it now: it is shown only once.`, data: { token } };
  },
});

export const revokeTokenAction = defineAction({
  schema: z.object({ id: z.uuid("Unknown token.") }),
  roles: ADMIN,
  revalidate: REVALIDATE,
  run: async ({ id }, viewer) => {
    const row = await revokeTokenAudited({ actor: viewer, ip: await requestIp(), id });
    return { message: `Token "${row.name}" revoked. Its proxy can no longer send anything.` };
  },
});

export const verifyAllAction = defineAction({
  schema: z.object({}),
  roles: ADMIN,
  revalidate: REVALIDATE,
  run: async (_input, viewer) => {
    await queueVerifyAll({ actor: viewer, ip: await requestIp() });
    return { message: "Verification of every recording queued. Each session's report shows the result." };
  },
});

/** Moves a session to another proxy's token: only that token may then send to it through the ingestion API. */
export const moveSessionAction = defineAction({
  schema: z.object({
    hash: z.string().trim().pipe(sessionHashSchema),
    tokenId: z.uuid("Choose a token."),
  }),
  roles: ADMIN,
  revalidate: REVALIDATE,
  run: async ({ hash, tokenId }, viewer) => {
    const { token } = await moveSessionToToken({ actor: viewer, ip: await requestIp(), hash, tokenId });
    return { message: `Session ${hash} now belongs to the token "${token.name}": only its proxy can send to it.` };
  },
});
