/** UnreadTracker: server counts up to `at`, plus live messages, minus what a read or delete covers. */
import { describe, expect, it } from 'vitest';
import type { RoomEvent } from '../../src/protocol/index.ts';
import { UnreadTracker } from '../../src/client/unread.ts';

const me = { id: 'u-me', nick: 'me' };
const other = { id: 'u-o', nick: 'o' };

const ev = (seq: number, extra: Partial<RoomEvent> = {}): RoomEvent => ({
  room: 'r',
  seq,
  id: `e${seq}`,
  sender: other,
  kind: 'text',
  body: `m${seq}`,
  ts: seq,
  ...extra,
});

function tracker(unread = 3, mentions = 1, read = 10, at = 20): UnreadTracker {
  const t = new UnreadTracker();
  t.snapshot({ room: 'r', read, unread, mentions, at });
  return t;
}

describe('UnreadTracker', () => {
  it('adds live messages after the counted part, not yours, not other kinds', () => {
    const t = tracker();
    expect(t.event(ev(20), me)).toEqual({ changed: false, refresh: false }); // already counted
    expect(t.event(ev(21, { body: 'hey @me' }), me).changed).toBe(true);
    t.event(ev(22, { sender: me }), me);
    t.event(ev(23, { kind: 'react', body: '👍', ref: 21 }), me);
    t.event(ev(24, { kind: 'join', body: '' }), me);
    expect(t.get('r')).toEqual({ room: 'r', read: 10, unread: 4, mentions: 2 });
  });

  it('follows deletes and edits of live messages itself, and asks about counted ones', () => {
    const t = tracker();
    t.event(ev(21), me);
    t.event(ev(22, { kind: 'edit', body: 'now @me', ref: 21 }), me);
    expect(t.get('r')).toMatchObject({ unread: 4, mentions: 2 });
    t.event(ev(23, { kind: 'delete', body: '', ref: 21 }), me);
    expect(t.get('r')).toMatchObject({ unread: 3, mentions: 1 });
    expect(t.event(ev(24, { kind: 'delete', body: '', ref: 15 }), me).refresh).toBe(true);
  });

  it('a read past the counted part clears it; a confirmed read inside it asks the server', () => {
    const t = tracker();
    t.event(ev(21), me);
    t.event(ev(22), me);
    expect(t.read('r', 21, false)).toEqual({ changed: true, refresh: false });
    expect(t.get('r')).toMatchObject({ read: 21, unread: 1, mentions: 0 });

    const u = tracker();
    expect(u.read('r', 15, false).refresh).toBe(false); // local: wait for the server to have it
    expect(u.read('r', 15, true).refresh).toBe(true);
    expect(u.read('r', 12, true).refresh).toBe(false); // an older one: nothing new to ask
    u.snapshot({ room: 'r', read: 15, unread: 1, mentions: 0, at: 20 });
    expect(u.get('r')).toEqual({ room: 'r', read: 15, unread: 1, mentions: 0 });
  });

  it('ignores counts older than what it holds, but takes their watermark', () => {
    const t = tracker(3, 1, 10, 20);
    t.event(ev(21), me);
    // The server has a newer watermark than its counts of 20 were made from: ask it again.
    expect(t.snapshot({ room: 'r', read: 12, unread: 9, mentions: 9, at: 18 })).toEqual({
      changed: true,
      refresh: true,
    });
    expect(t.get('r')).toMatchObject({ read: 12, unread: 4 });
    // A newer one replaces the counts and drops live messages it covers.
    t.snapshot({ room: 'r', read: 12, unread: 2, mentions: 0, at: 21 });
    expect(t.get('r')).toMatchObject({ unread: 2, mentions: 0 });
  });
});
