import "server-only";
import { AppError } from "@/lib/errors";

/** Reads a JSON body, or throws a 400 naming the problem. */
export async function readJson(request: Request, maxBytes = 1024 * 1024): Promise<unknown> {
  const text = await readText(request, maxBytes);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AppError("body: is not valid JSON", 400, "body");
  }
}

/** Reads a text body with a size cap, so a huge body cannot fill the memory. */
export async function readText(request: Request, maxBytes: number): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw new AppError(`body: larger than ${maxBytes} bytes`, 413, "body");
  if (!request.body) return "";
  const parts: Uint8Array[] = [];
  for await (const piece of limitedBody(request.body, maxBytes, `body: larger than ${maxBytes} bytes`)) parts.push(piece);
  return Buffer.concat(parts).toString("utf8");
}

/** A request body piece by piece, failing with 413 past `max` bytes (and cancelling the rest). */
export async function* limitedBody(body: ReadableStream<Uint8Array>, max: number, message = `body: at most ${max} bytes`): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  let size = 0;
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        return;
      }
      size += value.byteLength;
      if (size > max) throw new AppError(message, 413, "body");
      yield value;
    }
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
