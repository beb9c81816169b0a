/**
 * Conditional requests (RFC 9110 §13): entity-tag lists and the comparisons
 * If-None-Match (weak) and If-Range (strong) call for.
 */

/** The entity tags of an If-None-Match / If-Match value, `"*"` as "*", or null when it is malformed. */
export function parseEntityTags(value: string): string[] | null {
  const trimmed = value.trim();
  if (trimmed === "*") return ["*"];
  const tags: string[] = [];
  // entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE, separated by commas and optional whitespace
  const pattern = /\s*((?:W\/)?"[\x21\x23-\x7e\x80-\xff]*")\s*(?:,|$)/gy;
  let match: RegExpExecArray | null;
  let end = 0;
  while ((match = pattern.exec(trimmed)) && match[0] !== "") {
    tags.push(match[1]!);
    end = pattern.lastIndex;
  }
  return end === trimmed.length && tags.length > 0 ? tags : null;
}

const opaque = (tag: string) => (tag.startsWith("W/") ? tag.slice(2) : tag);

/** Weak comparison: the opaque tags are equal, whichever is weak. */
export const weakMatch = (a: string, b: string) => opaque(a) === opaque(b);

/** Strong comparison: both strong and equal. */
export const strongMatch = (a: string, b: string) => !a.startsWith("W/") && !b.startsWith("W/") && a === b;

/**
 * Whether If-None-Match says the client has the current representation (a
 * GET/HEAD answers 304): `*`, or one of its tags weakly equal to `etag`.
 * A malformed header is ignored, as if absent.
 */
export function noneMatchSatisfied(header: string | null, etag: string): boolean {
  if (header === null) return false;
  const tags = parseEntityTags(header);
  if (!tags) return false;
  return tags.some((t) => t === "*" || weakMatch(t, etag));
}
