/** The small room-log rules, without a database (src/server/core/room-log/). */
import { describe, expect, it } from 'vitest';
import type { RoomEvent } from '../../../src/protocol/index.ts';
import { dmOutsiders, dmTaken, reachesDmPeople } from '../../../src/server/core/room-log/dm.ts';
import { mayJoin, roleIn } from '../../../src/server/core/room-log/membership.ts';
import { decideRead } from '../../../src/server/core/room-log/read-marker.ts';
import { searchChangeFor } from '../../../src/server/core/room-log/search-doc.ts';
import { countMentions, unreadCounts } from '../../../src/server/core/room-log/unread.ts';
import { userEventsFor } from '../../../src/server/core/room-log/user-events.ts';

const ann = { id: 'u-ann', nick: 'ann' };
const ben = { id: 'u-ben', nick: 'ben' };
const ev = (e: Partial<RoomEvent>): RoomEvent => ({
  room: 'r',
  seq: 7,
  id: 'e7',
  sender: ann,
  kind: 'text',
  body: 'hello',
  ts: 1,
  ...e,
});

describe('search document', () => {
  it('indexes written messages, replaces an edited text, removes a deleted one, and nothing else', () => {
    expect(searchChangeFor(ev({}))).toEqual({ op: 'add', room: 'r', seq: 7, text: 'hello' });
    expect(searchChangeFor(ev({ kind: 'image', body: '' }))).toEqual({ op: 'add', room: 'r', seq: 7, text: '' });
    expect(searchChangeFor(ev({ kind: 'edit', body: 'new', ref: 3 }))).toEqual({
      op: 'replace',
      room: 'r',
      seq: 3,
      text: 'new',
    });
    expect(searchChangeFor(ev({ kind: 'delete', body: '', ref: 3 }))).toEqual({ op: 'remove', room: 'r', seq: 3 });
    for (const kind of ['system', 'react', 'unreact', 'join', 'topic', 'rename', 'invite'] as const) {
      expect(searchChangeFor(ev({ kind, ref: 3 })), kind).toBeUndefined();
    }
  });
});

describe('user-log projection', () => {
  it('logs membership changes for whom they happen to', () => {
    expect(userEventsFor(ev({ kind: 'join' }))).toEqual([
      { user: ann.id, event: { room: 'r', cause: 'join', ref: 7, kind: 'member' }, startsWatermark: true },
    ]);
    expect(userEventsFor(ev({ kind: 'ban', target: ben }), false)).toEqual([]);
    expect(userEventsFor(ev({ kind: 'ban', target: ben }))[0]).toMatchObject({
      user: ben.id,
      event: { kind: 'unmember', by: ann },
    });
    expect(userEventsFor(ev({ kind: 'text' }))).toEqual([]);
  });
});

describe('DM rules', () => {
  it('reaches with written messages to DM names only', () => {
    const base = { room: 'dm-a', sender: ann, body: '' };
    expect(reachesDmPeople({ ...base, kind: 'file' })).toBe(true);
    expect(reachesDmPeople({ ...base, kind: 'system' })).toBe(false);
    expect(reachesDmPeople({ ...base, room: 'general', kind: 'text' })).toBe(false);
  });

  it('orders outsiders by nickname in code point order, then id, leaving out members, the banned and the writer', () => {
    const p = (id: string, nick: string, member = false, banned = false) => ({ user: { id, nick }, member, banned });
    const people = [p('4', '😀'), p('3', 'b'), p('2', 'b'), p('1', 'B'), p('5', 'z', true), p('6', 'y', false, true)];
    expect(dmOutsiders([...people, p('w', 'a')], 'w').map((u) => u.id)).toEqual(['1', '2', '3', '4']);
  });

  it('leaves a name that is not the opener’s DM alone', () => {
    expect(dmTaken(true, false)).toBe(false);
    expect(dmTaken(false, true)).toBe(false);
    expect(dmTaken(false, false)).toBe(true);
  });
});

describe('read marks', () => {
  it('move only forward, clamped to the head, with a read entry', () => {
    const at = (read: number, head: number) => ({ roomExists: true, membership: { read, head } });
    expect(decideRead('r', 5, at(2, 9))).toEqual({
      status: 'move',
      read: 5,
      entry: { kind: 'read', room: 'r', read: 5 },
    });
    expect(decideRead('r', 50, at(2, 9))).toMatchObject({ status: 'move', read: 9 });
    expect(decideRead('r', 2, at(2, 9))).toEqual({ status: 'unchanged', read: 2 });
    expect(decideRead('r', 1, at(2, 9))).toEqual({ status: 'unchanged', read: 2 });
    expect(decideRead('r', 1, { roomExists: true, membership: undefined })).toEqual({ status: 'not_member' });
    expect(decideRead('r', 1, { roomExists: false, membership: undefined })).toEqual({ status: 'no_room' });
  });
});

describe('unread counts', () => {
  it('count mentions with the shared rule, capped', () => {
    expect(countMentions(['@ben hi', 'mail ann@ben.org', '@bent', 'hey @BEN.', '@ben-bot'], 'ben')).toBe(2);
    expect(
      countMentions(
        Array.from({ length: 10 }, () => '@ben'),
        'ben',
        3,
      ),
    ).toBe(3);
  });

  it('are the engine’s counts with mentions counted above it', async () => {
    const seen: unknown[] = [];
    const log = {
      async unreadMessages(user: string, room: string | undefined, bounds: { cap: number; scan: number }) {
        seen.push([user, room, bounds]);
        return [{ room: 'r', read: 3, head: 9, unread: 4, texts: ['@ben one', '@bennet two'] }];
      },
    };
    expect(await unreadCounts(log, ben, 'r')).toEqual([{ room: 'r', read: 3, unread: 4, mentions: 1, at: 9 }]);
    expect(seen).toEqual([[ben.id, 'r', { cap: 100, scan: 1000 }]]);
  });
});

describe('membership', () => {
  it('gives the owner the owner role, member or not, and others their membership’s', () => {
    expect(roleIn(ann.id, ann.id, undefined)).toBe('owner');
    expect(roleIn(ann.id, ann.id, 'member')).toBe('owner');
    expect(roleIn(ann.id, ben.id, 'moderator')).toBe('moderator');
    expect(roleIn(undefined, ben.id, undefined)).toBeUndefined();
  });

  it('lets anyone not banned into a public room', () => {
    const room = { visibility: 'public' as const, head: 0, title: '', topic: '' };
    expect(mayJoin(room, ben.id, { member: false, banned: false, dmUser: false })).toBe(true);
    expect(mayJoin(room, ben.id, { member: false, banned: true, dmUser: true })).toBe(false);
  });
});
