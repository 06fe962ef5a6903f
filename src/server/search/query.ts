/**
 * Search queries are user text, never query syntax: words and "quoted phrases", each a literal
 * substring that must occur in the message. The store turns terms into its own (escaped) syntax.
 */

/** A quoted phrase (the closing quote may be missing), or a run of non-space characters. */
const TERM = /"([^"]*)"?|(\S+)/gu;

/** Case-insensitive key, for dropping repeated terms. */
const key = (term: string): string => term.toLowerCase();

/** The distinct terms of a query, in order; empty when it holds nothing to search for. */
export function parseQuery(q: string): string[] {
  const terms: string[] = [];
  const seen = new Set<string>();
  for (const m of q.matchAll(TERM)) {
    const term = (m[1] ?? m[2] ?? '').replace(/\s+/gu, ' ').trim();
    if (term === '' || seen.has(key(term))) continue;
    seen.add(key(term));
    terms.push(term);
  }
  return terms;
}

/** Length in characters (code points), as the trigram tokenizer counts them. */
export const charLength = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};
