"use server";
import { z } from "zod";
import { defineAction } from "@/lib/actions/define-action";
import { requestIp } from "@/lib/auth/viewer";
import { LIVE_COMMAND_LABELS, type LiveCommandKind } from "@/lib/domain/live";
import { sessionHashSchema } from "@/lib/domain/sessions";
import { issueLiveCommand } from "@/lib/live";

/**
 * The live-control actions of the player and the report. Admins always;
 * auditors only while "Auditors may control live sessions" is on: that is
 * checked by issueLiveCommand on every call, so calling an action directly
 * is refused the same way as the hidden button.
 */

const reason = z.string().trim().min(1, "Give a reason: it is kept in the audit trail.").max(1000, "At most 1000 characters.");
const message = z.string().trim().min(1, "Write the message to send.").max(1000, "At most 1000 characters.");

function liveAction(kind: LiveCommandKind, text: z.ZodType<string> | null) {
  const schema = z.object({ hash: sessionHashSchema, text: text ?? z.string().max(1000).optional() });
  return defineAction({
    schema,
    roles: ["admin", "auditor"] as const,
    run: async (input, viewer) => {
      const command = await issueLiveCommand({ viewer, ip: await requestIp(), hash: input.hash, kind, text: text ? (input.text as string) : null });
      return { message: `${LIVE_COMMAND_LABELS[kind]}: sent to the proxy.`, data: { id: command.id } };
    },
  });
}

export const terminateSessionAction = liveAction("terminate", reason);
export const lockInputAction = liveAction("lock", reason);
export const unlockInputAction = liveAction("unlock", null);
export const sendMessageAction = liveAction("message", message);
