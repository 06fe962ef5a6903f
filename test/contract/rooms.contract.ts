/** Store contract, rooms part: titles and topics as log events, member lists, and direct messages. */
import { expect, it } from 'vitest';
import type { StoreFactory } from './store.contract.ts';
import { unreadCounts } from '../../src/server/core/room-log/unread.ts';

const ann = { id: 'u-ann', nick: 'ann' };
const ben = { id: 'u-ben', nick: 'ben' };
const cal = { id: 'u-cal', nick: 'cal' };

export function roomsContract(factory: StoreFactory): void {
  it('answers a room as of the last write, read between writes (kept reads are dropped)', async () => {
    const store = await factory.open();
    expect(await store.getRoom('r')).toBeUndefined();
    await store.createRoom('r', 'R', { ownerId: ann.id });
    expect(await store.getRoom('r')).toMatchObject({ title: 'R', head: 0 });
    await store.append({ room: 'r', sender: ann, kind: 'join', body: '' });
    expect((await store.getRoom('r'))?.head).toBe(1);
    await store.append({ room: 'r', sender: ann, kind: 'rename', body: 'Room R' });
    expect(await store.getRoom('r')).toMatchObject({ title: 'Room R', head: 2 });
    await store.append({ room: 'r', sender: ann, kind: 'topic', body: 'About R' });
    expect(await store.getRoom('r')).toMatchObject({ topic: 'About R', head: 3 });
    await store.close();
  });

  it('applies rename and topic in the event’s write, and appends nothing when unchanged', async () => {
    const store = await factory.open();
    await store.createRoom('r', 'R', { ownerId: ann.id });
    const renamed = await store.append({ room: 'r', sender: ann, cid: 'n1', kind: 'rename', body: 'Room R' });
    expect(renamed.status).toBe('appended');
    expect((await store.append({ room: 'r', sender: ann, cid: 't1', kind: 'topic', body: 'About R' })).status).toBe(
      'appended',
    );
    expect((await store.append({ room: 'r', sender: ann, cid: 't2', kind: 'topic', body: 'About R' })).status).toBe(
      'unchanged',
    );
    expect((await store.append({ room: 'missing', sender: ann, kind: 'topic', body: 'x' })).status).toBe('no_room');
    expect(await store.getRoom('r')).toMatchObject({ title: 'Room R', topic: 'About R', head: 2 });
    const page = await store.history('r', { after: 0, limit: 10 });
    expect(page.events.map((e) => [e.kind, e.body])).toEqual([
      ['rename', 'Room R'],
      ['topic', 'About R'],
    ]);
    // Clearing the topic.
    await store.append({ room: 'r', sender: ann, kind: 'topic', body: '' });
    expect((await store.getRoom('r'))?.topic ?? '').toBe('');
    const reopened = await factory.reopen(store);
    expect((await reopened.getRoom('r'))?.title).toBe('Room R');
    await reopened.close();
  });

  it('lists members with roles, the owner first, with counts in the room list', async () => {
    const store = await factory.open();
    await store.createSession(ann);
    await store.createSession(ben);
    await store.createAccount({ id: ann.id, username: ann.nick, passwordHash: 'h' });
    await store.createRoom('m', 'M', { ownerId: ann.id });
    await store.append({ room: 'm', sender: ben, kind: 'join', body: '' });
    await store.append({ room: 'm', sender: ann, kind: 'join', body: '' });
    await store.append({ room: 'm', sender: ann, kind: 'role', body: 'moderator', target: ben });
    const page = await store.members('m', 10);
    expect(page.members.map((m) => [m.user.nick, m.role])).toEqual([
      ['ann', 'owner'],
      ['ben', 'moderator'],
    ]);
    // An account is a handle; a user id without one is a guest (UserRef `guest`).
    expect(page.members.map((m) => m.user.guest)).toEqual([undefined, true]);
    expect(page.more).toBe(false);
    expect(page.total).toBe(2);
    // A page that stops short still counts every member (`total`), and a leave is counted out.
    expect(await store.members('m', 1)).toMatchObject({ more: true, total: 2 });
    expect((await store.listRooms()).find((r) => r.name === 'm')?.members).toBe(2);
    await store.append({ room: 'm', sender: ben, kind: 'leave', body: '' });
    expect(await store.members('m', 1)).toMatchObject({ more: false, total: 1 });
    await store.close();
  });

  it('opens a DM once, with only the opener joining, only for the people it is between', async () => {
    const store = await factory.open();
    const spec = { name: 'dm-ab', title: 'ann, ben', opener: ann, others: [ben] };
    const first = await store.openDm(spec);
    expect(first.created).toBe(true);
    expect(first.room).toMatchObject({ name: 'dm-ab', visibility: 'private', members: 1 });
    expect(first.room.dm?.map((u) => u.id).sort()).toEqual([ann.id, ben.id]);
    expect(first.events.map((e) => [e.kind, e.sender.id])).toEqual([['join', ann.id]]);
    expect(first.userEvents.map((u) => [u.user, u.event.kind, u.event.cause])).toEqual([[ann.id, 'member', 'join']]);
    // Ben hears nothing of it yet: not a member, not listed, nothing in his user log.
    expect(await store.isMember('dm-ab', ben.id)).toBe(false);
    expect((await store.listRooms(ben.id)).map((r) => r.name)).not.toContain('dm-ab');
    expect(await store.userHead(ben.id)).toBe(0);
    expect((await store.members('dm-ab', 10)).members.map((m) => m.user.id)).toEqual([ann.id]);
    const again = await store.openDm(spec);
    expect(again).toMatchObject({ created: false, events: [], userEvents: [] });
    // Not listed to, and not joinable by, anyone else.
    expect((await store.listRooms(cal.id)).map((r) => r.name)).not.toContain('dm-ab');
    expect((await store.append({ room: 'dm-ab', sender: cal, kind: 'join', body: '' })).status).toBe('forbidden');
    await store.close();
  });

  it('adds the DM’s people who are not members with its next message, in its write, once', async () => {
    const store = await factory.open();
    await store.openDm({ name: 'gdm-abc', title: 'ann, ben, cal', opener: ann, others: [ben, cal] });
    const first = await store.append({ room: 'gdm-abc', sender: ann, cid: 'm1', kind: 'text', body: 'hi' });
    if (first.status !== 'appended') throw new Error(first.status);
    expect(first.before?.map((e) => [e.kind, e.sender.id, e.target?.id, e.seq])).toEqual([
      ['invite', ann.id, ben.id, 2],
      ['invite', ann.id, cal.id, 3],
    ]);
    expect(first.event.seq).toBe(4);
    expect(first.userEvents?.map((u) => [u.user, u.event.kind, u.event.cause, u.event.ref])).toEqual([
      [ben.id, 'member', 'invite', 2],
      [cal.id, 'member', 'invite', 3],
    ]);
    // The message is theirs to read.
    expect((await unreadCounts(store, ben, 'gdm-abc'))[0]).toMatchObject({ unread: 1 });
    expect((await store.listRooms(cal.id)).map((r) => r.name)).toContain('gdm-abc');
    // A resend appends nothing and adds nobody; a member's next message neither.
    const resent = await store.append({ room: 'gdm-abc', sender: ann, cid: 'm1', kind: 'text', body: 'hi' });
    expect(resent).toMatchObject({ status: 'duplicate', event: { seq: 4 } });
    expect(resent.status === 'duplicate' && resent.before).toBeFalsy();
    const reply = await store.append({ room: 'gdm-abc', sender: ben, cid: 'm2', kind: 'text', body: 'yo' });
    expect(reply.status === 'appended' && reply.before).toBeFalsy();
    // One who left is back with the next message, sent by whoever writes it.
    await store.append({ room: 'gdm-abc', sender: cal, kind: 'leave', body: '' });
    const topic = await store.append({ room: 'gdm-abc', sender: ann, kind: 'topic', body: 'plans' });
    expect(topic.status === 'appended' && topic.before).toBeFalsy();
    expect(await store.isMember('gdm-abc', cal.id)).toBe(false);
    const file = { id: 'f1', name: 'a.txt', size: 1, type: 'text/plain' };
    const back = await store.append({ room: 'gdm-abc', sender: ben, cid: 'm3', kind: 'file', body: '', file });
    expect(back.status === 'appended' && back.before?.map((e) => [e.kind, e.sender.id, e.target?.id])).toEqual([
      ['invite', ben.id, cal.id],
    ]);
    expect(await store.isMember('gdm-abc', cal.id)).toBe(true);
    // A room that is not a DM never adds anyone.
    await store.createRoom('plain', 'Plain', { visibility: 'private', ownerId: ann.id });
    const plain = await store.append({ room: 'plain', sender: ann, kind: 'text', body: 'x' });
    expect(plain.status === 'appended' && plain.before).toBeFalsy();
    await store.close();
  });

  it('re-opening a DM brings back only its opener; a room with a DM-like name is never taken', async () => {
    const store = await factory.open();
    const spec = { name: 'dm-ab2', title: 'ann, ben', opener: ann, others: [ben] };
    await store.openDm(spec);
    await store.append({ room: 'dm-ab2', sender: ann, kind: 'text', body: 'hello' });
    await store.append({ room: 'dm-ab2', sender: ben, kind: 'leave', body: '' });
    expect(await store.isMember('dm-ab2', ben.id)).toBe(false);
    const back = await store.openDm({ ...spec, opener: ben, others: [ann] });
    expect(back.events.map((e) => [e.kind, e.sender.id])).toEqual([['join', ben.id]]);
    expect(await store.isMember('dm-ab2', ben.id)).toBe(true);
    await store.createRoom('dm-squat', 'squat', { ownerId: cal.id });
    const squat = await store.openDm({ name: 'dm-squat', title: 'x', opener: ann, others: [ben] });
    expect(squat).toMatchObject({ taken: true, events: [], userEvents: [] });
    expect(await store.isMember('dm-squat', ben.id)).toBe(false);
    await store.append({ room: 'dm-squat', sender: ann, kind: 'text', body: 'no' });
    expect(await store.isMember('dm-squat', ben.id)).toBe(false);
    const reopened = await factory.reopen(store);
    expect((await reopened.getRoom('dm-ab2'))?.dm?.length).toBe(2);
    expect(await reopened.isMember('dm-ab2', ann.id)).toBe(true);
    await reopened.close();
  });
}
