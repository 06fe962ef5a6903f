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
  // Fast path: no code point changed length (lower-casing never shortens one).
  const lower = s.toLowerCase();
  if (lower.length === s.length) return lower;
  let out = '';
  for (const ch of s) {
    const low = ch.toLowerCase();
    out += low.length === ch.length ? low : ch;
  }
  return out;
}

/** Every occurrence of every term in `text`, merged where they touch or overlap. */
export function findMatches(text: string, terms: readonly string[]): [number, number][] {
  return matchesIn(fold(text), terms.map(fold), 0, text.length);
}

/** Matches of the (folded) terms in folded[from, to), clipped to it: only the range's matches are collected. */
function matchesIn(folded: string, terms: readonly string[], from: number, to: number): [number, number][] {
  const ranges: [number, number][] = [];
  for (const t of terms) {
    if (t === '') continue;
    const from0 = Math.max(0, from - t.length + 1);
    for (let at = folded.indexOf(t, from0); at !== -1 && at < to; at = folded.indexOf(t, at + t.length)) {
      ranges.push([Math.max(at, from), Math.min(at + t.length, to)]);
    }
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

/** Where the first match of any term starts, or -1. */
function firstMatch(folded: string, terms: readonly string[]): number {
  let first = -1;
  for (const t of terms) {
    const at = t === '' ? -1 : folded.indexOf(t);
    if (at !== -1 && (first === -1 || at < first)) first = at;
  }
  return first;
}

const isHigh = (s: string, i: number): boolean => /[\ud800-\udbff]/.test(s.charAt(i));
const isLow = (s: string, i: number): boolean => /[\udc00-\udfff]/.test(s.charAt(i));

/**
 * The snippet and its marks. Work is bounded whatever the body and terms: one pass per term to
 * find the first match, then matching only inside the snippet (a 4 000-character body of one
 * letter against ten terms once took a millisecond per result).
 */
export function makeSnippet(body: string, terms: readonly string[], max = SNIPPET_MAX): Snippet {
  const folded = fold(body);
  const needles = terms.map(fold);
  if (body.length <= max)
    return { snippet: body, marks: matchesIn(folded, needles, 0, body.length).slice(0, MAX_MARKS) };
  let start = Math.max(0, firstMatch(folded, needles) - LEAD);
  let end = Math.min(body.length, start + max);
  if (end === body.length) start = Math.max(0, end - max);
  // Never cut a surrogate pair in half.
  if (start > 0 && isLow(body, start)) start++;
  if (end < body.length && isHigh(body, end - 1)) end--;
  const head = start > 0 ? ELLIPSIS : '';
  const tail = end < body.length ? ELLIPSIS : '';
  const shift = head.length - start;
  const marks = matchesIn(folded, needles, start, end)
    .slice(0, MAX_MARKS)
    .map(([a, b]): [number, number] => [a + shift, b + shift]);
  return { snippet: head + body.slice(start, end) + tail, marks };
}
