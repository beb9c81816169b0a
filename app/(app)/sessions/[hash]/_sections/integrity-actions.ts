"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { isSessionHash } from "@/lib/domain/sessions";
import { defineAction } from "@/lib/actions/define-action";
import { requestIp } from "@/lib/auth/viewer";
import { verifySessionRecording } from "@/lib/recordings";

/** "Verify now" on a session report: re-reads the recording's chunks and media (admins only, audited). */
export const verifyRecordingAction = defineAction({
  schema: z.object({
    sessionId: z.coerce.number().int().positive(),
    path: z.string().refine((p) => p.startsWith("/sessions/") && isSessionHash(p.slice("/sessions/".length))),
  }),
  roles: ["admin"],
  run: async ({ sessionId, path }, viewer) => {
    const result = await verifySessionRecording({ actor: viewer, ip: await requestIp(), sessionId });
    revalidatePath(path);
    return {
      message:
        result.status === "verified"
          ? `Verified: ${result.detail}`
          : result.status === "pending"
            ? `Not verified yet: ${result.detail}`
            : `Mismatch${result.firstBadChunk !== null ? ` from chunk ${result.firstBadChunk}` : ""}: ${result.detail}`,
    };
  },
});
