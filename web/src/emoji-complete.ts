/** The `:shortcode` being typed at the caret, and a `:shortcode:` just closed. Pure. */

export interface ShortcodeQuery {
  /** Index of the `:`. */
  readonly start: number;
  /** What follows the `:` up to the caret (two characters at least). */
  readonly q: string;
}

// The colon starts a word, so times ("12:30") and URLs ("https://") never open the list.
const OPEN = /(?:^|[\s([{])(:([a-z0-9_+-]{2,}))$/i;
const CLOSED = /(?:^|[\s([{])(:([a-z0-9_+-]+):)$/i;

export function shortcodeQuery(text: string, caret: number): ShortcodeQuery | undefined {
  const m = OPEN.exec(text.slice(0, caret));
  if (!m) return undefined;
  return { start: caret - m[1]!.length, q: m[2]!.toLowerCase() };
}

/** A `:code:` ending at the caret (typed in full): where it starts and the code. */
export function closedShortcode(text: string, caret: number): { start: number; code: string } | undefined {
  const m = CLOSED.exec(text.slice(0, caret));
  if (!m) return undefined;
  return { start: caret - m[1]!.length, code: m[2]!.toLowerCase() };
}

/** `text` with [start, end) replaced by `insert`, and the caret after it. */
export function replaceRange(
  text: string,
  start: number,
  end: number,
  insert: string,
): { text: string; caret: number } {
  return { text: text.slice(0, start) + insert + text.slice(end), caret: start + insert.length };
}
