import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { rangeResponse, type ByteRange } from "@/lib/http/range";

const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 256));
const LAST_MODIFIED = new Date("2026-03-01T10:00:00Z").toUTCString();
const ETAG = '"export-1-1000"';

function answer(headers: Record<string, string>, method = "GET") {
  const served: (ByteRange | null)[] = [];
  const response = rangeResponse({
    request: new Request("http://app.test/download", { method, headers }),
    size: bytes.length,
    contentType: "video/mp4",
    cacheControl: "private, no-store",
    etag: ETAG,
    headers: { "Last-Modified": LAST_MODIFIED },
    open: async (range) => Readable.from([range ? bytes.subarray(range.start, range.end + 1) : bytes]),
    onServe: async (range) => void served.push(range),
  });
  return { response, served };
}

describe("byte-range answers with validators (RFC 9110 §13)", () => {
  it("carries a strong ETag and Content-Length, also on HEAD", async () => {
    const { response } = answer({}, "HEAD");
    const head = await response;
    expect(head.status).toBe(200);
    expect(head.headers.get("etag")).toBe(ETAG);
    expect(head.headers.get("content-length")).toBe("1000");
  });

  it("honours a Range under an If-Range that matches (entity tag or date)", async () => {
    for (const ifRange of [ETAG, LAST_MODIFIED]) {
      const res = await answer({ Range: "bytes=10-19", "If-Range": ifRange }).response;
      expect(res.status, ifRange).toBe(206);
      expect(res.headers.get("content-range")).toBe("bytes 10-19/1000");
      expect(Buffer.from(await res.arrayBuffer())).toEqual(bytes.subarray(10, 20));
    }
  });

  it("answers 200 with the whole file when If-Range does not match (another tag, a weak tag, another date)", async () => {
    for (const ifRange of ['"export-1-999"', `W/${ETAG}`, new Date("2026-02-01T00:00:00Z").toUTCString(), "garbage"]) {
      const { response, served } = answer({ Range: "bytes=10-19", "If-Range": ifRange });
      const res = await response;
      expect(res.status, ifRange).toBe(200);
      expect(res.headers.get("content-range")).toBeNull();
      expect(res.headers.get("content-length")).toBe("1000");
      expect(Buffer.from(await res.arrayBuffer())).toEqual(bytes);
      expect(served).toEqual([null]);
    }
  });

  it("answers 304 to If-None-Match with the current tag (weakly, in a list, or *), serving nothing", async () => {
    for (const ifNoneMatch of [ETAG, `W/${ETAG}`, `"old", ${ETAG}`, "*"]) {
      const { response, served } = answer({ "If-None-Match": ifNoneMatch });
      const res = await response;
      expect(res.status, ifNoneMatch).toBe(304);
      expect(res.headers.get("etag")).toBe(ETAG);
      expect(served).toEqual([]);
    }
    expect((await answer({ "If-None-Match": '"old"' }).response).status).toBe(200);
  });
});
