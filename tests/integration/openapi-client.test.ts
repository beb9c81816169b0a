/**
 * The ingestion API's OpenAPI document, checked by tools others wrote: it is
 * valid OpenAPI 3.1 for @seriousme/openapi-schema-validator; openapi-typescript
 * generates a client from it (a typed program using it compiles with tsc);
 * and a whole session lifecycle driven through openapi-fetch, against the
 * route handlers on a real database, gets only documented statuses, each
 * body valid against the schema the document gives for it.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv2020 } from "ajv/dist/2020.js";
import createClient from "openapi-fetch";
import openapiTS, { astToString } from "openapi-typescript";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const dataDir = vi.hoisted(() => {
  const dir = `/tmp/sv-openapi-client-${process.pid}-${Date.now()}`;
  process.env.DATA_DIR = dir;
  process.env.NEXTAUTH_URL = "https://video.example.test";
  return dir;
});

import { GET as getAuditedCommands } from "@/app/api/v1/audited-commands/route";
import { GET as getOpenApi } from "@/app/api/v1/openapi.json/route";
import { GET as getStatus } from "@/app/api/v1/sessions/[hash]/route";
import { PUT as putChunk } from "@/app/api/v1/sessions/[hash]/chunks/[seq]/route";
import { POST as postEvents } from "@/app/api/v1/sessions/[hash]/events/route";
import { POST as postFinish } from "@/app/api/v1/sessions/[hash]/finish/route";
import { POST as postStart } from "@/app/api/v1/sessions/route";
import { stopBoss } from "@/lib/jobs/queue";
import { createApiToken } from "@/lib/tokens";
import { closeDb, useFreshDatabase } from "../support/db";

type Doc = {
  openapi: string;
  servers?: { url: string }[];
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>;
  components: Record<string, unknown>;
};

let token: string;
let doc: Doc;
let work: string;

/** The route handlers as Next.js would call them, by the document's path templates. */
const ROUTES: { method: string; template: string; handler: (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response> }[] = [
  { method: "post", template: "/api/v1/sessions", handler: (r) => postStart(r) },
  { method: "get", template: "/api/v1/sessions/{hash}", handler: getStatus },
  { method: "put", template: "/api/v1/sessions/{hash}/chunks/{seq}", handler: putChunk },
  { method: "post", template: "/api/v1/sessions/{hash}/events", handler: postEvents },
  { method: "post", template: "/api/v1/sessions/{hash}/finish", handler: postFinish },
  { method: "get", template: "/api/v1/audited-commands", handler: (r) => getAuditedCommands(r) },
];

const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
const seen: { operation: string; status: number }[] = [];

/** Every answer: its status must be documented for the operation, its JSON body valid against the documented schema. */
async function checkedFetch(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const method = request.method.toLowerCase();
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const names: string[] = [];
    const pattern = new RegExp(`^${route.template.replace(/\{(\w+)\}/g, (_, n: string) => (names.push(n), "([^/]+)"))}$`);
    const match = pattern.exec(url.pathname);
    if (!match) continue;
    const params = Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(match[i + 1]!)]));
    const response = await route.handler(request, { params: Promise.resolve(params) });
    const operation = `${method.toUpperCase()} ${route.template}`;
    seen.push({ operation, status: response.status });
    const documented = doc.paths[route.template]?.[method]?.responses[String(response.status)];
    expect(documented, `${operation} answered ${response.status}, which the document does not list`).toBeDefined();
    const text = await response.clone().text();
    const type = response.headers.get("content-type") ?? "";
    if (type.startsWith("application/json")) {
      const schema = documented!.content?.["application/json"]?.schema;
      expect(schema, `${operation} ${response.status} sends JSON the document does not describe`).toBeDefined();
      const validate = ajv.compile({ $ref: `https://openapi.test/doc${(schema as { $ref: string }).$ref}` });
      const body = JSON.parse(text);
      expect(validate(body), `${operation} ${response.status}: ${JSON.stringify(validate.errors)}\n${text}`).toBe(true);
    } else {
      expect(documented!.content ?? {}, `${operation} ${response.status} has a body the document does not describe`).toEqual({});
    }
    return response;
  }
  throw new Error(`no route for ${request.method} ${url.pathname}`);
}

