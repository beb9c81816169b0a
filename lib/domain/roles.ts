/**
 * Who may do what: admins everything, auditors every session, users only the
 * sessions they performed.
 */

export const ROLES = ["admin", "auditor", "user"] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = { admin: "Administrator", auditor: "Auditor", user: "User" };

export function roleLabel(role: Role): string {
  return ROLE_LABELS[role];
}
