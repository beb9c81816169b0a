"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction } from "@/lib/actions/define-action";
import { requestIp } from "@/lib/auth/viewer";
import { isSessionHash } from "@/lib/domain/sessions";
import { cancelEarlyDeletion, confirmEarlyDeletion, placeHoldsByScope, releaseHold, requestEarlyDeletion } from "@/lib/retention";

const path = z.string().refine((p) => p.startsWith("/sessions/") && isSessionHash(p.slice("/sessions/".length)), "Unknown page.");
const sessionId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const reason = z.string().trim().min(1, "Give a reason.").max(1000, "At most 1,000 characters.");

/** Report › Retention: put this session, or every session of its user or host, on legal hold (admins, audited). */
export const placeHoldAction = defineAction({
  schema: z.object({
    sessionId,
    path,
    scope: z.enum(["session", "user", "host"], { error: () => "Choose what to hold." }),
    reason,
    caseReference: z.string().trim().max(200, "At most 200 characters.").optional(),
  }),
  roles: ["admin"],
  run: async (input, viewer) => {
    const { placed, alreadyHeld } = await placeHoldsByScope({ actor: viewer, ip: await requestIp(), ...input });
    revalidatePath(input.path);
    return { message: `${placed} session${placed === 1 ? "" : "s"} put on hold${alreadyHeld ? `; ${alreadyHeld} already on hold` : ""}.` };
  },
});

export const releaseHoldAction = defineAction({
  schema: z.object({ holdId: z.uuid("Unknown hold."), path, reason }),
  roles: ["admin"],
  run: async ({ holdId, path, reason }, viewer) => {
    await releaseHold({ actor: viewer, ip: await requestIp(), holdId, reason });
    revalidatePath(path);
    return { message: "Hold released." };
  },
});

/** First admin of an early deletion: asks, with a reason. */
export const requestDeletionAction = defineAction({
  schema: z.object({ sessionId, path, reason }),
  roles: ["admin"],
  run: async ({ sessionId, path, reason }, viewer) => {
    await requestEarlyDeletion({ actor: viewer, ip: await requestIp(), sessionId, reason });
    revalidatePath(path);
    return { message: "Deletion requested: another administrator must confirm it." };
  },
});

/** Second admin: confirms (deletes now) or turns down; the requester may withdraw. */
export const decideDeletionAction = defineAction({
  schema: z.object({ sessionId, path, decision: z.enum(["confirm", "cancel"]) }),
  roles: ["admin"],
  run: async ({ sessionId, path, decision }, viewer) => {
    if (decision === "cancel") {
      await cancelEarlyDeletion({ actor: viewer, ip: await requestIp(), sessionId });
      revalidatePath(path);
      return { message: "Deletion request withdrawn." };
    }
    const purge = await confirmEarlyDeletion({ actor: viewer, ip: await requestIp(), sessionId });
    revalidatePath(path);
    // Write-once storage: the rows are gone, but the store keeps what its lock protects; say so, never "deleted".
    if (purge.refused > 0) return { message: `Recording's data deleted, but the store refused to delete ${purge.refused} locked object(s): ${purge.reason}` };
    return { message: "Recording deleted." };
  },
});