beforeAll(async () => {
  await useFreshDatabase();
  token = (await createApiToken({ name: "openapi-client", createdBy: null })).token;
  doc = (await (await getOpenApi(new Request("http://localhost:3999/api/v1/openapi.json"))).json()) as Doc;
  ajv.addSchema({ $id: "https://openapi.test/doc", components: doc.components });
  work = await mkdtemp(path.join(os.tmpdir(), "sv-openapi-client-"));
});
afterAll(async () => {
  await stopBoss();
  await closeDb();
  await rm(dataDir, { recursive: true, force: true });
  if (work) await rm(work, { recursive: true, force: true });
});

describe("the OpenAPI document", () => {
  it("is valid OpenAPI 3.1 for @seriousme/openapi-schema-validator", async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc) as never);
    expect(result.errors ?? [], JSON.stringify(result.errors, null, 1)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("names the app's public address as its server, not the host it was asked on", async () => {
    expect(doc.servers?.map((s) => s.url)).toEqual(["https://video.example.test"]);
  });

  it("gives openapi-typescript what it needs for a typed client that compiles", async () => {
    // openapi-typescript's documented way to type binary bodies: `format: binary` becomes Blob.
    const BLOB = ts.factory.createTypeReferenceNode(ts.factory.createIdentifier("Blob"));
    const types = astToString(await openapiTS(structuredClone(doc) as never, { transform: (schema) => (schema.format === "binary" ? BLOB : undefined) }));
    expect(types).toContain("Blob");
    await writeFile(path.join(work, "api.d.ts"), types);
    await symlink(path.resolve("node_modules"), path.join(work, "node_modules"));
    // What a proxy author writes against the generated types; tsc must accept it as it is.
    await writeFile(
      path.join(work, "proxy.ts"),
      `import createClient from "openapi-fetch";
import type { paths } from "./api";
export async function lifecycle(client: ReturnType<typeof createClient<paths>>, media: Uint8Array, sha: string) {
  const started = await client.POST("/api/v1/sessions", {
    body: { hash: "typed", protocol: "ssh", host: "h", credentialUsername: "root", user: "u", userIp: "10.0.0.1", startedAt: "2026-01-01T00:00:00Z" },
  });
  if (started.data) {
    const created: boolean = started.data.created;
    const hash: string = started.data.hash;
    void created, hash;
  }
  await client.PUT("/api/v1/sessions/{hash}/chunks/{seq}", {
    params: { path: { hash: "typed", seq: 0 }, header: { "X-Chunk-SHA256": sha } },
    body: new Blob([media as BlobPart]),
    bodySerializer: (b) => b,
  });
  await client.POST("/api/v1/sessions/{hash}/events", {
    params: { path: { hash: "typed" } },
    body: [{ type: "command", t: 1, command: "ls" }, { type: "key", t: 2, key: "a" }],
  });
  const finished = await client.POST("/api/v1/sessions/{hash}/finish", {
    params: { path: { hash: "typed" } },
    body: { endedAt: "2026-01-01T00:01:00Z", totalChunks: 1, mediaSha256: sha },
  });
  if (finished.error) {
    const message: string = finished.error.error;
    void message;
  }
}
`,
    );
    await writeFile(
      path.join(work, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          target: "ES2022",
          module: "ESNext",
          moduleResolution: "Bundler",
          lib: ["ES2022", "DOM"],
          skipLibCheck: true,
        },
        files: ["proxy.ts"],
      }),
    );
    const tsc = spawnSync(process.execPath, [path.resolve("node_modules/typescript/bin/tsc"), "-p", work], { encoding: "utf8" });
    expect(tsc.stdout + tsc.stderr).toBe("");
    expect(tsc.status).toBe(0);
  });
});

