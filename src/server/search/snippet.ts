/**
 * The snippet of a search result: the part of the text around the first match, with the matches
 * as offsets (never markup, so clients render it as text).
 */

export interface Snippet {
  readonly snippet: string;
  /** [start, end) in UTF-16 code units of `snippet`, ascending, not overlapping. */
  readonly marks: [number, number][];
}

/** Longest snippet, in UTF-16 code units (before the "…" added at a cut). */
export const SNIPPET_MAX = 160;
/** Text kept before the first match when the body is cut. */
const LEAD = 40;
const MAX_MARKS = 50;
const ELLIPSIS = '…';

/** Lower-cases each code point whose lower case has the same length, so offsets stay valid. */
function fold(s: string): string {
  let out = '';
  for (const ch of s) {
    const lower = ch.toLowerCase();
    out += lower.length === ch.length ? lower : ch;
  }
  return out;
}

/** Every occurrence of every term in `text`, merged where they touch or overlap. */
export function findMatches(text: string, terms: readonly string[]): [number, number][] {
  const folded = fold(text);
  const ranges: [number, number][] = [];
  for (const term of terms) {
    const t = fold(term);
    if (t === '') continue;
    for (let at = folded.indexOf(t); at !== -1; at = folded.indexOf(t, at + t.length)) ranges.push([at, at + t.length]);
  }
  ranges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: [number, number][] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

const isHigh = (s: string, i: number): boolean => /[\ud800-\udbff]/.test(s.charAt(i));
const isLow = (s: string, i: number): boolean => /[\udc00-\udfff]/.test(s.charAt(i));

export function makeSnippet(body: string, terms: readonly string[], max = SNIPPET_MAX): Snippet {
  const matches = findMatches(body, terms);
  if (body.length <= max) return { snippet: body, marks: matches.slice(0, MAX_MARKS) };
  let start = Math.max(0, (matches[0]?.[0] ?? 0) - LEAD);
  let end = Math.min(body.length, start + max);
  if (end === body.length) start = Math.max(0, end - max);
  // Never cut a surrogate pair in half.
  if (start > 0 && isLow(body, start)) start++;
  if (end < body.length && isHigh(body, end - 1)) end--;
  const head = start > 0 ? ELLIPSIS : '';
  const tail = end < body.length ? ELLIPSIS : '';
  const shift = head.length - start;
  const marks: [number, number][] = [];
  for (const [a, b] of matches) {
    if (b <= start || a >= end || marks.length >= MAX_MARKS) continue;
    marks.push([Math.max(a, start) + shift, Math.min(b, end) + shift]);
  }
  return { snippet: head + body.slice(start, end) + tail, marks };
}
