/** Text for a LIKE pattern with its pattern characters (%, _ and the backslash) taken literally. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
