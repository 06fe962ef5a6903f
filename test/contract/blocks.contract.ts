/** The blocks part of the Store contract (SQLite migration 013, PostgreSQL 003): durable, per direction. */
import { describe, expect, it } from 'vitest';
import { unreadCounts } from '../../src/server/core/room-log/unread.ts';
import type { StoreFactory } from './store.contract.ts';

const ann = { id: 'u-ann', nick: 'ann' };
const bob = { id: 'u-bob', nick: 'bob' };
const cy = { id: 'u-cy', nick: 'cy' };

export function blocksContract(factory: StoreFactory): void {
  describe('blocks', () => {
    it('records a block once, in one direction, and forgets it on unblock', async () => {
      const store = await factory.open();
      expect(await store.block(ann.id, bob)).toBe(true);
      expect(await store.block(ann.id, bob)).toBe(false);
      expect(await store.blockers(bob.id, [ann.id, cy.id])).toEqual([ann.id]);
      // One direction: bob blocks nobody.
      expect(await store.blockers(ann.id, [bob.id])).toEqual([]);
      expect(await store.blocked(bob.id)).toEqual([]);
      expect(await store.blockers(bob.id, [])).toEqual([]);
      expect(await store.unblock(ann.id, bob.id)).toBe(true);
      expect(await store.unblock(ann.id, bob.id)).toBe(false);
      expect(await store.blockers(bob.id, [ann.id])).toEqual([]);
      expect(await store.blocked(ann.id)).toEqual([]);
      await store.close();
    });

    it('lists whom a user blocks in block order, accounts without and guests with the guest flag, across a reopen', async () => {
      let store = await factory.open();
      await store.createAccount({ id: cy.id, username: 'cy', passwordHash: 'h' });
      await store.block(ann.id, cy);
      // The same ms is possible: the order is then by id, still stable.
      await new Promise((r) => setTimeout(r, 2));
      await store.block(ann.id, bob);
      await store.block(bob.id, ann);
      store = await factory.reopen(store);
      expect(await store.blocked(ann.id)).toEqual([cy, { ...bob, guest: true }]);
      expect(await store.blockers(ann.id, [bob.id, cy.id, bob.id])).toEqual([bob.id]);
      await store.close();
    });

    it('lists everyone who blocks a user (blockedBy), and no longer after an unblock', async () => {
      const store = await factory.open();
      expect(await store.blockedBy(cy.id)).toEqual([]);
      await store.block(ann.id, cy);
      await store.block(bob.id, cy);
      await store.block(cy.id, ann);
      expect((await store.blockedBy(cy.id)).sort()).toEqual([ann.id, bob.id]);
      expect(await store.blockedBy(ann.id)).toEqual([cy.id]);
      expect(await store.blockedBy(bob.id)).toEqual([]);
      await store.unblock(ann.id, cy.id);
      expect(await store.blockedBy(cy.id)).toEqual([bob.id]);
      await store.close();
    });

    it('hands over each mention text with its sender, so a blocked sender’s mention is not counted', async () => {
      const store = await factory.open();
      await store.createRoom('m', 'm');
      await store.append({ room: 'm', sender: ann, kind: 'join', body: '' });
      const say = (sender: typeof ann, body: string) => store.append({ room: 'm', sender, kind: 'text', body });
      await say(bob, '@ann one');
      await say(cy, '@ann two');
      const edited = await say(bob, 'later');
      // An edit that adds the mention is the blocked sender's too.
      if (edited.status === 'appended')
        await store.append({ room: 'm', sender: bob, kind: 'edit', body: 'now @ann', ref: edited.event.seq });
      const [r] = await store.unreadMessages(ann.id, 'm', { cap: 99, scan: 99 });
      expect(r?.texts).toEqual(['now @ann', '@ann two', '@ann one']);
      expect(r?.senders).toEqual([bob.id, cy.id, bob.id]);
      expect((await unreadCounts(store, ann, 'm'))[0]).toMatchObject({ unread: 3, mentions: 3 });
      await store.block(ann.id, bob);
      expect((await unreadCounts(store, ann, 'm'))[0]).toMatchObject({ unread: 3, mentions: 1 });
      expect((await unreadCounts(store, ann))[0]).toMatchObject({ room: 'm', mentions: 1 });
      await store.close();
    });
  });
}
