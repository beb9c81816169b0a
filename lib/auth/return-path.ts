/**
 * Where the sign-in page may send someone afterwards: a path of this site,
 * never another one. The value is parsed as a URL against a placeholder
 * origin, the way a browser will resolve it, and kept only when it stays on
 * that origin: `//host`, `/\host` (a browser reads `\` as `/`), `/%09/host`
 * (a browser drops tabs and newlines) and `https://host` all leave it and are
 * refused, whatever a string-prefix test would have said. Pure: the sign-in
 * page and its tests share it.
 */
const PLACEHOLDER = "http://return-path.invalid";

export const DEFAULT_RETURN_PATH = "/sessions";

/** The request header in which proxy.ts hands a page the path and query it was asked for. */
export const RETURN_PATH_HEADER = "x-return-path";

export function safeReturnPath(raw: string | string[] | null | undefined, fallback = DEFAULT_RETURN_PATH): string {
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value || value.length > 2048 || !value.startsWith("/")) return fallback;
  // Control characters (tab, newline…) are removed by browsers before they resolve a URL: a path with one is not an honest path.
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return fallback;
  let url: URL;
  try {
    url = new URL(value, PLACEHOLDER);
  } catch {
    return fallback;
  }
  if (url.origin !== PLACEHOLDER) return fallback;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // Resolved, the path must still be a plain one (not `//…`, which the browser would read as another host).
  return path.startsWith("/") && !path.startsWith("//") ? path : fallback;
}
