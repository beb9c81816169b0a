import { z } from "zod";
import { RECORDING_STATUSES } from "@/lib/domain/recordings";
import { LIVE_COMMAND_KINDS, LIVE_COMMAND_OUTCOMES } from "@/lib/domain/live";
import { CRITICALITIES, RULE_ACTIONS, RULE_SESSION_TYPES } from "@/lib/domain/rules";
import { PROTOCOLS, SESSION_STATUSES, sessionHashSchema } from "@/lib/domain/sessions";

/**
 * The contract of the ingestion API (`/api/v1`). These schemas validate the
 * requests and are also the source of the OpenAPI document (openapi.ts), so
 * the two cannot drift apart.
 */

const sha256 = z
  .string()
  .regex(/^[0-9a-f]{64}$/, "must be a SHA-256 as 64 lowercase hexadecimal characters")
  .meta({ description: "SHA-256 as 64 lowercase hexadecimal characters", example: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" });

/** Chunk numbers as written in the path: decimal digits only, no sign, no leading zero, no space (`1e3`, `0x10`, ` 1` are refused). */
export const chunkSeqSchema = z
  .string()
  .regex(/^(0|[1-9][0-9]*)$/, "must be a whole number written in decimal digits (0, 1, 2…), without sign, leading zero or space")
  .transform(Number)
  .pipe(z.number().max(10_000_000, "must be at most 10000000"))
  .meta({ description: "Number of the chunk, from 0" });

/**
 * What NUL means to the ingestion API. PostgreSQL cannot store U+0000 (nor
 * an unpaired UTF-16 surrogate) in text or JSON:
 * - in the fields that identify a session (start), it is refused with a 422
 *   naming the field: they are the proxy's own data, and changing them would
 *   change what they match;
 * - in what the proxy saw on the target (every text of an event, finish's
 *   errorMessage), it is replaced, so a typed or displayed NUL can never make
 *   a batch unstorable: NUL becomes "␀" (U+2400), an unpaired surrogate "�"
 *   (U+FFFD), and the event lists the fields changed in `replaced`.
 */
export const NUL_REPLACEMENT = "\u2400";

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
// eslint-disable-next-line no-control-regex -- finding NUL is the point
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Text the database can store (refused otherwise), for the fields that identify a session. */
const storable = (schema: z.ZodString) => schema.refine((v) => !UNSTORABLE.test(v), "must not contain NUL (U+0000) or an unpaired surrogate");

/** `text` with NUL replaced by ␀ and unpaired surrogates by U+FFFD; `changed` says whether anything was. */
export function replaceUnstorable(text: string): { text: string; changed: boolean } {
  if (!UNSTORABLE.test(text)) return { text, changed: false };
  return { text: text.replaceAll("\u0000", NUL_REPLACEMENT).replace(LONE_SURROGATE, "\ufffd"), changed: true };
}

const timestamp = z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time with a time zone" });

export const startSessionSchema = z
  .object({
    hash: sessionHashSchema,
    protocol: z.enum(PROTOCOLS),
    host: storable(z.string().trim().min(1).max(255)).meta({ description: "Target host name or address" }),
    credentialUsername: storable(z.string().trim().min(1).max(255)).meta({ description: "The account used on the target" }),
    user: storable(z.string().trim().min(1).max(255)).meta({ description: "The PAM user (matched to an account by email or name)" }),
    userIp: storable(z.string().trim().min(1).max(64)).meta({ description: "Address the PAM user connected from" }),
    startedAt: timestamp,
    clusterNode: storable(z.string().trim().min(1).max(255)).optional().meta({ description: "The proxy node that records it" }),
  })
  .strict();
export type StartSessionInput = z.infer<typeof startSessionSchema>;

export const finishSessionSchema = z
  .object({
    endedAt: timestamp,
    errorMessage: z.string().max(4000).nullish().meta({ description: "Why the session failed, when it did" }),
    totalChunks: z.number().int().min(0).max(10_000_000).meta({ description: "How many chunks the proxy sent (0 when no media)" }),
    mediaSha256: sha256.nullish().meta({
      description:
        "SHA-256 of the whole media (the chunks concatenated in order). Required when totalChunks is more than 0 (422 without it); may be absent or null only when no chunk was sent",
    }),
  })
  .strict();
export type FinishSessionInput = z.infer<typeof finishSessionSchema>;

export const chunkHeadersSchema = z.object({ "x-chunk-sha256": sha256 });

// ─── Events (JSON lines) ─────────────────────────────────────────────────────

const t = z.number().int().min(0).max(2_147_483_647).meta({ description: "Milliseconds from the session start" });

export const keyEventSchema = z
  .object({
    type: z.literal("key"),
    t,
    key: z.string().min(1).max(32),
    modifiers: z
      .array(z.enum(["ctrl", "alt", "shift", "meta"]))
      .max(4)
      .optional(),
    masked: z.boolean().optional().meta({ description: "The proxy hid the key (e.g. at a password prompt)" }),
  })
  .strict();

const pointer = {
  t,
  x: z.number().int().min(0).max(100_000),
  y: z.number().int().min(0).max(100_000),
  button: z.enum(["left", "middle", "right"]).optional(),
};
export const mouseEventSchema = z.object({ type: z.literal("mouse"), ...pointer }).strict();
export const clickEventSchema = z.object({ type: z.literal("click"), ...pointer }).strict();

export const clipboardEventSchema = z
  .object({
    type: z.literal("clipboard"),
    t,
    direction: z.enum(["to-remote", "from-remote"]),
    length: z.number().int().min(0),
    preview: z.string().max(64).optional().meta({ description: "A short preview, at most 64 characters" }),
  })
  .strict();

export const windowEventSchema = z.object({ type: z.literal("window"), t, title: z.string().max(512) }).strict();

export const commandEventSchema = z.object({ type: z.literal("command"), t, command: z.string().min(1).max(8192) }).strict();

/**
 * A database statement. Strict on purpose: result data (columns, rows,
 * values, …) must never reach the server, so any key not listed is refused.
 */
export const queryEventSchema = z
  .object({
    type: z.literal("query"),
    t,
    statement: z.string().min(1).max(65_536),
    outcome: z.enum(["success", "error"]),
    rowsAffected: z.number().int().min(0).nullish(),
    errorMessage: z.string().max(4000).nullish(),
    durationMs: z.number().int().min(0).optional(),
  })
  .strict()
  .meta({ description: "Never carries result data: a query event with any other key is refused." });

export const sessionEventSchema = z.discriminatedUnion("type", [
  keyEventSchema,
  mouseEventSchema,
  clickEventSchema,
  clipboardEventSchema,
  windowEventSchema,
  commandEventSchema,
  queryEventSchema,
]);
export type SessionEventInput = z.infer<typeof sessionEventSchema>;

/** Keys that mean a query event carries result data: named in the 422 so the proxy's author sees why. */
export const RESULT_DATA_KEYS = ["columns", "rows", "values", "result", "results", "data", "resultSet", "fields", "records"];

// ─── Responses ───────────────────────────────────────────────────────────────

export const apiErrorSchema = z.object({
  error: z.string(),
  field: z.string().optional(),
  issues: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});

/** A session's state as both the status and the finish answers give it. */
const sessionState = { hash: sessionHashSchema, status: z.enum(SESSION_STATUSES) };
const recordingState = { status: z.enum(RECORDING_STATUSES), statusReason: z.string().nullable() };

export const sessionStatusSchema = z.object({
  ...sessionState,
  recording: z
    .object({
      ...recordingState,
      sizeBytes: z.number().int(),
      chunks: z.array(z.object({ seq: z.number().int(), sha256: sha256, sizeBytes: z.number().int() })),
      nextSeq: z.number().int().meta({ description: "The lowest chunk number the server does not have" }),
    })
    .nullable(),
  eventCount: z.number().int(),
});
export type SessionStatusOutput = z.infer<typeof sessionStatusSchema>;

/** POST /api/v1/sessions: 201 when this call started the session, 200 when it had been started already. */
export const startReceiptSchema = z.object({
  hash: sessionHashSchema,
  status: z.enum(SESSION_STATUSES),
  created: z.boolean().meta({ description: "true when this call started the session (201), false when it existed (200)" }),
});

export const chunkReceiptSchema = z.object({ seq: z.number().int(), sha256: sha256, sizeBytes: z.number().int(), duplicate: z.boolean() });

export const eventsReceiptSchema = z.object({
  stored: z.number().int(),
  replaced: z
    .number()
    .int()
    .optional()
    .meta({ description: "Events stored with a NUL or an unpaired surrogate replaced (the event's `replaced` names the fields)" }),
});

export const finishReceiptSchema = z.object({
  ...sessionState,
  recording: z.object({ ...recordingState, chainHead: z.string().nullable() }).nullable(),
});

/** GET /api/v1/audited-commands: the enabled rules the proxies enforce (Block, Interrupt), with their version. */
export const auditedCommandsSchema = z.object({
  version: z
    .number()
    .int()
    .describe(
      'Raised by every change to the rules. The ETag is `"rules-v<version>"` (e.g. `"rules-v3"`): a poll with it in If-None-Match is answered 304 while nothing changed',
    ),
  syntax: z.literal("re2").describe("Patterns are RE2 regular expressions, matched anywhere in the command"),
  rules: z.array(
    z.object({
      id: z.uuid(),
      name: z.string(),
      pattern: z.string(),
      sessionType: z.enum(RULE_SESSION_TYPES),
      caseInsensitive: z.boolean().describe("Database rules ignore case"),
      criticality: z.enum(CRITICALITIES),
      score: z.number().int(),
      action: z.enum(RULE_ACTIONS),
      attempts: z.number().int().nullable().describe("For `interrupt`: the attempt that interrupts the session"),
      mitreTechnique: z.string().nullable(),
    }),
  ),
});
export type AuditedCommands = z.infer<typeof auditedCommandsSchema>;

// ─── Paths ───────────────────────────────────────────────────────────────────

export const sessionPathSchema = z.object({ hash: sessionHashSchema });
export const chunkPathSchema = z.object({ hash: sessionHashSchema, seq: chunkSeqSchema });

// ─── Live commands (the command channel) ─────────────────────────────────────

/** `?wait=` of the command channel: seconds to hold the request open while nothing is waiting, 0 to 30. */
export const liveCommandsQuerySchema = z.object({
  wait: z
    .string()
    .regex(/^(0|[1-9][0-9]?)$/, "must be a whole number of seconds from 0 to 30")
    .transform(Number)
    .pipe(z.number().max(30, "must be at most 30"))
    .optional()
    .meta({ description: "Seconds to wait for a command when none is waiting (0 to 30; default 25)" }),
});

export const liveCommandSchema = z.object({
  id: z.uuid().meta({ description: "The command's id: acknowledge it and report its outcome with it; ignore an id you already handled" }),
  hash: sessionHashSchema,
  kind: z.enum(LIVE_COMMAND_KINDS).meta({ description: "terminate the session, lock or unlock the user's input, or show the user a message" }),
  text: z.string().nullable().meta({ description: "The reason (terminate, lock: may be shown to the user) or the message's text; null for unlock" }),
  issuedAt: z.string().meta({ description: "When it was issued (ISO 8601)" }),
  issuedBy: z.string().meta({ description: "The name of who issued it" }),
});

export const liveCommandsSchema = z.object({
  commands: z.array(liveCommandSchema),
  redeliverAfterSeconds: z.number().int().meta({ description: "A command delivered and not acknowledged within this time is delivered again (same id)" }),
});
export type LiveCommandsOutput = z.infer<typeof liveCommandsSchema>;

export const liveCommandAnswerSchema = z
  .object({
    outcome: z.enum(LIVE_COMMAND_OUTCOMES).optional().meta({
      description: "done, refused (the proxy would not or could not), gone (the session had already ended). Leave out to acknowledge receipt only",
    }),
    message: z.string().max(2000).optional().meta({ description: "What the proxy has to say about the outcome" }),
  })
  .strict();
export type LiveCommandAnswerInput = z.infer<typeof liveCommandAnswerSchema>;

export const liveCommandReceiptSchema = z.object({
  id: z.uuid(),
  acknowledgedAt: z.string().nullable(),
  outcome: z.enum(LIVE_COMMAND_OUTCOMES).nullable(),
  outcomeMessage: z.string().nullable(),
});

export const liveCommandPathSchema = z.object({ id: z.uuid("must be a command id (a UUID)") });
