/**
 * The quick switcher's filter, case-insensitive, the leading # or @ ignored: a prefix beats a
 * word start beats any substring beats the query's letters in order ("gnrl" finds "general"),
 * and among those the tighter match wins. Pure.
 */
export function fuzzyScore(query: string, label: string): number | undefined {
  const q = query.toLowerCase().replace(/\s+/g, '').replace(/^[#@]/, '');
  const s = label.toLowerCase().replace(/^[#@]/, '');
  if (!q) return 0;
  const at = s.indexOf(q);
  if (at === 0) return 300 - s.length;
  if (at > 0) return (/[\s_.-]/.test(s[at - 1] ?? '') ? 250 : 200) - at - s.length * 0.01;
  let first = -1;
  let from = 0;
  for (const ch of q) {
    const i = s.indexOf(ch, from);
    if (i < 0) return undefined;
    if (first < 0) first = i;
    from = i + 1;
  }
  // The letters' span: "gnrl" spans 7 letters of "general", 19 of "design-review-for-the-q3-launch".
  return 100 - (from - first) - first * 0.1;
}

/** `items` matching `query`, best first (stable for equal scores). */
export function fuzzyFilter<T>(items: readonly T[], query: string, label: (item: T) => string): T[] {
  const scored: Array<{ item: T; score: number; index: number }> = [];
  items.forEach((item, index) => {
    const score = fuzzyScore(query, label(item));
    if (score !== undefined) scored.push({ item, score, index });
  });
  if (!query.trim()) return scored.map((s) => s.item);
  return scored.sort((a, b) => b.score - a.score || a.index - b.index).map((s) => s.item);
}
