import type { Role } from "@/lib/db/schema";

export function roleLabel(role: Role): string {
  return role === "admin" ? "Administrator" : role === "auditor" ? "Auditor" : "User";
}
