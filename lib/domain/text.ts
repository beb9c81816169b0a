/**
 * Text the database cannot store or that no one types: PostgreSQL's text
 * and jsonb refuse NUL (U+0000), and other control characters (except tab
 * and line breaks) have no place in a search. Searches that contain one are
 * refused with this message instead of failing in SQL.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
export const CONTROL_CHARACTER = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

export function hasControlCharacter(text: string): boolean {
  return CONTROL_CHARACTER.test(text);
}

export const SEARCH_CONTROL_CHARACTER = "Search text cannot contain control characters such as NUL (%00); it was ignored.";