describe("a whole session through a client generated from the document", () => {
  it("gets only documented answers, each matching its schema", async () => {
    const client = createClient<never>({ baseUrl: "http://app.test", fetch: checkedFetch, headers: { Authorization: `Bearer ${token}` } });
    const c = client as unknown as Record<"GET" | "POST" | "PUT", (p: string, o?: object) => Promise<{ data?: unknown; error?: unknown; response: Response }>>;
    const hash = "openapiclient0001";
    const start = {
      hash,
      protocol: "ssh",
      host: "db-01.internal",
      credentialUsername: "root",
      user: "alice@example.com",
      userIp: "10.0.0.7",
      startedAt: "2026-03-01T10:00:00Z",
    };

    const started = await c.POST("/api/v1/sessions", { body: start });
    expect(started.response.status).toBe(201);
    expect(started.data).toEqual({ hash, status: "active", created: true });
    const again = await c.POST("/api/v1/sessions", { body: start });
    expect(again.response.status).toBe(200);
    expect((await c.POST("/api/v1/sessions", { body: { ...start, hash: "openapiclient0002", host: "   " } })).response.status).toBe(422);
    const huge = await c.POST("/api/v1/sessions", { body: { ...start, clusterNode: "x".repeat(1024 * 1024) } });
    expect(huge.response.status).toBe(413);
    expect((await c.POST("/api/v1/sessions", { body: start, headers: { Authorization: "Bearer nope" } })).response.status).toBe(401);

    const media = new Uint8Array(Buffer.from("media bytes of the recording"));
    const sha = createHash("sha256").update(media).digest("hex");
    const chunk = (seq: number, body: Uint8Array, digest = createHash("sha256").update(body).digest("hex")) =>
      c.PUT("/api/v1/sessions/{hash}/chunks/{seq}", {
        params: { path: { hash, seq }, header: { "X-Chunk-SHA256": digest } },
        body,
        bodySerializer: (b: Uint8Array) => b,
        headers: { "Content-Type": "application/octet-stream" },
      });
    expect((await chunk(0, media)).response.status).toBe(201);
    expect((await chunk(0, media)).response.status).toBe(200);
    expect((await chunk(0, new Uint8Array(Buffer.from("other bytes")))).response.status).toBe(409);
    expect((await chunk(1, new Uint8Array(0))).response.status).toBe(400);

    const events = await c.POST("/api/v1/sessions/{hash}/events", {
      params: { path: { hash } },
      body: [
        { type: "command", t: 100, command: "ls -la" },
        { type: "key", t: 200, key: "Enter" },
      ],
    });
    expect(events.response.status).toBe(201);
    expect(events.data).toEqual({ stored: 2 });
    const bad = await c.POST("/api/v1/sessions/{hash}/events", { params: { path: { hash } }, body: [{ type: "command", t: -1, command: "x" }] });
    expect(bad.response.status).toBe(422);

    const status = await c.GET("/api/v1/sessions/{hash}", { params: { path: { hash } } });
    expect(status.response.status).toBe(200);
    expect(status.data).toMatchObject({ hash, eventCount: 2, recording: { nextSeq: 1 } });
    expect((await c.GET("/api/v1/sessions/{hash}", { params: { path: { hash: "nosuchsession0001" } } })).response.status).toBe(404);

    const finishPath = { params: { path: { hash } } };
    expect((await c.POST("/api/v1/sessions/{hash}/finish", { ...finishPath, body: { endedAt: "2026-03-01T10:05:00Z", totalChunks: 1 } })).response.status).toBe(
      422,
    );
    const hugeFinish = await c.POST("/api/v1/sessions/{hash}/finish", {
      ...finishPath,
      body: { endedAt: "2026-03-01T10:05:00Z", totalChunks: 1, errorMessage: "x".repeat(1024 * 1024) },
    });
    expect(hugeFinish.response.status).toBe(413);
    const finished = await c.POST("/api/v1/sessions/{hash}/finish", {
      ...finishPath,
      body: { endedAt: "2026-03-01T10:05:00Z", totalChunks: 1, mediaSha256: sha },
    });
    expect(finished.response.status).toBe(200);
    expect(finished.data).toMatchObject({ hash, status: "closed" });
    expect((await chunk(1, media)).response.status).toBe(409);

    const rules = await c.GET("/api/v1/audited-commands");
    expect(rules.response.status).toBe(200);
    const etag = rules.response.headers.get("etag")!;
    for (const ifNoneMatch of [etag, `W/${etag}`, `"other", ${etag}`, "*"]) {
      const unchanged = await c.GET("/api/v1/audited-commands", { headers: { "If-None-Match": ifNoneMatch } });
      expect(unchanged.response.status, ifNoneMatch).toBe(304);
      expect(unchanged.response.headers.get("etag")).toBe(etag);
    }
    expect((await c.GET("/api/v1/audited-commands", { headers: { "If-None-Match": '"rules-v0"' } })).response.status).toBe(200);

    // Every operation of the document was driven.
    const operations = new Set(seen.map((s) => s.operation));
    expect([...operations].sort()).toEqual(ROUTES.map((r) => `${r.method.toUpperCase()} ${r.template}`).sort());
  });
});
