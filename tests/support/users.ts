import { createSignIn } from "@/lib/auth/queries";
import { hashPassword } from "@/lib/users/password";
import { db } from "@/lib/db/client";
import { users, type User } from "@/lib/db/schema";
import { type Role } from "@/lib/domain/roles";

/** Creates an account in the current test database. */
export async function createTestUser(role: Role, overrides: Partial<{ email: string; name: string; password: string }> = {}) {
  const password = overrides.password ?? "correct horse battery";
  const email = overrides.email ?? `${role}-${Math.random().toString(36).slice(2, 8)}@example.test`;
  const [user] = await db
    .insert(users)
    .values({ email, name: overrides.name ?? `Test ${role}`, role, passwordHash: await hashPassword(password) })
    .returning();
  return { ...(user as User), password };
}

/** A signed-in browser of `user` (a sign-in row) and the session cookie's content that names it. */
export async function signInTokenFor(user: { id: string; sessionVersion?: number }) {
  const signInId = await createSignIn({ userId: user.id, ip: null });
  return { userId: user.id, sessionVersion: user.sessionVersion ?? 0, signInId };
}
