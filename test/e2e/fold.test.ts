/** The web app's fold of edits, deletes and reactions into the messages they change. */
import { describe, expect, it } from 'vitest';
import type { RoomEvent } from '../../src/client/index.ts';
import { foldLog } from '../../web/src/fold.ts';

const A = { id: 'ua', nick: 'a' };
const B = { id: 'ub', nick: 'b' };
let seq = 0;
function ev(kind: RoomEvent['kind'], body = '', ref?: number, sender = A): RoomEvent {
  seq++;
  return { room: 'r', seq, id: `e${seq}`, sender, kind, body, ts: seq, ...(ref === undefined ? {} : { ref }) };
}

describe('foldLog', () => {
  it('keeps messages and membership as rows and folds changes into their target', () => {
    seq = 0;
    const join = ev('join');
    const msg = ev('text', 'hi');
    const other = ev('text', 'yo', undefined, B);
    const events = [
      join,
      msg,
      other,
      ev('edit', 'hi!', msg.seq),
      ev('react', '👍', msg.seq, B),
      ev('react', '👍', msg.seq),
      ev('react', '🎉', msg.seq),
      ev('unreact', '🎉', msg.seq),
      ev('edit', 'hi!!', msg.seq),
      ev('delete', '', other.seq, B),
      ev('edit', 'too late', other.seq, B),
    ];
    const { rows, changes } = foldLog(events);
    expect(rows.map((e) => e.seq)).toEqual([join.seq, msg.seq, other.seq]);
    expect(changes.get(msg.seq)).toEqual({
      body: 'hi!!',
      deleted: false,
      reactions: [{ emoji: '👍', users: ['ub', 'ua'], names: ['b', 'a'] }],
    });
    expect(changes.get(other.seq)).toEqual({ deleted: true, reactions: [] });
    expect(changes.has(join.seq)).toBe(false);
  });
});
