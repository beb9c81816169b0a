/**
 * The words of the risk analysis: audited-command rules, their criticality,
 * the action the proxy takes, and the kind of session a rule applies to.
 */

export const CRITICALITIES = ["low", "medium", "high"] as const;
export type Criticality = (typeof CRITICALITIES)[number];

export const CRITICALITY_LABELS: Record<Criticality, string> = { low: "Low", medium: "Medium", high: "High" };

export const RULE_ACTIONS = ["allow", "alert", "block", "interrupt"] as const;
export type RuleAction = (typeof RULE_ACTIONS)[number];

export const ACTION_LABELS: Record<RuleAction, string> = {
  allow: "Allow",
  alert: "Alert",
  block: "Block",
  interrupt: "Interrupt",
};

/** "Interrupt after 3 attempts", "Block"… */
export function actionLabel(action: RuleAction, attempts?: number | null): string {
  if (action !== "interrupt") return ACTION_LABELS[action];
  return attempts && attempts > 1 ? `Interrupt after ${attempts} attempts` : "Interrupt";
}

/** Terminal rules read shell commands (SSH, Telnet); database rules read SQL statements. */
export const RULE_SESSION_TYPES = ["terminal", "database"] as const;
export type RuleSessionType = (typeof RULE_SESSION_TYPES)[number];

export const SESSION_TYPE_LABELS: Record<RuleSessionType, string> = {
  terminal: "Terminal",
  database: "Database",
};

/** Where a command line of the analysis came from: rebuilt from keys, or sent whole by the proxy. */
export const COMMAND_SOURCES = ["keys", "command", "query"] as const;
export type CommandSource = (typeof COMMAND_SOURCES)[number];
