/** The user log and read watermarks part of the Store contract (migration 008 for SQLite). */
import { describe, expect, it } from 'vitest';
import { UNREAD_CAP } from '../../src/protocol/index.ts';
import { unreadCounts } from '../../src/server/core/room-log/unread.ts';
import type { Store } from '../../src/server/store/store.ts';
import type { StoreFactory } from './store.contract.ts';

const alice = { id: 'u-alice', nick: 'alice' };
const bob = { id: 'u-bob', nick: 'Bob' };
const carol = { id: 'u-carol', nick: 'carol' };

const kinds = async (store: Store, user: string) =>
  (await store.userLog(user, 0, 100)).events.map((e) => `${e.seq} ${e.kind} ${e.room} ${e.cause ?? e.read}`);

export function userLogContract(name: string, factory: StoreFactory): void {
  describe(`Store contract, user log: ${name}`, () => {
    it('appends a user event with every membership change, in the same write', async () => {
      const store = await factory.open();
      await store.createRoom('pub', 'pub', { ownerId: alice.id });
      await store.createRoom('priv', 'priv', { visibility: 'private', ownerId: alice.id });
      await store.append({ room: 'pub', sender: bob, kind: 'join', body: '' });
      // A join by a member changes nothing, so it logs nothing.
      expect((await store.append({ room: 'pub', sender: bob, kind: 'join', body: '' })).status).toBe('unchanged');
      const invited = await store.append({ room: 'priv', sender: alice, kind: 'invite', body: '', target: bob });
      expect(invited.status === 'appended' && invited.userEvents).toEqual([
        { user: bob.id, event: expect.objectContaining({ seq: 2, kind: 'member', room: 'priv', by: alice }) },
      ]);
      await store.append({ room: 'priv', sender: alice, kind: 'kick', body: '', target: bob });
      await store.append({ room: 'pub', sender: bob, kind: 'leave', body: '' });
      // Banning a non-member is logged in the room, but is no membership change for them.
      await store.append({ room: 'pub', sender: alice, kind: 'ban', body: '', target: bob });
      await store.append({ room: 'priv', sender: alice, kind: 'invite', body: '', target: carol });
      await store.append({ room: 'priv', sender: alice, kind: 'ban', body: '', target: carol });
      expect(await kinds(store, bob.id)).toEqual([
        '1 member pub join',
        '2 member priv invite',
        '3 unmember priv kick',
        '4 unmember pub leave',
      ]);
      expect(await kinds(store, carol.id)).toEqual(['1 member priv invite', '2 unmember priv ban']);
      expect(await store.userHead(bob.id)).toBe(4);
      expect(await store.userHead('nobody')).toBe(0);
      const page = await store.userLog(bob.id, 1, 2);
      expect(page.events.map((e) => e.seq)).toEqual([2, 3]);
      expect(page.more).toBe(true);
      expect((await store.userLog(bob.id, 2, 10)).more).toBe(false);
      await store.close();
    });

    it('assigns user seqs without gaps across concurrent writes, and keeps them across a restart', async () => {
      let store = await factory.open();
      const rooms = Array.from({ length: 40 }, (_, i) => `r${i}`);
      for (const room of rooms) await store.createRoom(room, room);
      await Promise.all(rooms.map((room) => store.append({ room, sender: bob, kind: 'join', body: '' })));
      await Promise.all(rooms.map((room) => store.markRead(room, bob.id, 5)));
      store = await factory.reopen(store);
      const log = (await store.userLog(bob.id, 0, 200)).events;
      expect(log.map((e) => e.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      expect(log.every((e) => e.kind === 'member')).toBe(true);
      await store.close();
    });

    it('moves a watermark only forward, clamped to the head, durably and with a read event', async () => {
      let store = await factory.open();
      await store.createRoom('r', 'r');
      const joined = await store.append({ room: 'r', sender: bob, kind: 'join', body: '' });
      const start = joined.status === 'appended' ? joined.event.seq : -1;
      for (let i = 0; i < 5; i++) await store.append({ room: 'r', sender: alice, kind: 'text', body: `m${i}` });
      expect(await store.markRead('r', bob.id, start + 3)).toMatchObject({
        status: 'moved',
        read: start + 3,
        entry: { user: bob.id, event: { kind: 'read', room: 'r', read: start + 3, seq: 2 } },
      });
      expect(await store.markRead('r', bob.id, start + 1)).toEqual({ status: 'unchanged', read: start + 3 });
      expect(await store.markRead('r', bob.id, start + 3)).toEqual({ status: 'unchanged', read: start + 3 });
      expect(await store.markRead('r', bob.id, 999)).toMatchObject({ status: 'moved', read: start + 5 });
      expect(await store.markRead('r', carol.id, 1)).toEqual({ status: 'not_member' });
      expect(await store.markRead('nope', bob.id, 1)).toEqual({ status: 'no_room' });
      store = await factory.reopen(store);
      expect((await unreadCounts(store, bob, 'r'))[0]).toMatchObject({ read: start + 5, unread: 0 });
      expect(await kinds(store, bob.id)).toEqual(['1 member r join', `2 read r ${start + 3}`, `3 read r ${start + 5}`]);
      await store.close();
    });

    it('counts others’ undeleted messages after the watermark, and mentions in their latest text', async () => {
      const store = await factory.open();
      await store.createRoom('r', 'r');
      await store.createRoom('other', 'other');
      await store.append({ room: 'r', sender: bob, kind: 'join', body: '' });
      await store.append({ room: 'other', sender: bob, kind: 'join', body: '' });
      const seq = async (body: string, sender = alice) => {
        const r = await store.append({ room: 'r', sender, kind: 'text', body });
        return r.status === 'appended' ? r.event.seq : -1;
      };
      await seq('plain');
      await seq('hi @bob!');
      await seq('@bobby is not bob');
      const deleted = await seq('@Bob deleted');
      await store.append({ room: 'r', sender: alice, kind: 'delete', body: '', ref: deleted });
      const edited = await seq('nothing yet');
      await store.append({ room: 'r', sender: alice, kind: 'edit', body: 'now for @BOB', ref: edited });
      await store.append({ room: 'r', sender: alice, kind: 'react', body: '👍', ref: edited });
      await seq('@bob my own', bob);
      const head = (await store.getRoom('r'))?.head;
      expect(await unreadCounts(store, bob, 'r')).toEqual([{ room: 'r', read: 1, unread: 4, mentions: 2, at: head }]);
      const all = await unreadCounts(store, bob);
      expect(all.map((u) => [u.room, u.unread])).toEqual([
        ['other', 0],
        ['r', 4],
      ]);
      expect(await unreadCounts(store, carol, 'r')).toEqual([]);
      expect(await unreadCounts(store, carol)).toEqual([]);
      await store.close();
    });

    it('caps the counts', async () => {
      const store = await factory.open();
      await store.createRoom('big', 'big');
      await store.append({ room: 'big', sender: bob, kind: 'join', body: '' });
      await Promise.all(
        Array.from({ length: UNREAD_CAP + 30 }, (_, i) =>
          store.append({ room: 'big', sender: alice, kind: 'text', body: `@bob ${i}` }),
        ),
      );
      expect((await unreadCounts(store, bob, 'big'))[0]).toMatchObject({ unread: UNREAD_CAP, mentions: UNREAD_CAP });
      await store.close();
    });

    it('lists members’ watermarks highest first, with their nicknames; guests (no account) marked', async () => {
      const store = await factory.open();
      await store.createSession(alice);
      await store.createSession(bob);
      await store.createAccount({ id: alice.id, username: alice.nick, passwordHash: 'h' });
      await store.createRoom('r', 'r');
      for (const u of [alice, bob, carol]) await store.append({ room: 'r', sender: u, kind: 'join', body: '' });
      for (let i = 0; i < 3; i++) await store.append({ room: 'r', sender: alice, kind: 'text', body: `m${i}` });
      await store.markRead('r', alice.id, 6);
      await store.markRead('r', bob.id, 5);
      expect(await store.receipts('r', 10)).toEqual([
        { user: alice, seq: 6 },
        { user: { ...bob, guest: true }, seq: 5 },
        { user: { id: carol.id, nick: carol.id, guest: true }, seq: 3 }, // no session: the id stands in
      ]);
      expect(await store.receipts('r', 1)).toEqual([{ user: alice, seq: 6 }]);
      expect(await store.receipts('missing', 10)).toEqual([]);
      await store.close();
    });

    it('answers receipts as of the last write, read between every kind of write (kept reads are dropped)', async () => {
      const store = await factory.open();
      await store.createRoom('r', 'r');
      await store.append({ room: 'r', sender: alice, kind: 'join', body: '' });
      await store.append({ room: 'r', sender: alice, kind: 'text', body: 'm' });
      expect(await store.receipts('r', 10)).toEqual([{ user: { id: alice.id, nick: alice.id, guest: true }, seq: 1 }]);
      // A copy each time: changing an answer changes no later one.
      (await store.receipts('r', 10)).pop();
      // A new session names her.
      await store.createSession(alice);
      expect(await store.receipts('r', 10)).toEqual([{ user: { ...alice, guest: true }, seq: 1 }]);
      // An account: no longer a guest.
      await store.createAccount({ id: alice.id, username: alice.nick, passwordHash: 'h' });
      expect(await store.receipts('r', 10)).toEqual([{ user: alice, seq: 1 }]);
      await store.markRead('r', alice.id, 2);
      expect(await store.receipts('r', 10)).toEqual([{ user: alice, seq: 2 }]);
      // A joiner's watermark starts at the head.
      await store.append({ room: 'r', sender: bob, kind: 'join', body: '' });
      expect((await store.receipts('r', 10)).map((r) => r.user.id)).toEqual([bob.id, alice.id]);
      await store.append({ room: 'r', sender: alice, kind: 'leave', body: '' });
      expect((await store.receipts('r', 10)).map((r) => r.user.id)).toEqual([bob.id]);
      await store.close();
    });
  });
}
