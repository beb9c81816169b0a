import { isIP } from "node:net";
import path from "node:path";
import { z } from "zod";

/**
 * Every environment variable the product reads, validated once at import.
 * Nothing else in the code reads process.env directly.
 */
const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  DATA_DIR: z.string().min(1).default("./data"),
  /** The role the application connects as (lib/db/roles.ts): it may not change the audit trail. */
  DATABASE_URL: z.string().url().optional(),
  /** The role that owns the schema, for the migrations; with DATABASE_URL only. */
  DATABASE_OWNER_URL: z.string().url().optional(),
  NEXTAUTH_URL: z.string().url().optional(),
  NEXTAUTH_SECRET: z.string().min(16).optional(),
  SESSION_MAX_AGE_HOURS: z.coerce.number().min(0.01).max(24 * 7).default(8),
  ADMIN_EMAIL: z.string().email().default("admin@example.com"),
  ADMIN_PASSWORD: z.string().min(8).optional(),
  SEED_DEMO: z.enum(["0", "1"]).default("1"),
  RESEND_API_KEY: z.string().min(1).optional(),
  RESEND_BASE_URL: z.string().url().optional(),
  EMAIL_FROM: z.string().min(3).default("Session Video <session-video@example.com>"),
  FFMPEG_PATH: z.string().min(1).optional(),
  FFPROBE_PATH: z.string().min(1).optional(),
  WORKER: z.enum(["0", "1"]).default("1"),
  /**
   * Reverse proxies whose X-Forwarded-For is believed: addresses or CIDR
   * ranges, comma-separated. Default none: the client is the socket's peer.
   */
  TRUSTED_PROXIES: z
    .string()
    .default("")
    .transform((v, ctx) => {
      const entries = v.split(",").map((e) => e.trim()).filter(Boolean);
      for (const entry of entries) {
        const [address, bits, extra] = entry.split("/");
        const family = isIP(address ?? "");
        const max = family === 6 ? 128 : 32;
        const okBits = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= max);
        if (!family || !okBits || extra !== undefined) {
          ctx.addIssue({ code: "custom", message: `"${entry}" is not an IP address or a CIDR range (e.g. 10.0.0.0/8)` });
        }
      }
      return entries;
    }),
});

const parsed = schema.safeParse(process.env);
if (!parsed.success) {
  const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
  throw new Error(`Invalid environment:\n${lines.join("\n")}`);
}

export const env = {
  ...parsed.data,
  DATA_DIR: path.resolve(parsed.data.DATA_DIR),
};

export type Env = typeof env;
