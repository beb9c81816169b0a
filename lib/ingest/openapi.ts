import { z } from "zod";
import { SESSION_HASH_PATTERN } from "@/lib/domain/sessions";
import { env } from "@/lib/env";
import {
  apiErrorSchema,
  auditedCommandsSchema,
  chunkReceiptSchema,
  eventsReceiptSchema,
  finishReceiptSchema,
  finishSessionSchema,
  liveCommandAnswerSchema,
  liveCommandReceiptSchema,
  liveCommandsSchema,
  sessionEventSchema,
  sessionStatusSchema,
  startReceiptSchema,
  startSessionSchema,
} from "./schemas";
import { MAX_CHUNK_BYTES, MAX_EVENTS_BATCH_BYTES, MAX_EVENTS_PER_BATCH } from "./limits";

const COMPONENTS = {
  StartSession: startSessionSchema,
  FinishSession: finishSessionSchema,
  SessionEvent: sessionEventSchema,
  SessionStatus: sessionStatusSchema,
  StartReceipt: startReceiptSchema,
  ChunkReceipt: chunkReceiptSchema,
  EventsReceipt: eventsReceiptSchema,
  FinishReceipt: finishReceiptSchema,
  AuditedCommands: auditedCommandsSchema,
  LiveCommands: liveCommandsSchema,
  LiveCommandAnswer: liveCommandAnswerSchema,
  LiveCommandReceipt: liveCommandReceiptSchema,
  Error: apiErrorSchema,
} as const;

const ref = (id: keyof typeof COMPONENTS) => ({ $ref: `#/components/schemas/${id}` });
const json = (id: keyof typeof COMPONENTS, description: string) => ({ description, content: { "application/json": { schema: ref(id) } } });
const errors = (...codes: number[]) => {
  const text: Record<number, string> = {
    400: "A path parameter, header or body is malformed (the body names the field)",
    401: "No valid API token",
    404: "No session with this hash (or one another token started); for a command, no command with this id among this token's sessions",
    409: "Conflicts with what is stored (the body says why)",
    413: "The body is too large",
    422: "The body is well-formed but invalid (the body names the field)",
  };
  return Object.fromEntries(codes.map((c) => [String(c), json("Error", text[c] ?? "Error")]));
};
const hashParam = {
  name: "hash",
  in: "path",
  required: true,
  schema: { type: "string", pattern: SESSION_HASH_PATTERN.source },
  description: "The proxy's unique session ID",
};

/**
 * The OpenAPI 3.1 document of `/api/v1`, built from the zod schemas that
 * validate the requests. Its server is the app's public address
 * (NEXTAUTH_URL); without one the document names none, which OpenAPI reads
 * as "the host that served this document".
 */
