/** Store contract, rooms part: titles and topics as log events, member lists, and direct messages. */
import { expect, it } from 'vitest';
import type { StoreFactory } from './store.contract.ts';

const ann = { id: 'u-ann', nick: 'ann' };
const ben = { id: 'u-ben', nick: 'ben' };
const cal = { id: 'u-cal', nick: 'cal' };

export function roomsContract(factory: StoreFactory): void {
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
    await store.createRoom('m', 'M', { ownerId: ann.id });
    await store.append({ room: 'm', sender: ben, kind: 'join', body: '' });
    await store.append({ room: 'm', sender: ann, kind: 'join', body: '' });
    await store.append({ room: 'm', sender: ann, kind: 'role', body: 'moderator', target: ben });
    const page = await store.members('m', 10);
    expect(page.members.map((m) => [m.user.nick, m.role])).toEqual([
      ['ann', 'owner'],
      ['ben', 'moderator'],
    ]);
    expect(page.more).toBe(false);
    expect((await store.members('m', 1)).more).toBe(true);
    expect((await store.listRooms()).find((r) => r.name === 'm')?.members).toBe(2);
    await store.close();
  });

  it('opens a DM once, with join and invites in one write, only for the people it is between', async () => {
    const store = await factory.open();
    const spec = { name: 'dm-ab', title: 'ann, ben', opener: ann, others: [ben] };
    const first = await store.openDm(spec);
    expect(first.created).toBe(true);
    expect(first.room).toMatchObject({ name: 'dm-ab', visibility: 'private', members: 2 });
    expect(first.room.dm?.map((u) => u.id).sort()).toEqual([ann.id, ben.id]);
    expect(first.events.map((e) => [e.kind, e.target?.id])).toEqual([
      ['join', undefined],
      ['invite', ben.id],
    ]);
    expect(first.userEvents.map((u) => [u.user, u.event.kind, u.event.cause])).toEqual([
      [ann.id, 'member', 'join'],
      [ben.id, 'member', 'invite'],
    ]);
    const again = await store.openDm({ ...spec, opener: ben, others: [ann] });
    expect(again).toMatchObject({ created: false, events: [], userEvents: [] });
    // Not listed to, and not joinable by, anyone else.
    expect((await store.listRooms(cal.id)).map((r) => r.name)).not.toContain('dm-ab');
    expect((await store.listRooms(ben.id)).map((r) => r.name)).toContain('dm-ab');
    expect((await store.append({ room: 'dm-ab', sender: cal, kind: 'join', body: '' })).status).toBe('forbidden');
    // One who left may come back: opening it again adds them.
    await store.append({ room: 'dm-ab', sender: ben, kind: 'leave', body: '' });
    expect(await store.isMember('dm-ab', ben.id)).toBe(false);
    const back = await store.openDm({ ...spec, opener: ben, others: [ann] });
    expect(back.events.map((e) => [e.kind, e.sender.id])).toEqual([['join', ben.id]]);
    expect(await store.isMember('dm-ab', ben.id)).toBe(true);
    // A room that merely has a DM-like name is never taken over.
    await store.createRoom('dm-squat', 'squat', { ownerId: cal.id });
    const squat = await store.openDm({ name: 'dm-squat', title: 'x', opener: ann, others: [ben] });
    expect(squat).toMatchObject({ taken: true, events: [], userEvents: [] });
    expect(await store.isMember('dm-squat', ben.id)).toBe(false);
    const reopened = await factory.reopen(store);
    expect((await reopened.getRoom('dm-ab'))?.dm?.length).toBe(2);
    await reopened.close();
  });
}
