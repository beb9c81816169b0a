import "server-only";
import { randomBytes } from "node:crypto";
import { recordAudit } from "@/lib/audit";
import { hashPassword } from "./password";
import { createUser, getUserByEmail, getUserById, listUsers, updateUser, updateUserKeepingAnAdmin } from "@/lib/users/queries";
import type { Role } from "@/lib/domain/roles";
import type { User } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import type { CreateUserInput } from "./schemas";

/** Who makes the change, for the guard rails and the audit trail. */
export type Actor = { id: string; email: string };

export type AccountRow = Pick<User, "id" | "name" | "email" | "role" | "createdAt" | "disabledAt">;

const target = (user: Pick<User, "id">) => ({ type: "user", id: user.id });

export async function listAccounts({ q }: { q?: string } = {}): Promise<AccountRow[]> {
  const rows = await listUsers({ q });
  return rows.map(({ id, name, email, role, createdAt, disabledAt }) => ({ id, name, email, role, createdAt, disabledAt }));
}

function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as { code?: unknown }).code === "23505") return true;
  }
  return false;
}

const DUPLICATE_EMAIL = "An account with this email already exists.";

export async function createAccount({ actor, ip, input }: { actor: Actor; ip?: string | null; input: CreateUserInput }): Promise<User> {
  if (await getUserByEmail({ email: input.email })) throw new AppError(DUPLICATE_EMAIL, 409, "email");
  let user: User;
  try {
    const passwordHash = await hashPassword(input.password);
    user = await createUser({ name: input.name, email: input.email, role: input.role, passwordHash }, (tx, row) =>
      recordAudit({ actor, action: "user.created", target: target(row), ip, details: { email: row.email, name: row.name, role: row.role } }, tx),
    );
  } catch (error) {
    // Two admins creating the same email at once: the unique index decides.
    if (isUniqueViolation(error)) throw new AppError(DUPLICATE_EMAIL, 409, "email");
    throw error;
  }
  return user;
}

async function requireAccount(id: string): Promise<User> {
  const user = await getUserById({ id });
  if (!user) throw new AppError("This account does not exist.", 404);
  return user;
}

function guardResult<T extends { ok: boolean; reason?: string }>(result: T, what: string): asserts result is Extract<T, { ok: true }> {
  if (result.ok) return;
  if (result.reason === "last_admin") {
    throw new AppError(`This is the last active administrator; ${what} would leave nobody able to administer the product.`, 409);
  }
  throw new AppError("This account does not exist.", 404);
}

export async function setAccountRole({ actor, ip, userId, role }: { actor: Actor; ip?: string | null; userId: string; role: Role }): Promise<User> {
  const current = await requireAccount(userId);
  if (current.role === role) return current;
  if (userId === actor.id && role !== "admin") throw new AppError("You cannot remove your own administrator role.", 409, "role");
  const result = await updateUserKeepingAnAdmin({
    id: userId,
    changes: { role },
    afterUpdate: (tx, before, after) =>
      recordAudit({ actor, action: "user.role_changed", target: target(after), ip, details: { email: after.email, old: before.role, new: after.role } }, tx),
  });
  guardResult(result, "demoting it");
  return result.after;
}

export async function disableAccount({ actor, ip, userId }: { actor: Actor; ip?: string | null; userId: string }): Promise<User> {
  const current = await requireAccount(userId);
  if (userId === actor.id) throw new AppError("You cannot disable your own account.", 409);
  if (current.disabledAt) return current;
  const result = await updateUserKeepingAnAdmin({
    id: userId,
    changes: { disabledAt: new Date() },
    afterUpdate: (tx, _before, after) => recordAudit({ actor, action: "user.disabled", target: target(after), ip, details: { email: after.email } }, tx),
  });
  guardResult(result, "disabling it");
  return result.after;
}

export async function enableAccount({ actor, ip, userId }: { actor: Actor; ip?: string | null; userId: string }): Promise<User> {
  const current = await requireAccount(userId);
  if (!current.disabledAt) return current;
  const after = await updateUser({ id: userId, disabledAt: null }, (tx, row) =>
    recordAudit({ actor, action: "user.enabled", target: target(row), ip, details: { email: row.email } }, tx),
  );
  if (!after) throw new AppError("This account does not exist.", 404);
  return after;
}

/** 18 random bytes as base64url: 24 characters, 144 bits. */
export function generatePassword(): string {
  return randomBytes(18).toString("base64url");
}

/**
 * Sets a new password chosen by the admin, or generates one (returned once,
 * never stored or logged in clear). The audit entry says which, not the password.
 */
export async function resetAccountPassword({
  actor,
  ip,
  userId,
  password,
}: {
  actor: Actor;
  ip?: string | null;
  userId: string;
  password?: string;
}): Promise<{ user: User; generatedPassword: string | null }> {
  await requireAccount(userId);
  const generatedPassword = password ? null : generatePassword();
  const passwordHash = await hashPassword(password ?? generatedPassword!);
  // A reset usually follows a suspected compromise: whoever holds the old password's sessions is signed out.
  const after = await updateUser({ id: userId, passwordHash, endSessions: true }, (tx, row) =>
    recordAudit({ actor, action: "user.password_reset", target: target(row), ip, details: { email: row.email, generated: generatedPassword !== null } }, tx),
  );
  if (!after) throw new AppError("This account does not exist.", 404);
  return { user: after, generatedPassword };
}
