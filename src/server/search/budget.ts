/**
 * What one search page may cost, and which trigrams of the query are asked of an index: shared by
 * every engine's search so they answer alike (store/sqlite/sqlite-search.ts,
 * store/postgres/postgres-search.ts).
 */
import { charLength } from './query.ts';

/** The work one page may do (docs/protocol.md, _Search_; docs/security.md, _Limits_). */
export interface SearchBudget {
  /** Candidate messages examined per page, in any room. */
  readonly rows: number;
  /** Characters compared per page: the body length, once per term checked against it. */
  readonly text: number;
  /** Distinct trigrams asked of the index per query. */
  readonly trigrams: number;
}

export const SEARCH_BUDGET: SearchBudget = { rows: 2_000, text: 1_000_000, trigrams: 8 };

/** Distinct trigrams (as the tokenizer counts characters) of the terms of three or more, at most `max`, spread over each term. */
export function pickTrigrams(terms: readonly string[], max: number): string[] {
  const long = terms.filter((t) => charLength(t) >= 3);
  if (long.length === 0) return [];
  const per = Math.max(1, Math.floor(max / long.length));
  const picked = new Set<string>();
  for (const term of long) {
    const chars = [...term.toLowerCase()];
    const all = [...new Set(chars.slice(0, -2).map((_, i) => chars.slice(i, i + 3).join('')))];
    const k = Math.min(per, all.length);
    for (let i = 0; i < k; i++) picked.add(all[k === 1 ? 0 : Math.round((i * (all.length - 1)) / (k - 1))]!);
  }
  return [...picked].slice(0, Math.max(max, long.length));
}
