/**
 * The words of live control: what an admin (or an auditor, when the system
 * parameter allows it) may ask the proxy to do to a session being recorded,
 * and what the proxy answers. Pure data, shared by the database schema, the
 * ingestion API, the pages and the client components.
 */
import type { Role } from "./roles";
import type { SessionStatus } from "./sessions";

export const LIVE_COMMAND_KINDS = ["terminate", "lock", "unlock", "message"] as const;
export type LiveCommandKind = (typeof LIVE_COMMAND_KINDS)[number];

export const LIVE_COMMAND_LABELS: Record<LiveCommandKind, string> = {
  terminate: "Terminate session",
  lock: "Lock input",
  unlock: "Unlock input",
  message: "Send a message to the user",
};

/** How a done command reads: "Terminated by Ana at 14:03:11: reason". */
export const LIVE_COMMAND_DONE: Record<LiveCommandKind, string> = {
  terminate: "Terminated",
  lock: "Input locked",
  unlock: "Input unlocked",
  message: "Message sent",
};

/** Terminate and lock take a reason (kept in the audit trail); a message takes its text. */
export function liveCommandNeedsText(kind: LiveCommandKind): boolean {
  return kind !== "unlock";
}

/** What the proxy answers: done, refused (it would not or could not), or gone (the session had already ended). */
export const LIVE_COMMAND_OUTCOMES = ["done", "refused", "gone"] as const;
export type LiveCommandOutcome = (typeof LIVE_COMMAND_OUTCOMES)[number];

export const LIVE_COMMAND_OUTCOME_LABELS: Record<LiveCommandOutcome, string> = {
  done: "Done",
  refused: "Refused by the proxy",
  gone: "Session already gone",
};

/**
 * Who may control a live session: admins always; auditors only while the
 * system parameter "Auditors may control live sessions" is on; users never.
 */
export function mayControlLiveSessions(role: Role, auditorsMayControl: boolean): boolean {
  if (role === "admin") return true;
  if (role === "auditor") return auditorsMayControl;
  return false;
}

/**
 * One line for a command and what became of it, as the player, the report and
 * the timeline show it: "Terminated by Ana at 14:03:11: reason",
 * "Lock input by Ana at 14:02:50: waiting for the proxy", "… refused by the proxy: …".
 * `at` is the issue time already formatted for the reader.
 */
export function describeLiveCommand(command: {
  kind: LiveCommandKind;
  text: string | null;
  issuedByName: string;
  outcome: LiveCommandOutcome | null;
  outcomeMessage: string | null;
  at: string;
}): string {
  const by = `by ${command.issuedByName} at ${command.at}`;
  const text = command.text ? `: ${command.text}` : "";
  if (command.outcome === "done") return `${LIVE_COMMAND_DONE[command.kind]} ${by}${text}`;
  const what = `${LIVE_COMMAND_LABELS[command.kind]} ${by}${text}`;
  if (!command.outcome) return `${what} (waiting for the proxy)`;
  const said = command.outcomeMessage ? `: ${command.outcomeMessage}` : "";
  return `${what} (${LIVE_COMMAND_OUTCOME_LABELS[command.outcome].toLowerCase()}${said})`;
}

/** What the player and the report show of a session's commands: plain data for client components. */
export type LiveCommandView = {
  id: string;
  kind: LiveCommandKind;
  text: string | null;
  issuedByName: string;
  outcome: LiveCommandOutcome | null;
  outcomeMessage: string | null;
  issuedAt: string;
  answeredAt: string | null;
  acknowledged: boolean;
};

/** What GET /api/sessions/[hash]/live-commands answers. */
export type LiveControlState = {
  status: SessionStatus;
  endedAt: string | null;
  errorMessage: string | null;
  canControl: boolean;
  commands: LiveCommandView[];
};

/** Whether the user's input is locked as far as the commands tell: the last lock or unlock not refused. */
export function inputLocked(commands: Pick<LiveCommandView, "kind" | "outcome">[]): boolean {
  for (let i = commands.length - 1; i >= 0; i--) {
    const c = commands[i]!;
    if ((c.kind === "lock" || c.kind === "unlock") && c.outcome !== "refused" && c.outcome !== "gone") return c.kind === "lock";
  }
  return false;
}
