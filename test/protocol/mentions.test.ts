/** The one @mention rule, shared by the server's counts and the clients' highlighting. */
import { describe, expect, it } from 'vitest';
import { mentionRanges, mentions } from '../../src/protocol/index.ts';

describe('mentions', () => {
  it.each([
    ['hi @Ada', 'ada', true],
    ['@ada, look', 'Ada', true],
    ['end of sentence @ada.', 'ada', true],
    ['(@ada)', 'ada', true],
    ['@ÉMILE was here', 'émile', true],
    ['@Ada Lovelace said', 'Ada Lovelace', true],
    ['@小明 你好', '小明', true],
    ['@a.b', 'a.b', true],
    ['mail ada@ada.com', 'ada', false],
    ['x@ada', 'ada', false],
    ['@adam', 'ada', false],
    ['@ada-bot', 'ada', false],
    ['@ada.lovelace', 'ada', false],
    ['@axb', 'a.b', false],
    ['no at sign ada', 'ada', false],
  ])('%j mentions %s: %s', (body, nick, expected) => {
    expect(mentions(body, nick)).toBe(expected);
  });

  it('gives every mention’s range, for highlighting', () => {
    expect(mentionRanges('@ada and @ADA, not @adam', 'ada')).toEqual([
      [0, 4],
      [9, 13],
    ]);
    expect(mentionRanges('nothing', 'ada')).toEqual([]);
  });
});
