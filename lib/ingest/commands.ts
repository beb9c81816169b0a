import "server-only";
import { recordAudit } from "@/lib/audit";
import { AppError } from "@/lib/errors";
import { subscribeToCommands } from "@/lib/live/channel";
import { answerLiveCommandUnchecked, claimLiveCommandsUnchecked, getLiveCommandForTokenUnchecked } from "./queries";
import { replaceUnstorable, type LiveCommandAnswerInput, type LiveCommandsOutput } from "./schemas";

/**
 * The command channel, proxy side: the proxy holds `GET /api/v1/commands`
 * open (long polling) and gets the commands for the sessions its token
 * started as soon as one is issued on any node; it acknowledges each by id
 * and reports the outcome with `POST /api/v1/commands/{id}`.
 */

/** A delivered command not acknowledged within this time is delivered again: the answer that carried it may have been lost. */
export const REDELIVER_AFTER_MS = 30_000;
export const DEFAULT_WAIT_S = 25;

export async function waitForLiveCommands({
  tokenId,
  waitS = DEFAULT_WAIT_S,
  signal,
}: {
  tokenId: string;
  waitS?: number;
  signal?: AbortSignal;
}): Promise<LiveCommandsOutput> {
  const deadline = Date.now() + waitS * 1000;
  // Subscribed before the first read: a command committed in between still wakes this wait.
  const subscription = await subscribeToCommands(tokenId);
  try {
    for (;;) {
      const claimed = await claimLiveCommandsUnchecked({ tokenId, redeliverAfterMs: REDELIVER_AFTER_MS });
      const left = deadline - Date.now();
      if (claimed.length || left <= 0 || signal?.aborted) {
        return {
          commands: claimed.map((c) => ({
            id: c.id,
            hash: c.hash,
            kind: c.kind,
            text: c.text,
            issuedAt: c.issuedAt.toISOString(),
            issuedBy: c.issuedByName,
          })),
          redeliverAfterSeconds: REDELIVER_AFTER_MS / 1000,
        };
      }
      await subscription.next(Math.min(left, subscription.recheckMs()), signal);
    }
  } finally {
    subscription.close();
  }
}

/**
 * The proxy received a command (no outcome) or carried it out (an outcome:
 * done, refused, gone). Idempotent: the same answer again is accepted; a
 * different outcome after one was recorded is refused (409). A command of a
 * session another token started gets the same 404 as a missing one.
 */
export async function answerLiveCommand({ id, tokenId, input }: { id: string; tokenId: string; input: LiveCommandAnswerInput }) {
  const found = await getLiveCommandForTokenUnchecked({ id, tokenId });
  if (!found) throw new AppError(`id: no command ${id}`, 404, "id");
  const message = input.message ? replaceUnstorable(input.message).text : null;
  const { command: before } = found;
  if (input.outcome && before.outcome && before.outcome !== input.outcome) {
    throw new AppError(`outcome: the command's outcome is already ${before.outcome}`, 409, "outcome");
  }
  const command = await answerLiveCommandUnchecked({
    id,
    outcome: input.outcome ?? null,
    message,
    onAnswered: (tx, answered) =>
      recordAudit(
        {
          actor: null,
          action: "live.command_answered",
          target: { type: "session", id: found.hash },
          details: {
            commandId: answered.id,
            kind: answered.kind,
            reason: answered.text,
            issuedBy: answered.issuedByName,
            outcome: answered.outcome,
            message: answered.outcomeMessage,
            by: "proxy",
            tokenId,
          },
        },
        tx,
      ),
  });
  return {
    id: command.id,
    acknowledgedAt: command.acknowledgedAt?.toISOString() ?? null,
    outcome: command.outcome,
    outcomeMessage: command.outcomeMessage,
  };
}
