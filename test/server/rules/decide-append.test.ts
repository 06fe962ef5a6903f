/** The room-log rules of an append, without a database (src/server/core/room-log/decide-append.ts). */
import { describe, expect, it } from 'vitest';
import { appendNeeds, decideAppend, type Fresh } from '../../../src/server/core/room-log/decide-append.ts';
import type { AppendState, PersonState, RoomState } from '../../../src/server/core/room-log/state.ts';
import type { AppendInput } from '../../../src/server/store/room-log.ts';

const ann = { id: 'u-ann', nick: 'ann' };
const ben = { id: 'u-ben', nick: 'ben' };
const cal = { id: 'u-cal', nick: 'cal' };

const room: RoomState = { visibility: 'public', ownerId: ann.id, head: 10, title: 'R', topic: '' };
const outsider: PersonState = { member: false, banned: false, dmUser: false };
const member: PersonState = { member: true, banned: false, role: 'member', dmUser: false };
let n = 0;
const fresh: Fresh = { id: () => `id${++n}`, now: 1234 };

const input = (i: Partial<AppendInput>): AppendInput => ({ room: 'r', sender: ann, kind: 'text', body: 'hi', ...i });
const decide = (i: Partial<AppendInput>, s: Partial<AppendState> = {}) => decideAppend(input(i), { room, ...s }, fresh);

