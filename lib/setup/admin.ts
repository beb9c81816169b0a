import { randomBytes } from "node:crypto";
import { hashPassword } from "@/lib/users/password";
import { env } from "@/lib/env";
import { createUser, hasAnyAdmin } from "@/lib/users/queries";

/** Creates the first admin account when there is none. Prints a generated password once. */
export async function ensureFirstAdmin(): Promise<void> {
  if (await hasAnyAdmin()) return;
  const password = env.ADMIN_PASSWORD ?? randomBytes(12).toString("base64url");
  await createUser({ email: env.ADMIN_EMAIL, name: "Administrator", role: "admin", passwordHash: await hashPassword(password) });
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
