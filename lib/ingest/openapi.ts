import { z } from "zod";
import { SESSION_HASH_PATTERN } from "@/lib/domain/sessions";
import {
  apiErrorSchema,
  auditedCommandsSchema,
  chunkReceiptSchema,
  eventsReceiptSchema,
  finishReceiptSchema,
  finishSessionSchema,
  sessionEventSchema,
  sessionStatusSchema,
  startSessionSchema,
} from "./schemas";

const COMPONENTS = {
  StartSession: startSessionSchema,
  FinishSession: finishSessionSchema,
  SessionEvent: sessionEventSchema,
  SessionStatus: sessionStatusSchema,
  ChunkReceipt: chunkReceiptSchema,
  EventsReceipt: eventsReceiptSchema,
  FinishReceipt: finishReceiptSchema,
  AuditedCommands: auditedCommandsSchema,
  Error: apiErrorSchema,
} as const;

const ref = (id: keyof typeof COMPONENTS) => ({ $ref: `#/components/schemas/${id}` });
const json = (id: keyof typeof COMPONENTS, description: string) => ({ description, content: { "application/json": { schema: ref(id) } } });
const errors = (...codes: number[]) => {
  const text: Record<number, string> = {
    400: "A path parameter, header or body is malformed (the body names the field)",
    401: "No valid API token",
    404: "No session with this hash",
    409: "Conflicts with what is stored (the body says why)",
    413: "The body is too large",
    422: "The body is well-formed but invalid (the body names the field)",
  };
  return Object.fromEntries(codes.map((c) => [String(c), json("Error", text[c] ?? "Error")]));
};
const hashParam = { name: "hash", in: "path", required: true, schema: { type: "string", pattern: SESSION_HASH_PATTERN.source }, description: "The proxy's unique session ID" };

/** The OpenAPI 3.1 document of `/api/v1`, built from the zod schemas that validate the requests. */
export function buildOpenApiDocument(serverUrl?: string) {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(COMPONENTS)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    target: "draft-2020-12",
    io: "input",
    uri: (id) => `#/components/schemas/${id}`,
  });
  const components: Record<string, unknown> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    const { $schema: _s, $id: _i, ...rest } = schema as Record<string, unknown>;
    components[id] = rest;
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Session Video ingestion API",
      version: "1.0.0",
      description:
        "What the session proxy writes to: start a session, upload numbered media chunks, send events as JSON lines, finish. Authenticate with `Authorization: Bearer <API token>`.",
    },
    servers: serverUrl ? [{ url: serverUrl }] : undefined,
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
          requestBody: { required: true, content: { "application/json": { schema: ref("StartSession") } } },
          responses: {
            "201": { description: "Started" },
            "200": { description: "Already started: the session as it is" },
            ...errors(400, 401, 422),
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
          description:
            "The body is streamed to storage. The same chunk again is accepted once (200, duplicate: true); another body for an acknowledged number is refused (409). Chunks may arrive out of order.",
          parameters: [
            hashParam,
            { name: "seq", in: "path", required: true, schema: { type: "integer", minimum: 0, maximum: 10_000_000 } },
            { name: "X-Chunk-SHA256", in: "header", required: true, schema: { type: "string", pattern: "^[0-9a-f]{64}$" } },
          ],
          requestBody: { required: true, content: { "application/octet-stream": { schema: { type: "string", contentMediaType: "application/octet-stream" } } } },
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
          summary: "Send a batch of events as JSON lines (one SessionEvent per line)",
          description: "All or nothing: one invalid line refuses the batch. A `query` event carrying result data (columns, rows, values, …) is refused with 422.",
          parameters: [hashParam],
          requestBody: {
            required: true,
            content: { "application/x-ndjson": { schema: ref("SessionEvent"), itemSchema: ref("SessionEvent") } },
          },
          responses: { "201": json("EventsReceipt", "Stored"), ...errors(400, 401, 404, 409, 413, 422) },
        },
      },
      "/api/v1/sessions/{hash}/finish": {
        post: {
          operationId: "finishSession",
          summary: "Finish a session: checks the chunks and the whole media's SHA-256",
          description: "Missing chunks or a wrong total SHA-256 leave the recording `incomplete` with the reason.",
          parameters: [hashParam],
          requestBody: { required: true, content: { "application/json": { schema: ref("FinishSession") } } },
          responses: { "200": json("FinishReceipt", "Finished"), ...errors(400, 401, 404, 422) },
        },
      },
      "/api/v1/audited-commands": {
        get: {
          operationId: "getAuditedCommands",
          summary: "The enabled audited-command rules, for the proxy to enforce Block and Interrupt",
          description: "Poll with `If-None-Match` set to the last ETag: 304 while the rules are unchanged.",
          parameters: [{ name: "If-None-Match", in: "header", required: false, schema: { type: "string" } }],
          responses: {
            "200": { ...json("AuditedCommands", "The rules and their version"), headers: { ETag: { schema: { type: "string" } } } },
            "304": { description: "Unchanged since the ETag sent" },
            ...errors(401),
          },
        },
      },
    },
  };
}
