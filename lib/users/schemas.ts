import { z } from "zod";
import { ROLES } from "@/lib/domain/roles";

/** Shortest password an administrator may set (NIST SP 800-63B allows long passphrases; we ask for 12+). */
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

export const passwordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters.`)
  .max(MAX_PASSWORD_LENGTH, `Use at most ${MAX_PASSWORD_LENGTH} characters.`);

export const roleSchema = z.enum(ROLES, "Choose a role.");

export const userIdSchema = z.uuid("Unknown account.");

export const createUserSchema = z.object({
  name: z.string().trim().min(1, "Enter a name.").max(200, "Use at most 200 characters."),
  email: z.string().trim().toLowerCase().max(320, "Use at most 320 characters.").pipe(z.email("Enter a valid email address.")),
  role: roleSchema,
  password: passwordSchema,
});
export type CreateUserInput = z.infer<typeof createUserSchema>;

export const setRoleSchema = z.object({ userId: userIdSchema, role: roleSchema });

/** Either the admin types a new password, or (`generate=on`) one is generated and shown once. */
export const resetPasswordSchema = z
  .object({
    userId: userIdSchema,
    generate: z.enum(["on", "true"]).optional(),
    password: z.string().max(MAX_PASSWORD_LENGTH, `Use at most ${MAX_PASSWORD_LENGTH} characters.`).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.generate) return;
    const parsed = passwordSchema.safeParse(v.password ?? "");
    if (!parsed.success) ctx.addIssue({ code: "custom", path: ["password"], message: parsed.error.issues[0]?.message ?? "Invalid password." });
  });

export const userStatusChangeSchema = z.object({ userId: userIdSchema, status: z.enum(["enabled", "disabled"], "Choose enabled or disabled.") });
