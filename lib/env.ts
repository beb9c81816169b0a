import { isIP } from "node:net";
import os from "node:os";
import path from "node:path";
import { z } from "zod";

/**
 * Every environment variable the product reads, validated once at import.
 * Nothing else in the code reads process.env directly.
 */
const schema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    DATA_DIR: z.string().min(1).default("./data"),
    /** The role the application connects as (lib/db/roles.ts): it may not change the audit trail. */
    DATABASE_URL: z.string().url().optional(),
    /** The role that owns the schema, for the migrations; with DATABASE_URL only. */
    DATABASE_OWNER_URL: z.string().url().optional(),
    NEXTAUTH_URL: z.string().url().optional(),
    NEXTAUTH_SECRET: z.string().min(16).optional(),
    SESSION_MAX_AGE_HOURS: z.coerce
      .number()
      .min(0.01)
      .max(24 * 7)
      .default(8),
    ADMIN_EMAIL: z.string().email().default("admin@example.com"),
    ADMIN_PASSWORD: z.string().min(8).optional(),
    /** Unset: demo data on the embedded database only, never on a DATABASE_URL (see parseEnv). */
    SEED_DEMO: z.enum(["0", "1"]).optional(),
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
        const entries = v
          .split(",")
          .map((e) => e.trim())
          .filter(Boolean);
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
    /** Where recordings live: this machine's disk, or an S3-compatible store shared by every node. */
    STORAGE: z.enum(["local", "s3"]).default("local"),
    S3_ENDPOINT: z.string().url().optional(),
    S3_REGION: z.string().min(1).default("us-east-1"),
    // S3's bucket naming rules: 3-63 lowercase letters, digits, dots and hyphens.
    S3_BUCKET: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be a bucket name (3-63 lowercase letters, digits, dots, hyphens)")
      .optional(),
    S3_PREFIX: z
      .string()
      .regex(/^([a-z0-9][a-z0-9_.-]*\/)*([a-z0-9][a-z0-9_.-]*)?$/, "must be a key prefix like sessions/ (lowercase, no leading slash)")
      .default(""),
    S3_ACCESS_KEY_ID: z.string().min(1).optional(),
    S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
    S3_FORCE_PATH_STYLE: z.enum(["0", "1"]).optional(),
    /**
     * Write recordings with S3 Object Lock in this retention mode (retain-until
     * from the retention policy, legal holds as the objects' legal hold); the
     * bucket must have Object Lock enabled, which the start checks.
     * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html
     */
    S3_OBJECT_LOCK: z.enum(["off", "governance", "compliance"]).default("off"),
    /** Size of this node's cache of immutable objects read from the store (HLS segments), in MiB. */
    S3_CACHE_MB: z.coerce
      .number()
      .int()
      .min(0)
      .max(1024 * 1024)
      .default(2048),
    /** This node's name in the cluster; the host name by default. */
    NODE_NAME: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, "must be 1-63 letters, digits, dots, hyphens or underscores")
      .default(os.hostname().slice(0, 63) || "node"),
    /** This node's own URL (NEXTAUTH_URL is the product's); shown on Settings > Cluster. */
    NODE_URL: z.string().url().optional(),
  })
  .superRefine((value, ctx) => {
    if (value.STORAGE !== "s3") {
      if (value.S3_OBJECT_LOCK !== "off")
        ctx.addIssue({ code: "custom", path: ["S3_OBJECT_LOCK"], message: "needs STORAGE=s3 (Object Lock is a feature of S3 stores)" });
      return;
    }
    if (!value.S3_BUCKET) ctx.addIssue({ code: "custom", path: ["S3_BUCKET"], message: "is required with STORAGE=s3" });
    if (!value.S3_ACCESS_KEY_ID !== !value.S3_SECRET_ACCESS_KEY) {
      ctx.addIssue({
        code: "custom",
        path: [value.S3_ACCESS_KEY_ID ? "S3_SECRET_ACCESS_KEY" : "S3_ACCESS_KEY_ID"],
        message: "S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together",
      });
    }
  });

/**
 * Validates an environment. Demo data (made-up sessions, and accounts a demo
 * can sign in with) goes by default only into the embedded database: a
 * DATABASE_URL may be a production server, so there it takes SEED_DEMO=1.
 */
export function parseEnv(source: Record<string, string | undefined>) {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  return {
    ...parsed.data,
    DATA_DIR: path.resolve(parsed.data.DATA_DIR),
    SEED_DEMO: parsed.data.SEED_DEMO ?? (parsed.data.DATABASE_URL ? "0" : "1"),
    // Path-style addressing (http://host/bucket/key) is what MinIO, Ceph RGW and most S3-compatible servers expect.
    S3_FORCE_PATH_STYLE: parsed.data.S3_FORCE_PATH_STYLE ? parsed.data.S3_FORCE_PATH_STYLE === "1" : Boolean(parsed.data.S3_ENDPOINT),
    S3_PREFIX: parsed.data.S3_PREFIX && !parsed.data.S3_PREFIX.endsWith("/") ? `${parsed.data.S3_PREFIX}/` : parsed.data.S3_PREFIX,
  };
}

export const env = parseEnv(process.env);

export type Env = typeof env;
