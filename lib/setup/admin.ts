import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { hashPassword } from "@/lib/auth/password";
import { db } from "@/lib/db/client";
import { users } from "@/lib/db/schema";
import { env } from "@/lib/env";

/** Creates the first admin account when there is none. Prints a generated password once. */
export async function ensureFirstAdmin(): Promise<void> {
  const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.role, "admin")).limit(1);
  if (existing) return;
  const password = env.ADMIN_PASSWORD ?? randomBytes(12).toString("base64url");
  await db.insert(users).values({
    email: env.ADMIN_EMAIL,
    name: "Administrator",
    role: "admin",
    passwordHash: await hashPassword(password),
  });
  if (env.ADMIN_PASSWORD) {
    console.log(`[setup] created the first admin account ${env.ADMIN_EMAIL} with ADMIN_PASSWORD`);
  } else {
    console.log(
      [
        "",
        "┌───────────────────────────────────────────────────────────────┐",
        "│ First admin account created. This password is shown only once. │",
        "└───────────────────────────────────────────────────────────────┘",
        `   email:    ${env.ADMIN_EMAIL}`,
        `   password: ${password}`,
        "",
      ].join("\n"),
    );
  }
}