describe('decideAppend', () => {
  it('asks the engine for what the input needs only', () => {
    expect(appendNeeds(input({}))).toEqual({ prior: false, sender: false, target: false, dmPeople: false });
    expect(appendNeeds(input({ cid: 'c', kind: 'join' }))).toMatchObject({ prior: true, sender: true });
    expect(appendNeeds(input({ kind: 'kick', target: ben }))).toMatchObject({ target: true, sender: false });
    expect(appendNeeds(input({ room: 'dm-x' })).dmPeople).toBe(true);
    expect(appendNeeds(input({ room: 'gdm-x', kind: 'react', ref: 1 })).dmPeople).toBe(false);
    expect(appendNeeds(input({ room: 'plain' })).dmPeople).toBe(false);
  });

  it('appends a message at head + 1 with its search document and nothing else', () => {
    const d = decide({ cid: 'c1', reply: 3 });
    expect(d).toEqual({
      status: 'append',
      writes: [
        {
          event: expect.objectContaining({
            room: 'r',
            seq: 11,
            cid: 'c1',
            kind: 'text',
            body: 'hi',
            reply: 3,
            ts: 1234,
          }),
          effects: [],
          userLog: [],
          search: { op: 'add', room: 'r', seq: 11, text: 'hi' },
        },
      ],
    });
  });

  it('answers a resend with the stored event, and another write under the same cid with a conflict', () => {
    const prior = { room: 'r', seq: 4, id: 'e4', cid: 'c1', sender: ann, kind: 'text', body: 'hi', ts: 1 } as const;
    expect(decide({ cid: 'c1' }, { prior })).toEqual({ status: 'duplicate', event: prior });
    expect(decide({ cid: 'c1', body: 'other' }, { prior })).toEqual({ status: 'conflict' });
    expect(decide({ cid: 'c1', reply: 2 }, { prior })).toEqual({ status: 'conflict' });
    const file = { id: 'f1', name: 'a', size: 1, type: 'text/plain' };
    expect(decide({ cid: 'c1', kind: 'file', file }, { prior: { ...prior, kind: 'file', file } }).status).toBe(
      'duplicate',
    );
  });

  it('refuses what has no room, before anything else', () => {
    expect(decideAppend(input({ kind: 'join' }), { room: undefined }, fresh)).toEqual({ status: 'no_room' });
    expect(decideAppend(input({ kind: 'topic' }), { room: undefined }, fresh)).toEqual({ status: 'no_room' });
  });

  it('joins and leaves only when membership changes, and starts the watermark at the join', () => {
    const d = decide({ kind: 'join', body: '' }, { sender: outsider });
    expect(d.status === 'append' && d.writes[0]).toMatchObject({
      effects: [
        { kind: 'add_member', user: ann.id },
        { kind: 'set_read', user: ann.id, seq: 11 },
      ],
      userLog: [{ user: ann.id, event: { kind: 'member', room: 'r', cause: 'join', ref: 11 } }],
    });
    expect(decide({ kind: 'join' }, { sender: member })).toEqual({ status: 'unchanged' });
    expect(decide({ kind: 'leave' }, { sender: outsider })).toEqual({ status: 'unchanged' });
    const left = decide({ kind: 'leave' }, { sender: member });
    expect(left.status === 'append' && left.writes[0]?.effects).toEqual([{ kind: 'remove_member', user: ann.id }]);
  });

  it('keeps banned users out, and private rooms to their owner, members and DM people', () => {
    const priv = { ...room, visibility: 'private' as const };
    const join = (sender: PersonState, who = ben) =>
      decideAppend(input({ sender: who, kind: 'join' }), { room: priv, sender }, fresh).status;
    expect(join({ ...outsider, banned: true })).toBe('forbidden');
    expect(join(outsider)).toBe('forbidden');
    expect(join({ ...outsider, dmUser: true })).toBe('append');
    expect(join(outsider, ann)).toBe('append');
    expect(join({ ...outsider, banned: true }, ann)).toBe('forbidden');
    expect(join(member)).toBe('unchanged');
    expect(decide({ sender: ben, kind: 'join' }, { sender: { ...outsider, banned: true } }).status).toBe('forbidden');
  });

  it('applies moderation to the target, logs it in their user log, and appends nothing when it changes nothing', () => {
    const kick = decide({ kind: 'kick', body: '', target: ben }, { target: member });
    expect(kick.status === 'append' && kick.writes[0]).toMatchObject({
      effects: [{ kind: 'remove_member', user: ben.id }],
      userLog: [{ user: ben.id, event: { kind: 'unmember', cause: 'kick', by: ann } }],
    });
    const ban = decide({ kind: 'ban', body: '', target: ben }, { target: outsider });
    expect(ban.status === 'append' && ban.writes[0]).toMatchObject({
      effects: [{ kind: 'add_ban', user: ben.id }],
      userLog: [],
    });
    expect(decide({ kind: 'ban', target: ben }, { target: { ...outsider, banned: true } }).status).toBe('unchanged');
    expect(decide({ kind: 'unban', target: ben }, { target: outsider }).status).toBe('unchanged');
    expect(decide({ kind: 'role', body: 'moderator', target: ben }, { target: outsider }).status).toBe('unchanged');
    expect(decide({ kind: 'role', body: 'member', target: ben }, { target: member }).status).toBe('unchanged');
    const role = decide({ kind: 'role', body: 'moderator', target: ben }, { target: member });
    expect(role.status === 'append' && role.writes[0]?.effects).toEqual([
      { kind: 'set_role', user: ben.id, role: 'moderator' },
    ]);
    const invite = decide({ kind: 'invite', body: '', target: ben }, { target: outsider });
    expect(invite.status === 'append' && invite.writes[0]?.effects).toEqual([
      { kind: 'add_member', user: ben.id },
      { kind: 'set_read', user: ben.id, seq: 11 },
    ]);
  });

  it('sets the title and topic only when they change', () => {
    expect(decide({ kind: 'rename', body: 'R' }).status).toBe('unchanged');
    expect(decide({ kind: 'topic', body: '' }).status).toBe('unchanged');
    const topic = decide({ kind: 'topic', body: 'plans' });
    expect(topic.status === 'append' && topic.writes[0]?.effects).toEqual([{ kind: 'set_topic', topic: 'plans' }]);
  });

  it('reaches the DM’s people who are not members with invites right before the message', () => {
    const dmPeople = [
      { user: cal, member: false, banned: false },
      { user: ann, member: false, banned: false },
      { user: ben, member: false, banned: false },
      { user: { id: 'u-x', nick: 'ben' }, member: false, banned: true },
      { user: { id: 'u-y', nick: 'al' }, member: true, banned: false },
    ];
    const d = decideAppend(input({ room: 'gdm-1', cid: 'm' }), { room, dmPeople }, fresh);
    if (d.status !== 'append') throw new Error(d.status);
    expect(d.writes.map((w) => [w.event.seq, w.event.kind, w.event.target?.id ?? w.event.sender.id])).toEqual([
      [11, 'invite', ben.id],
      [12, 'invite', cal.id],
      [13, 'text', ann.id],
    ]);
    expect(d.writes[0]?.event.cid).toBeUndefined();
    expect(d.writes[0]?.userLog).toEqual([
      { user: ben.id, event: { kind: 'member', room: 'gdm-1', cause: 'invite', ref: 11, by: ann } },
    ]);
    expect(d.writes[0]?.search).toBeUndefined();
    // Nobody to reach: the message alone.
    const alone = decideAppend(input({ room: 'gdm-1' }), { room, dmPeople: [] }, fresh);
    expect(alone.status === 'append' && alone.writes.length).toBe(1);
  });

  it('throws when the engine left out state the input needs', () => {
    expect(() => decide({ kind: 'join' })).toThrow(/sender/);
    expect(() => decide({ kind: 'kick', target: ben })).toThrow(/target/);
    expect(() => decide({ room: 'dm-1' })).toThrow(/DM people/);
  });
});
