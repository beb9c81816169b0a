/**
 * The shapes of the `session_events.data` the analysis reads: the ingestion
 * API's events (lib/ingest/schemas.ts) without their `type` and `t`, which
 * are the row's `type` and `t_ms`. The analysis parses again defensively, so
 * that an old or odd row is skipped, never fatal.
 */
import { z } from "zod";

/**
 * A keystroke (`type: "key"`). `key` follows the DOM `KeyboardEvent.key`
 * names: one character for printable keys ("a", "A", " ", "\\"), else a name
 * ("Enter", "Backspace", "Delete", "Tab", "Escape", "ArrowLeft", "ArrowRight",
 * "ArrowUp", "ArrowDown", "Home", "End"). With Ctrl held the key is the letter
 * and `modifiers` holds "ctrl" (Ctrl+U is `{ key: "u", modifiers: ["ctrl"] }`).
 * `masked: true` marks a key the proxy hid (password prompts): its `key` is
 * absent or a placeholder, except that a masked "Enter" still submits.
 */
export type KeyEventData = {
  key?: string;
  modifiers?: Array<"ctrl" | "alt" | "shift" | "meta" | (string & {})>;
  masked?: boolean;
};

/** A command line as the session proxy saw it executed (`type: "command"`). */
export type CommandEventData = { command: string };

/** A database statement and its outcome (`type: "query"`); result rows are never recorded. */
export type QueryEventData = {
  statement: string;
  outcome: "success" | "error";
  rowsAffected?: number | null;
  errorMessage?: string | null;
  durationMs?: number;
};

/** A session event as the analysis takes it: a row of `session_events`, or the same fields. */
export type AnalysisEvent = { tMs: number; type: string; data: unknown };

export const keyEventDataSchema = z.object({
  key: z.string().max(64).optional(),
  modifiers: z.array(z.string().max(16)).max(8).optional(),
  masked: z.boolean().optional(),
});

export const commandEventDataSchema = z.object({ command: z.string() });

export const queryEventDataSchema = z.object({
  statement: z.string(),
  outcome: z.enum(["success", "error"]).optional(),
  rowsAffected: z.number().nullish(),
  errorMessage: z.string().nullish(),
  durationMs: z.number().optional(),
});

export function parseKeyEvent(data: unknown): KeyEventData | null {
  const parsed = keyEventDataSchema.safeParse(data);
  return parsed.success ? (parsed.data as KeyEventData) : null;
}

export function parseCommandEvent(data: unknown): CommandEventData | null {
  const parsed = commandEventDataSchema.safeParse(data);
  return parsed.success ? parsed.data : null;
}

export function parseQueryEvent(data: unknown): Pick<QueryEventData, "statement"> | null {
  const parsed = queryEventDataSchema.safeParse(data);
  return parsed.success ? { statement: parsed.data.statement } : null;
}
