/**
 * The demo's accounts, one of each role besides the first admin. Their
 * passwords are generated for this install and printed once, like the first
 * admin's: a published password would let anyone into a deployment that kept
 * its demo accounts.
 */
import type { Role } from "@/lib/domain/roles";
import { generatePassword } from "@/lib/users";
import { hashPassword } from "@/lib/users/password";
import { createUser, getUserByEmail } from "@/lib/users/queries";

export const DEMO_ACCOUNTS: Array<{ email: string; name: string; role: Role }> = [
  { email: "auditor@example.com", name: "Audrey Auditor", role: "auditor" },
  { email: "alice@example.com", name: "Alice Martins", role: "user" },
  { email: "bob@example.com", name: "Bob Chen", role: "user" },
  { email: "carol@example.com", name: "Carol Diaz", role: "user" },
];

export type CreatedDemoAccount = { email: string; role: Role; password: string };

/**
 * Creates the demo accounts that do not exist yet, each with a new random
 * password, and prints those passwords once. Accounts that exist are left as
 * they are. Returns the accounts it created with their passwords.
 */
export async function ensureDemoAccounts(): Promise<CreatedDemoAccount[]> {
  const created: CreatedDemoAccount[] = [];
  for (const account of DEMO_ACCOUNTS) {
    if (await getUserByEmail({ email: account.email })) continue;
    const password = generatePassword();
    await createUser({ email: account.email, name: account.name, role: account.role, passwordHash: await hashPassword(password) });
    created.push({ email: account.email, role: account.role, password });
  }
  if (created.length > 0) {
    console.log(
      [
        "",
        "┌──────────────────────────────────────────────────────────────────┐",
        "│ Demo accounts created. These passwords are shown only once.      │",
        "└──────────────────────────────────────────────────────────────────┘",
        ...created.map((a) => `   ${a.email.padEnd(22)} ${a.role.padEnd(8)} ${a.password}`),
        "",
      ].join("\n"),
    );
  }
  return created;
}
