/** The composer's @mention autocomplete: what is being typed, what it offers, what it inserts. */
import { describe, expect, it } from 'vitest';
import { completeMention, matchNames, mentionQuery } from '../../web/src/mention-complete.ts';
import { excerpt, lastEditable } from '../../web/src/message-text.ts';
import type { RoomEvent } from '../../src/client/index.ts';

describe('mentionQuery', () => {
  it('finds the @word ending at the caret, only at the start of a word', () => {
    expect(mentionQuery('hi @al', 6)).toEqual({ start: 3, q: 'al' });
    expect(mentionQuery('@bo', 3)).toEqual({ start: 0, q: 'bo' });
    expect(mentionQuery('hi @al there', 6)).toEqual({ start: 3, q: 'al' });
    expect(mentionQuery('hi @', 4)).toBeUndefined(); // letters first
    expect(mentionQuery('mail me@al', 10)).toBeUndefined(); // an email address
    expect(mentionQuery('hi @al there', 12)).toBeUndefined(); // caret past the word
    expect(mentionQuery('@李', 2)).toEqual({ start: 0, q: '李' });
  });
});

describe('matchNames', () => {
  const names = ['alice', 'Alan', 'bob', 'Mary Alvarez', 'al.ops'];
  it('offers prefix matches first, then later words, case-insensitively, never yourself', () => {
    expect(matchNames(names, 'al')).toEqual(['al.ops', 'Alan', 'alice', 'Mary Alvarez']);
    expect(matchNames(names, 'AL', 'alice')).toEqual(['al.ops', 'Alan', 'Mary Alvarez']);
    expect(matchNames(names, 'zz')).toEqual([]);
    expect(matchNames(names, 'ops')).toEqual(['al.ops']);
  });
});

describe('completeMention', () => {
  it('replaces the query with @name and a space, and puts the caret after it', () => {
    const text = 'hi @al, then';
    const q = mentionQuery(text, 6)!;
    expect(completeMention(text, 6, q, 'alice')).toEqual({ text: 'hi @alice , then', caret: 10 });
    expect(completeMention('@b', 2, mentionQuery('@b', 2)!, 'bob')).toEqual({ text: '@bob ', caret: 5 });
    expect(completeMention('@b x', 2, mentionQuery('@b x', 2)!, 'bob')).toEqual({ text: '@bob x', caret: 5 });
  });
});

describe('message text', () => {
  it('cuts excerpts to one line', () => {
    expect(excerpt('a\n  b')).toBe('a b');
    expect(excerpt('x'.repeat(100), 10)).toBe(`${'x'.repeat(9)}…`);
  });

  it('finds your newest text message that is not deleted', () => {
    const ev = (seq: number, sender: string, kind: RoomEvent['kind'] = 'text'): RoomEvent => ({
      room: 'r',
      seq,
      id: `e${seq}`,
      sender: { id: sender, nick: sender },
      kind,
      body: 'x',
      ts: seq,
    });
    const rows = [ev(1, 'me'), ev(2, 'me'), ev(3, 'you'), ev(4, 'me', 'join')];
    expect(lastEditable(rows, new Map(), 'me')).toBe(2);
    expect(lastEditable(rows, new Map([[2, { deleted: true, reactions: [] }]]), 'me')).toBe(1);
    expect(lastEditable(rows, new Map(), 'nobody')).toBeUndefined();
  });
});
