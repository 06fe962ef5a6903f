/**
 * Store contract, room-log rules: the edges of what an append decides (core/room-log/) as any
 * engine must carry them out, in the append's own write. The PostgreSQL engine runs these too.
 */
import { expect, it } from 'vitest';
import { unreadCounts } from '../../src/server/core/room-log/unread.ts';
import type { Store } from '../../src/server/store/store.ts';
import type { StoreFactory } from './store.contract.ts';

const ann = { id: 'u-ann', nick: 'ann' };
const ben = { id: 'u-ben', nick: 'ben' };
const cal = { id: 'u-cal', nick: 'cal' };
const dee = { id: 'u-dee', nick: 'Dee' };

const log = async (store: Store, room: string) =>
  (await store.history(room, { after: 0, limit: 100 })).events.map((e) => [e.seq, e.kind, e.target?.id ?? e.sender.id]);

export function rulesContract(factory: StoreFactory): void {
  it('a quiet join or leave changes membership and the user log, appends no event, and refuses as a join does', async () => {
    const store = await factory.open();
    await store.createRoom('q', 'q');
    await store.append({ room: 'q', sender: ann, kind: 'join', body: '' });
    await store.append({ room: 'q', sender: ann, kind: 'text', body: 'hi', cid: 'c1' });
    const joined = await store.append({ room: 'q', sender: ben, kind: 'join', body: '', quiet: true });
    expect(joined).toMatchObject({
      status: 'quiet',
      userEvents: [{ user: ben.id, event: { kind: 'member', room: 'q', cause: 'join', ref: 2 } }],
    });
    expect(await store.isMember('q', ben.id)).toBe(true);
    expect((await store.members('q', 10)).members.map((m) => m.user.id)).toEqual([ann.id, ben.id]);
    expect((await store.getRoom('q'))?.head).toBe(2);
    // The watermark starts at the head: nothing before it is unread.
    expect((await unreadCounts(store, ben, 'q'))[0]).toMatchObject({ read: 2, unread: 0 });
    // A quiet re-join changes nothing; a quiet leave ends the membership, still with no event.
    expect((await store.append({ room: 'q', sender: ben, kind: 'join', body: '', quiet: true })).status).toBe(
      'unchanged',
    );
    const left = await store.append({ room: 'q', sender: ben, kind: 'leave', body: '', quiet: true });
    expect(left).toMatchObject({ status: 'quiet', userEvents: [{ event: { kind: 'unmember', cause: 'leave' } }] });
    expect(await store.isMember('q', ben.id)).toBe(false);
    expect(await log(store, 'q')).toEqual([
      [1, 'join', ann.id],
      [2, 'text', ann.id],
    ]);
    // A ban still wins over a quiet join, and is logged.
    await store.append({ room: 'q', sender: ann, kind: 'ban', body: '', target: cal });
    expect((await store.append({ room: 'q', sender: cal, kind: 'join', body: '', quiet: true })).status).toBe(
      'forbidden',
    );
    expect((await store.getRoom('q'))?.head).toBe(3);
    await store.close();
  });

  it('changes roles of members only, and bans and unbans non-members too', async () => {
    const store = await factory.open();
    await store.createRoom('r', 'r', { ownerId: ann.id });
    await store.append({ room: 'r', sender: ben, kind: 'join', body: '' });
    // No role for a non-member; a ban of one is logged (and keeps them out), with no membership change.
    expect((await store.append({ room: 'r', sender: ann, kind: 'role', body: 'moderator', target: cal })).status).toBe(
      'unchanged',
    );
    expect(await store.roleOf('r', cal.id)).toBeUndefined();
    const banned = await store.append({ room: 'r', sender: ann, kind: 'ban', body: '', target: cal });
    expect(banned).toMatchObject({ status: 'appended', event: { kind: 'ban', target: cal } });
    expect(banned.status === 'appended' && banned.userEvents).toBeFalsy();
    expect(await store.isBanned('r', cal.id)).toBe(true);
    expect(await store.userHead(cal.id)).toBe(0);
    // An unban of someone not banned, and a kick of a non-member, change nothing.
    expect((await store.append({ room: 'r', sender: ann, kind: 'unban', body: '', target: ben })).status).toBe(
      'unchanged',
    );
    expect((await store.append({ room: 'r', sender: ann, kind: 'kick', body: '', target: cal })).status).toBe(
      'unchanged',
    );
    // A member's role goes back and forth; the owner stays owner whatever their membership's role.
    expect((await store.append({ room: 'r', sender: ann, kind: 'role', body: 'moderator', target: ben })).status).toBe(
      'appended',
    );
    expect((await store.append({ room: 'r', sender: ann, kind: 'role', body: 'member', target: ben })).status).toBe(
      'appended',
    );
    expect(await store.roleOf('r', ben.id)).toBe('member');
    // A banned member's ban removes the membership; a ban outranks an invite's re-entry only until unbanned.
    await store.append({ room: 'r', sender: ann, kind: 'ban', body: '', target: ben });
    expect(await store.isMember('r', ben.id)).toBe(false);
    expect((await store.append({ room: 'r', sender: ben, kind: 'join', body: '' })).status).toBe('forbidden');
    expect(await log(store, 'r')).toEqual([
      [1, 'join', ben.id],
      [2, 'ban', cal.id],
      [3, 'role', ben.id],
      [4, 'role', ben.id],
      [5, 'ban', ben.id],
    ]);
    await store.close();
  });

  it('keeps a private room closed to one who left or was kicked, but not to its owner', async () => {
    const store = await factory.open();
    await store.createRoom('p', 'p', { visibility: 'private', ownerId: ann.id });
    await store.append({ room: 'p', sender: ann, kind: 'invite', body: '', target: ben });
    await store.append({ room: 'p', sender: ann, kind: 'invite', body: '', target: cal });
    await store.append({ room: 'p', sender: ben, kind: 'leave', body: '' });
    await store.append({ room: 'p', sender: ann, kind: 'kick', body: '', target: cal });
    expect((await store.append({ room: 'p', sender: ben, kind: 'join', body: '' })).status).toBe('forbidden');
    expect((await store.append({ room: 'p', sender: cal, kind: 'join', body: '' })).status).toBe('forbidden');
    // The owner joins without an invite, and leaves and comes back.
    expect((await store.append({ room: 'p', sender: ann, kind: 'join', body: '' })).status).toBe('appended');
    expect((await store.append({ room: 'p', sender: ann, kind: 'leave', body: '' })).status).toBe('appended');
    expect((await store.append({ room: 'p', sender: ann, kind: 'join', body: '' })).status).toBe('appended');
    // Settings of a room that does not exist.
    expect(await store.append({ room: 'nope', sender: ann, kind: 'topic', body: 't' })).toEqual({ status: 'no_room' });
    expect(await store.append({ room: 'nope', sender: ann, kind: 'text', body: 't' })).toEqual({ status: 'no_room' });
    await store.close();
  });

  it('starts a new member’s watermark at their membership event', async () => {
    const store = await factory.open();
    await store.createRoom('p', 'p', { visibility: 'private', ownerId: ann.id });
    await store.append({ room: 'p', sender: ann, kind: 'join', body: '' });
    await store.append({ room: 'p', sender: ann, kind: 'text', body: 'before you came, @ben' });
    const invite = await store.append({ room: 'p', sender: ann, kind: 'invite', body: '', target: ben });
    await store.append({ room: 'p', sender: ann, kind: 'text', body: 'after, @ben' });
    const seq = invite.status === 'appended' ? invite.event.seq : -1;
    expect(await unreadCounts(store, ben, 'p')).toEqual([
      { room: 'p', read: seq, unread: 1, mentions: 1, at: seq + 1 },
    ]);
    await store.close();
  });

  it('lets the people of a DM come back by joining, reaches them in name order, never a banned one', async () => {
    const store = await factory.open();
    await store.openDm({ name: 'gdm-x', title: 'x', opener: ann, others: [dee, ben, cal] });
    const first = await store.append({ room: 'gdm-x', sender: ann, kind: 'text', body: 'hi' });
    // By nickname as recorded (code point order: upper case first), then id.
    expect(first.status === 'appended' && first.before?.map((e) => e.target?.id)).toEqual([dee.id, ben.id, cal.id]);
    // One of its people who left may join again; nobody else may.
    await store.append({ room: 'gdm-x', sender: ben, kind: 'leave', body: '' });
    expect((await store.append({ room: 'gdm-x', sender: ben, kind: 'join', body: '' })).status).toBe('appended');
    expect(
      (await store.append({ room: 'gdm-x', sender: { id: 'u-eve', nick: 'eve' }, kind: 'join', body: '' })).status,
    ).toBe('forbidden');
    // A banned person is not reached by the next message, and may not come back.
    await store.append({ room: 'gdm-x', sender: ann, kind: 'ban', body: '', target: cal });
    const next = await store.append({ room: 'gdm-x', sender: ann, kind: 'text', body: 'again' });
    expect(next.status === 'appended' && next.before).toBeFalsy();
    expect(await store.isMember('gdm-x', cal.id)).toBe(false);
    expect((await store.append({ room: 'gdm-x', sender: cal, kind: 'join', body: '' })).status).toBe('forbidden');
    // Mutations, reactions and settings reach nobody.
    await store.append({ room: 'gdm-x', sender: dee, kind: 'leave', body: '' });
    for (const input of [
      { kind: 'react', body: '👍', ref: 5 },
      { kind: 'edit', body: 'edited', ref: 5 },
      { kind: 'rename', body: 'new title' },
    ] as const) {
      const r = await store.append({ room: 'gdm-x', sender: ann, ...input });
      expect(r.status === 'appended' && r.before, input.kind).toBeFalsy();
    }
    expect(await store.isMember('gdm-x', dee.id)).toBe(false);
    await store.close();
  });

  it('indexes only the current text of written messages: an edit after a delete brings nothing back', async () => {
    const store = await factory.open();
    await store.createRoom('r', 'r');
    await store.append({ room: 'r', sender: ann, kind: 'join', body: '' });
    const seqOf = async (kind: 'text' | 'system', body: string) => {
      const r = await store.append({ room: 'r', sender: ann, kind, body });
      return r.status === 'appended' ? r.event.seq : -1;
    };
    const kept = await seqOf('text', 'zebra one');
    const gone = await seqOf('text', 'zebra two');
    await seqOf('system', 'zebra notice');
    await store.append({ room: 'r', sender: ann, kind: 'react', body: 'zebra', ref: kept });
    await store.append({ room: 'r', sender: ann, kind: 'delete', body: '', ref: gone });
    await store.append({ room: 'r', sender: ann, kind: 'edit', body: 'zebra back', ref: gone });
    await store.append({ room: 'r', sender: ann, kind: 'topic', body: 'zebra topic' });
    const hits = (await store.search({ userId: ann.id, terms: ['zebra'], limit: 10 })).hits;
    expect(hits.map((h) => [h.event.seq, h.event.body])).toEqual([[kept, 'zebra one']]);
    await store.close();
  });
}
