/** The presence part of the Store contract: room peers and durable "last seen" (migration 011 for SQLite). */
import { describe, expect, it } from 'vitest';
import type { StoreFactory } from './store.contract.ts';

const alice = { id: 'u-alice', nick: 'alice' };
const bob = { id: 'u-bob', nick: 'bob' };
const eve = { id: 'u-eve', nick: 'eve' };

export function lastSeenContract(name: string, factory: StoreFactory): void {
  describe(`Store contract, presence: ${name}`, () => {
    it('names the users who share a room membership, and only them', async () => {
      const store = await factory.open();
      await store.createRoom('priv', 'priv', { visibility: 'private', ownerId: alice.id });
      await store.createRoom('pub', 'pub');
      await store.append({ room: 'priv', sender: alice, kind: 'join', body: '' });
      await store.append({ room: 'priv', sender: alice, kind: 'invite', body: '', target: bob });
      await store.append({ room: 'pub', sender: alice, kind: 'join', body: '' });
      await store.append({ room: 'pub', sender: bob, kind: 'join', body: '' });
      expect(await store.roomPeers(alice.id)).toEqual([bob.id]);
      expect(await store.roomPeers(eve.id)).toEqual([]);
      await store.append({ room: 'priv', sender: alice, kind: 'kick', body: '', target: bob });
      await store.append({ room: 'pub', sender: bob, kind: 'leave', body: '' });
      expect(await store.roomPeers(alice.id)).toEqual([]);
      await store.close();
    });

    it('answers room peers as of the last write, read between writes (kept reads are dropped)', async () => {
      const store = await factory.open();
      await store.createRoom('pub', 'pub');
      await store.append({ room: 'pub', sender: alice, kind: 'join', body: '' });
      expect(await store.roomPeers(alice.id)).toEqual([]);
      (await store.roomPeers(alice.id)).push('changed by a caller');
      expect(await store.roomPeers(alice.id)).toEqual([]);
      await store.append({ room: 'pub', sender: bob, kind: 'join', body: '' });
      expect(await store.roomPeers(alice.id)).toEqual([bob.id]);
      await store.append({ room: 'pub', sender: eve, kind: 'join', body: '' });
      expect((await store.roomPeers(alice.id)).sort()).toEqual([bob.id, eve.id]);
      await store.append({ room: 'pub', sender: bob, kind: 'leave', body: '' });
      expect(await store.roomPeers(alice.id)).toEqual([eve.id]);
      await store.close();
    });

    it('keeps the latest last seen per user across a reopen', async () => {
      let store = await factory.open();
      await store.setLastSeen(alice, 1_000);
      await store.setLastSeen({ ...alice, nick: 'alice2' }, 2_000);
      store = await factory.reopen(store);
      const seen = await store.lastSeen([alice.id, bob.id, alice.id]);
      expect([...seen.entries()]).toEqual([[alice.id, { user: { id: alice.id, nick: 'alice2' }, ts: 2_000 }]]);
      await store.close();
    });

    it('stores many last seen times in one write, over older ones', async () => {
      let store = await factory.open();
      await store.setLastSeen(bob, 500);
      await store.setLastSeenMany([]);
      await store.setLastSeenMany([
        { user: alice, ts: 3_000 },
        { user: { ...bob, nick: 'bobby' }, ts: 4_000 },
      ]);
      store = await factory.reopen(store);
      const seen = await store.lastSeen([alice.id, bob.id, eve.id]);
      expect([...seen.entries()]).toEqual([
        [alice.id, { user: alice, ts: 3_000 }],
        [bob.id, { user: { id: bob.id, nick: 'bobby' }, ts: 4_000 }],
      ]);
      await store.close();
    });
  });
}
