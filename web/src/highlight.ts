/** Splits a search snippet into plain-text parts, marking the matches; never builds HTML. */

export interface Part {
  readonly text: string;
  readonly hit: boolean;
}

/**
 * `marks` are [start, end) UTF-16 offsets from the server; ones that are out of range, empty,
 * reversed or overlapping an earlier one are skipped rather than trusted.
 */
export function highlightParts(snippet: string, marks: readonly (readonly [number, number])[]): Part[] {
  const parts: Part[] = [];
  let at = 0;
  for (const [start, end] of marks) {
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < at || end <= start || end > snippet.length) {
      continue;
    }
    if (start > at) parts.push({ text: snippet.slice(at, start), hit: false });
    parts.push({ text: snippet.slice(start, end), hit: true });
    at = end;
  }
  if (at < snippet.length) parts.push({ text: snippet.slice(at), hit: false });
  return parts;
}
