/** The @mention being typed at the caret, and the names that complete it. Pure. */

const NAME_CHAR = /[\p{L}\p{N}_.-]/u;
const MATCH_MAX = 6;

export interface MentionQuery {
  /** Index of the `@`. */
  readonly start: number;
  /** What follows the `@` up to the caret (at least one character). */
  readonly q: string;
}

/** The `@word` ending at the caret, when the `@` starts a word (not inside an email address). */
export function mentionQuery(text: string, caret: number): MentionQuery | undefined {
  let i = caret;
  while (i > 0 && NAME_CHAR.test(text[i - 1]!)) i--;
  if (i === 0 || text[i - 1] !== '@' || i === caret) return undefined;
  const at = i - 1;
  if (at > 0 && NAME_CHAR.test(text[at - 1]!)) return undefined;
  return { start: at, q: text.slice(i, caret) };
}

/** Names starting with `q` (case-insensitively), then names with a later word starting with it; not `me`. */
export function matchNames(names: readonly string[], q: string, me?: string): string[] {
  const needle = q.toLocaleLowerCase();
  const self = me?.toLocaleLowerCase();
  const prefix: string[] = [];
  const inner: string[] = [];
  for (const name of names) {
    const lower = name.toLocaleLowerCase();
    if (lower === self) continue;
    if (lower.startsWith(needle)) prefix.push(name);
    else if (lower.split(/[\s._-]+/).some((w) => w.startsWith(needle))) inner.push(name);
  }
  const byName = (a: string, b: string) => a.localeCompare(b);
  return [...prefix.sort(byName), ...inner.sort(byName)].slice(0, MATCH_MAX);
}

/** `text` with the query replaced by `@name ` and where the caret goes. */
export function completeMention(
  text: string,
  caret: number,
  query: MentionQuery,
  name: string,
): { text: string; caret: number } {
  const before = text.slice(0, query.start);
  const after = text.slice(caret).replace(/^ /, '');
  const inserted = `@${name} `;
  return { text: before + inserted + after, caret: before.length + inserted.length };
}
