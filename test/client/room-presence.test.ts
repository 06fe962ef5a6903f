/** The SDK's room presence: one full view, then changes; asks again once when out of step. */
import { describe, expect, it } from 'vitest';
import { RoomPresenceBook } from '../../src/client/room-presence.ts';

const u = (nick: string) => ({ id: `id-${nick}`, nick });

function book() {
  const emitted: { room: string; online: string[]; count: number }[] = [];
  const asked: string[] = [];
  const b = new RoomPresenceBook({
    emit: (room, online, count) => emitted.push({ room, online: online.map((x) => x.nick), count }),
    ask: (room) => asked.push(room),
  });
  return { b, emitted, asked };
}

describe('room presence in the SDK', () => {
  it('applies changes to the full view and emits the whole set', () => {
    const { b, emitted, asked } = book();
    b.apply({ type: 'presence', room: 'r', count: 2, online: [u('bo'), u('al')] });
    b.apply({ type: 'presence', room: 'r', count: 3, joined: [u('cy')] });
    // A change that repeats what the full view showed is harmless.
    b.apply({ type: 'presence', room: 'r', count: 2, joined: [u('cy')], left: [u('bo')] });
    expect(emitted.map((e) => `${e.online.join()}/${e.count}`)).toEqual(['al,bo/2', 'al,bo,cy/3', 'al,cy/2']);
    expect(b.get('r')).toEqual({ online: [u('al'), u('cy')], count: 2 });
    expect(asked).toEqual([]);
  });

  it('counts the people hidden from you (they block you) without asking again on every change', () => {
    const { b, emitted, asked } = book();
    b.apply({ type: 'presence', room: 'r', count: 3, online: [u('al'), u('bo')], hidden: 1 });
    b.apply({ type: 'presence', room: 'r', count: 4, joined: [u('cy')] });
    b.apply({ type: 'presence', room: 'r', count: 3, left: [u('al')] });
    expect(asked).toEqual([]);
    // Only the people shown are listed and counted.
    expect(emitted.map((e) => `${e.online.join()}/${e.count}`)).toEqual(['al,bo/2', 'al,bo,cy/3', 'bo,cy/2']);
    // The hidden one leaving: an empty change whose count disagrees asks for the view again.
    b.apply({ type: 'presence', room: 'r', count: 2, left: [] });
    expect(asked).toEqual(['r']);
  });

  it('asks once for a full view when a change cannot apply or the count does not match', () => {
    const { b, asked } = book();
    b.apply({ type: 'presence', room: 'r', count: 5, joined: [u('al')] });
    b.apply({ type: 'presence', room: 'r', count: 6, joined: [u('bo')] });
    expect(asked).toEqual(['r']);
    b.apply({ type: 'presence', room: 'r', count: 2, online: [u('al'), u('bo')] });
    // A dropped change: the set has 3, the server says 4.
    b.apply({ type: 'presence', room: 'r', count: 4, joined: [u('cy')] });
    expect(asked).toEqual(['r', 'r']);
    b.dropped();
    b.apply({ type: 'presence', room: 'r', count: 9, left: [u('cy')] });
    expect(asked).toEqual(['r', 'r', 'r']);
  });

  it('shows a large room as a count, and names again after the next full view', () => {
    const { b, emitted } = book();
    b.apply({ type: 'presence', room: 'big', count: 1, online: [u('al')] });
    b.apply({ type: 'presence', room: 'big', count: 500 });
    expect(b.get('big')).toEqual({ online: [], count: 500 });
    b.apply({ type: 'presence', room: 'big', count: 1, online: [u('al')] });
    expect(emitted.at(-1)).toEqual({ room: 'big', online: ['al'], count: 1 });
    b.forget('big');
    expect(b.get('big')).toBeUndefined();
  });
});
