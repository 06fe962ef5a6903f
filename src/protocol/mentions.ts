/**
 * The one @mention rule, shared by the server (mention counts) and the client (counts and
 * highlighting): `@nick`, case-insensitive, not preceded by a letter, digit or `_` (so an email
 * address is not a mention) and not followed by one, nor by `-` or `.` + a name character (so
 * `@ada` does not match in `@ada-bot` or `@ada.l`). Pure; no I/O.
 */

const NAME_CHAR = String.raw`[\p{L}\p{N}_]`;
const TAIL_CHAR = String.raw`[\p{L}\p{N}_-]`;

/** Compiled patterns by nickname; nicknames are few, but the map is bounded anyway. */
const cache = new Map<string, RegExp>();
const CACHE_MAX = 256;

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

function pattern(nick: string): RegExp {
  let re = cache.get(nick);
  if (!re) {
    re = new RegExp(`(?<!${NAME_CHAR})@${escape(nick)}(?!${TAIL_CHAR}|[.]${TAIL_CHAR})`, 'giu');
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(nick, re);
  }
  re.lastIndex = 0;
  return re;
}

/** True when `body` mentions `@nick`. */
export function mentions(body: string, nick: string): boolean {
  if (nick === '' || !body.includes('@')) return false;
  return pattern(nick).test(body);
}

/** Where `body` mentions `@nick` (the `@` included), as [start, end) UTF-16 offsets, in order. */
export function mentionRanges(body: string, nick: string): Array<readonly [number, number]> {
  if (nick === '' || !body.includes('@')) return [];
  return [...body.matchAll(pattern(nick))].map((m) => [m.index, m.index + m[0].length] as const);
}