export function buildOpenApiDocument() {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(COMPONENTS)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    target: "draft-2020-12",
    io: "input",
    uri: (id) => `#/components/schemas/${id}`,
  });
  const components: Record<string, Record<string, unknown>> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    const { $schema: _s, $id: _i, ...rest } = schema as Record<string, unknown>;
    components[id] = rest;
  }
  // What zod cannot say in JSON Schema: mediaSha256 is required once a chunk was sent.
  components.FinishSession = {
    ...components.FinishSession,
    if: { properties: { totalChunks: { minimum: 1 } }, required: ["totalChunks"] },
    then: { required: ["mediaSha256"], properties: { mediaSha256: { type: "string" } } },
  };
  const publicUrl = env.NEXTAUTH_URL ? new URL(env.NEXTAUTH_URL).origin : null;
  return {
    openapi: "3.1.0",
    info: {
      title: "Session Video ingestion API",
      version: "1.0.0",
      description:
        "What the session proxy writes to: start a session, upload numbered media chunks, send events (JSON lines or a JSON array), finish. Authenticate with `Authorization: Bearer <API token>`.",
    },
    ...(publicUrl ? { servers: [{ url: publicUrl, description: "This installation's public address" }] } : {}),
    components: {
      schemas: components,
      securitySchemes: { apiToken: { type: "http", scheme: "bearer", description: "An API token created under Administration › API tokens" } },
    },
    security: [{ apiToken: [] }],
    paths: {
      "/api/v1/sessions": {
        post: {
          operationId: "startSession",
          summary: "Start a session (idempotent on its hash)",
          description: "Text fields are trimmed; one that is empty or only whitespace is refused with 422. The body may be at most 1 MiB (413).",
          requestBody: { required: true, content: { "application/json": { schema: ref("StartSession") } } },
          responses: {
            "201": json("StartReceipt", "Started"),
            "200": json("StartReceipt", "Already started by this token: the session as it is"),
            ...errors(400, 401, 409, 413, 422),
          },
        },
      },
      "/api/v1/sessions/{hash}": {
        get: {
          operationId: "getSessionStatus",
          summary: "What the server has of a session: the chunks received, to resume an upload",
          parameters: [hashParam],
          responses: { "200": json("SessionStatus", "The session"), ...errors(400, 401, 404) },
        },
      },
      "/api/v1/sessions/{hash}/chunks/{seq}": {
        put: {
          operationId: "uploadChunk",
          summary: "Upload media chunk number `seq`",
          description: `The body (raw bytes, 1 byte to ${MAX_CHUNK_BYTES} bytes; an empty one is refused with 400) is streamed to storage. The same chunk again is accepted once (200, duplicate: true); another body for an acknowledged number is refused (409). Chunks may arrive out of order. A body whose SHA-256 is not X-Chunk-SHA256 is refused with 422.`,
          parameters: [
            hashParam,
            {
              name: "seq",
              in: "path",
              required: true,
              schema: { type: "integer", minimum: 0, maximum: 10_000_000 },
              description: "Number of the chunk, from 0, in decimal digits",
            },
            { name: "X-Chunk-SHA256", in: "header", required: true, schema: { type: "string", pattern: "^[0-9a-f]{64}$" }, description: "SHA-256 of the body" },
          ],
          requestBody: {
            required: true,
            content: { "application/octet-stream": { schema: { type: "string", format: "binary", contentMediaType: "application/octet-stream" } } },
          },
          responses: {
            "201": json("ChunkReceipt", "Stored"),
            "200": json("ChunkReceipt", "Already stored with the same SHA-256"),
            ...errors(400, 401, 404, 409, 413, 422),
          },
        },
      },
      "/api/v1/sessions/{hash}/events": {
        post: {
          operationId: "sendEvents",
          summary: "Send a batch of events: a JSON array, or JSON lines (one SessionEvent per line)",
          description: `All or nothing: one invalid event refuses the batch (422 naming it). At most ${MAX_EVENTS_PER_BATCH} events and ${MAX_EVENTS_BATCH_BYTES} bytes (413). A \`query\` event carrying result data (columns, rows, values, …) is refused with 422.`,
          parameters: [hashParam],
          requestBody: {
            required: true,
            content: {
              "application/json": { schema: { type: "array", items: ref("SessionEvent"), maxItems: MAX_EVENTS_PER_BATCH } },
              "application/x-ndjson": {
                schema: { type: "string", description: "JSON lines: each non-empty line is one SessionEvent (#/components/schemas/SessionEvent)" },
              },
            },
          },
          responses: { "201": json("EventsReceipt", "Stored"), ...errors(400, 401, 404, 409, 413, 422) },
        },
      },
      "/api/v1/sessions/{hash}/finish": {
        post: {
          operationId: "finishSession",
          summary: "Finish a session: checks the chunks and the whole media's SHA-256",
          description:
            "Missing chunks or a wrong total SHA-256 leave the recording `incomplete` with the reason. Idempotent: finishing a finished session answers what is stored and changes nothing. The body may be at most 1 MiB (413).",
          parameters: [hashParam],
          requestBody: { required: true, content: { "application/json": { schema: ref("FinishSession") } } },
          responses: { "200": json("FinishReceipt", "Finished"), ...errors(400, 401, 404, 413, 422) },
        },
      },
      "/api/v1/commands": {
        get: {
          operationId: "waitForCommands",
          summary: "The command channel: commands for the sessions this token started (long polling)",
          description:
            "Hold this request open and call it again as soon as it answers. It answers at once when commands are waiting (terminate the session, lock or unlock the user's input, show the user a message), as soon as one is issued on any node of the cluster, or with an empty list after `wait` seconds. Each command is delivered once: commands issued while the proxy was not connected are delivered on its next call. Acknowledge each with `POST /api/v1/commands/{id}`; one not acknowledged within `redeliverAfterSeconds` is delivered again with the same id.",
          parameters: [{ name: "wait", in: "query", required: false, schema: { type: "integer", minimum: 0, maximum: 30, default: 25 } }],
          responses: { "200": json("LiveCommands", "The commands, oldest first (may be empty)"), ...errors(400, 401) },
        },
      },
      "/api/v1/commands/{id}": {
        post: {
          operationId: "answerCommand",
          summary: "Acknowledge a command and report its outcome",
          description:
            "Send `{}` as soon as the command is received, and `{ outcome, message }` once it is carried out (done), refused, or found to target a session already gone. The same answer again is accepted; another outcome after one was recorded is refused (409). The outcome is shown to the auditors and kept in the audit trail.",
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" }, description: "The command's id" }],
          requestBody: { required: true, content: { "application/json": { schema: ref("LiveCommandAnswer") } } },
          responses: { "200": json("LiveCommandReceipt", "Recorded"), ...errors(400, 401, 404, 409, 422) },
        },
      },
      "/api/v1/audited-commands": {
        get: {
          operationId: "getAuditedCommands",
          summary: "The enabled audited-command rules, for the proxy to enforce Block and Interrupt",
          description:
            'Poll with `If-None-Match` set to the last ETag (`"rules-v<version>"`): 304 while the rules are unchanged. Compared as RFC 9110 says: weakly (`W/"rules-v3"` matches), a list matches when one of its tags does, and `*` always matches.',
          parameters: [{ name: "If-None-Match", in: "header", required: false, schema: { type: "string" } }],
          responses: {
            "200": {
              ...json("AuditedCommands", "The rules and their version"),
              headers: { ETag: { schema: { type: "string", pattern: '^"rules-v[0-9]+"$' }, description: '`"rules-v<version>"`' } },
            },
            "304": {
              description: "Unchanged since the ETag sent",
              headers: { ETag: { schema: { type: "string", pattern: '^"rules-v[0-9]+"$' } } },
            },
            ...errors(401),
          },
        },
      },
    },
  };
}
