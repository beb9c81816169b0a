import "server-only";
import { Readable } from "node:stream";
import parseRange from "range-parser";
import { noneMatchSatisfied, parseEntityTags, strongMatch } from "./conditional";

export type ByteRange = { start: number; end: number };

/** HLS segments are a few hundred kilobytes; above this a range is streamed, so memory per request stays small. */
const WHOLE_RANGE_MAX = 2 * 1024 * 1024;

/**
 * The range a request asks for within `size` bytes (RFC 9110 §14): one range,
 * the whole object (no Range header, a malformed one, or several ranges: the
 * RFC allows answering those with the whole), or unsatisfiable.
 */
export function requestedRange(request: Request, size: number): ByteRange | "whole" | "unsatisfiable" {
  const header = request.headers.get("range");
  if (!header) return "whole";
  const parsed = parseRange(size, header, { combine: true });
  if (parsed === -1) return "unsatisfiable";
  if (parsed !== -2 && parsed.type === "bytes" && parsed.length === 1 && parsed[0]) return parsed[0];
  return "whole";
}

/**
 * Whether a Range may be honoured under If-Range (RFC 9110 §13.1.5): without
 * If-Range, yes; with an entity tag, only when it strongly matches `etag`;
 * with a date, only when it is exactly `lastModified`. Otherwise the
 * representation changed: the answer is 200 with the whole object.
 */
export function ifRangeHolds(request: Request, etag: string | undefined, lastModified: string | undefined): boolean {
  const value = request.headers.get("if-range");
  if (value === null) return true;
  const trimmed = value.trim();
  if (trimmed.startsWith('"') || trimmed.startsWith("W/")) {
    const tags = parseEntityTags(trimmed);
    return !!etag && !!tags && tags.length === 1 && strongMatch(tags[0]!, etag);
  }
  if (!lastModified) return false;
  const asked = Date.parse(trimmed);
  return !Number.isNaN(asked) && asked === Date.parse(lastModified);
}

/**
 * A byte-range response for GET and HEAD (RFC 9110 §14): 206 with
 * Content-Range for one range, 200 for the whole object, 416 for a range
 * outside it; 304 when If-None-Match names the current `etag` (weakly, or
 * `*`); a Range under an If-Range that no longer holds gets the whole object.
 * Used by the HLS media routes and the video downloads alike.
 */
export async function rangeResponse(input: {
  request: Request;
  size: number;
  contentType: string;
  cacheControl: string;
  etag?: string;
  /** More headers for every answer (Content-Disposition, Last-Modified…). */
  headers?: Record<string, string>;
  open: (range?: ByteRange) => Promise<Readable>;
  /** Reads a small range whole (one read instead of a stream); ranges of WHOLE_RANGE_MAX or more stream. */
  readRange?: (range: ByteRange) => Promise<Buffer>;
  /** Runs once before the bytes of a GET are sent (the audit of a download). */
  onServe?: (range: ByteRange | null) => Promise<void>;
}): Promise<Response> {
  const base: Record<string, string> = {
    "Content-Type": input.contentType,
    "Accept-Ranges": "bytes",
    "Cache-Control": input.cacheControl,
    "X-Content-Type-Options": "nosniff",
    ...input.headers,
  };
  if (input.etag) base.ETag = input.etag;
  if (input.etag && noneMatchSatisfied(input.request.headers.get("if-none-match"), input.etag)) {
    // The client has these bytes (RFC 9110 §13.1.2): nothing is sent, so nothing is served.
    return new Response(null, { status: 304, headers: base });
  }
  const asked = ifRangeHolds(input.request, input.etag, input.headers?.["Last-Modified"]) ? requestedRange(input.request, input.size) : "whole";
  if (asked === "unsatisfiable") {
    return new Response(null, { status: 416, headers: { ...base, "Content-Range": `bytes */${input.size}` } });
  }
  const range = asked === "whole" ? undefined : asked;
  const length = range ? range.end - range.start + 1 : input.size;
  const headers: Record<string, string> = {
    ...base,
    "Content-Length": String(length),
    ...(range ? { "Content-Range": `bytes ${range.start}-${range.end}/${input.size}` } : {}),
  };
  const status = range ? 206 : 200;
  if (input.request.method === "HEAD") return new Response(null, { status, headers });
  await input.onServe?.(range ?? null);
  if (range && input.readRange && range.end - range.start < WHOLE_RANGE_MAX) {
    const bytes = await input.readRange(range);
    // Handed over as a one-piece stream: a Response made from the buffer itself would copy it.
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes);
        controller.close();
      },
    });
    return new Response(body, { status, headers });
  }
  const stream = await input.open(range);
  input.request.signal.addEventListener("abort", () => stream.destroy(), { once: true });
  return new Response(Readable.toWeb(stream) as ReadableStream<Uint8Array>, { status, headers });
}
