/** The web app's snippet rendering: marks become text parts; bad offsets are skipped, not trusted. */
import { describe, expect, it } from 'vitest';
import { highlightParts } from '../../web/src/highlight.ts';

describe('highlightParts', () => {
  it('splits a snippet into plain and marked parts', () => {
    expect(
      highlightParts('周五开会 at noon', [
        [2, 4],
        [8, 12],
      ]),
    ).toEqual([
      { text: '周五', hit: false },
      { text: '开会', hit: true },
      { text: ' at ', hit: false },
      { text: 'noon', hit: true },
    ]);
    expect(highlightParts('plain', [])).toEqual([{ text: 'plain', hit: false }]);
  });

  it('skips marks that are out of range, empty, reversed, overlapping or not integers', () => {
    const marks: [number, number][] = [
      [0, 2],
      [1, 3],
      [4, 4],
      [6, 5],
      [2.5, 3],
      [-1, 1],
      [4, 99],
      [4, 5],
    ];
    expect(highlightParts('abcdef', marks)).toEqual([
      { text: 'ab', hit: true },
      { text: 'cd', hit: false },
      { text: 'e', hit: true },
      { text: 'f', hit: false },
    ]);
  });
});
