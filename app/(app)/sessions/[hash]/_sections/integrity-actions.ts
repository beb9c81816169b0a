"use server";
import { z } from "zod";
import { isSessionHash } from "@/lib/domain/sessions";
import { defineAction } from "@/lib/actions/define-action";
import { requestIp } from "@/lib/auth/viewer";
import { verifySessionRecording } from "@/lib/ingest/admin";

/** "Verify now" on a session report: re-reads the recording's chunks and media (admins only, audited). */
export const verifyRecordingAction = defineAction({
  schema: z.object({
    sessionId: z.coerce.number().int().positive(),
    path: z.string().refine((p) => p.startsWith("/sessions/") && isSessionHash(p.slice("/sessions/".length))),
  }),
  roles: ["admin"],
  run: async ({ sessionId, path }, viewer) => {
    const result = await verifySessionRecording({ actor: viewer, ip: await requestIp(), sessionId });
    const { revalidatePath } = await import("next/cache");
    revalidatePath(path);
    return {
      message:
        result.status === "verified"
          ? `Verified: ${result.detail}`
          : `Mismatch${result.firstBadChunk !== null ? ` from chunk ${result.firstBadChunk}` : ""}: ${result.detail}`,
    };
  },
});
