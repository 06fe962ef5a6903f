import { describe, expect, it } from 'vitest';
import { fuzzyFilter, fuzzyScore } from '../../web/src/fuzzy.ts';

describe('the quick switcher filter', () => {
  const labels = ['#design-review-for-the-q3-launch', '#general', '@Olga', '#random', '@李雷'];
  const pick = (q: string) => fuzzyFilter(labels, q, (l) => l);

  it('prefers a prefix, then a word start, then a substring, then letters in order, tightest first', () => {
    expect(pick('gen')[0]).toBe('#general');
    expect(pick('review')[0]).toBe('#design-review-for-the-q3-launch');
    expect(pick('gnrl')[0]).toBe('#general');
    expect(pick('dsgn')[0]).toBe('#design-review-for-the-q3-launch');
    expect(pick('OLGA')).toEqual(['@Olga']);
    expect(pick('李')).toEqual(['@李雷']);
    expect(pick('an')[0]).toBe('#random');
  });

  it('an empty query keeps every item in order; no match is undefined', () => {
    expect(pick('  ')).toEqual(labels);
    expect(fuzzyScore('zzz', '#general')).toBeUndefined();
    expect(pick('#gen')[0]).toBe('#general');
    expect(pick('@olga')).toEqual(['@Olga']);
  });
});
