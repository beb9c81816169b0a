import { isDeepStrictEqual } from "node:util";
import http from "node:http";

/**
 * A local stand-in for Resend's emails API (POST /emails), speaking its
 * protocol and applying its documented rules, so that the product's own
 * code talks to it through the real Resend SDK:
 *
 * - `Authorization: Bearer <key>`, else 401 `validation_error`;
 * - `Idempotency-Key` of 1 to 256 characters, else 400 `invalid_idempotency_key`;
 * - a key seen before (keys live 24 hours) with the same payload: the first
 *   answer again, and no second email;
 * - a key seen before with a different payload: 409 `invalid_idempotent_request`
 *   (a retry with that key can never succeed);
 * - a key whose first request is still being answered: 409 `concurrent_idempotent_requests`.
 */
export type SentEmail = {
  authorization: string | undefined;
  idempotencyKey: string | undefined;
  body: { from: string; to: string[]; subject: string; html: string; text: string };
};
export type ResendAnswer = { status: number; body: { id?: string; name?: string; message?: string; statusCode?: number } };

const KEY_LIFETIME_MS = 24 * 60 * 60 * 1000;

export async function startResendStandIn(apiKey: string) {
  const emails: SentEmail[] = [];
  const answers: ResendAnswer[] = [];
  const keys = new Map<string, { payload: unknown; answer: ResendAnswer | null; at: number }>();
  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", () => {
      const answer = (status: number, body: ResendAnswer["body"]) => {
        answers.push({ status, body });
        res.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(body));
        return { status, body };
      };
      const error = (statusCode: number, name: string, message: string) => answer(statusCode, { statusCode, name, message });
      if (req.method !== "POST" || req.url !== "/emails") return error(404, "not_found", "The requested endpoint does not exist.");
      if (req.headers.authorization !== `Bearer ${apiKey}`) return error(401, "validation_error", "API key is invalid");
      let payload: SentEmail["body"];
      try {
        payload = JSON.parse(raw);
      } catch {
        return error(422, "validation_error", "The body is not valid JSON.");
      }
      const key = req.headers["idempotency-key"];
      if (typeof key === "string") {
        if (key.length < 1 || key.length > 256) {
          return error(400, "invalid_idempotency_key", "The key must be between 1-256 chars.");
        }
        const seen = keys.get(key);
        if (seen && Date.now() - seen.at < KEY_LIFETIME_MS) {
          if (!isDeepStrictEqual(seen.payload, payload)) {
            return error(
              409,
              "invalid_idempotent_request",
              "Same idempotency key used with a different request payload. Change your idempotency key or payload.",
            );
          }
          if (!seen.answer) {
            return error(409, "concurrent_idempotent_requests", "Same idempotency key used while original request is still in progress.");
          }
          return answer(seen.answer.status, seen.answer.body);
        }
        keys.set(key, { payload, answer: null, at: Date.now() });
      }
      emails.push({ authorization: req.headers.authorization, idempotencyKey: typeof key === "string" ? key : undefined, body: payload });
      const sent = answer(200, { id: `stand-in-${emails.length}` });
      if (typeof key === "string") keys.get(key)!.answer = sent;
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    /** Every email accepted (once per idempotency key). */
    emails,
    /** Every answer given, in order, errors included. */
    answers,
    close: () => new Promise((r) => server.close(r)),
  };
}
