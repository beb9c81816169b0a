"use server";
import { defineAction } from "@/lib/actions/define-action";
import { requestIp } from "@/lib/auth/viewer";
import { createAccount, disableAccount, enableAccount, resetAccountPassword, setAccountRole } from "@/lib/users";
import { createUserSchema, resetPasswordSchema, setRoleSchema, userStatusChangeSchema } from "@/lib/users/schemas";
import { roleLabel } from "@/lib/domain/roles";

const ADMIN = ["admin"] as const;
const REVALIDATE = ["/settings/users"];

export const createUserAction = defineAction({
  schema: createUserSchema,
  roles: ADMIN,
  revalidate: REVALIDATE,
  run: async (input, viewer) => {
    const user = await createAccount({ actor: viewer, ip: await requestIp(), input });
    return { message: `Created ${user.email} (${roleLabel(user.role)}).` };
  },
});

export const setRoleAction = defineAction({
  schema: setRoleSchema,
  roles: ADMIN,
  revalidate: REVALIDATE,
  run: async ({ userId, role }, viewer) => {
    const user = await setAccountRole({ actor: viewer, ip: await requestIp(), userId, role });
    return { message: `${user.email} is now ${roleLabel(user.role)}.` };
  },
});

export const resetPasswordAction = defineAction({
  schema: resetPasswordSchema,
  roles: ADMIN,
  revalidate: REVALIDATE,
  run: async ({ userId, generate, password }, viewer) => {
    const { user, generatedPassword } = await resetAccountPassword({
      actor: viewer,
      ip: await requestIp(),
      userId,
      password: generate ? undefined : password,
    });
    return {
      message: generatedPassword
        ? `New password for ${user.email}, shown only now: copy it. Their open sessions are signed out.`
        : `Password of ${user.email} changed. Their open sessions are signed out.`,
      data: { generatedPassword },
    };
  },
});

export const setStatusAction = defineAction({
  schema: userStatusChangeSchema,
  roles: ADMIN,
  revalidate: REVALIDATE,
  run: async ({ userId, status }, viewer) => {
    const ip = await requestIp();
    if (status === "disabled") {
      const user = await disableAccount({ actor: viewer, ip, userId });
      return { message: `${user.email} is disabled and signed out.` };
    }
    const user = await enableAccount({ actor: viewer, ip, userId });
    return { message: `${user.email} is enabled.` };
  },
});
