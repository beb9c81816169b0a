"use server";
import { z } from "zod";
import { signOutAssessor } from "@/lib/access/sharing";
import { defineAssessorAction } from "@/lib/actions/define-action";
import { requestIp } from "@/lib/auth/viewer";
import { requestSharedExport } from "@/lib/exports";

/** "Generate video for download" of the shared session (when the link allows it): watermarked with the assessor's email. */
export const requestSharedExportAction = defineAssessorAction({
  schema: z.object({}),
  async run(_input, assessor) {
    const result = await requestSharedExport({ assessor, ip: await requestIp() });
    return { message: result.created ? "The video is being generated." : "Your video already exists." };
  },
});

/** "Leave": ends this browser's access (the link itself still works with a new code). */
export const signOutAssessorAction = defineAssessorAction({
  schema: z.object({}),
  async run() {
    await signOutAssessor();
    return { message: "You left the shared session." };
  },
});
