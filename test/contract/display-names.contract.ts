/** The display-name part of the Store contract (SQLite migration 014, PostgreSQL 004). */
import { describe, expect, it } from 'vitest';
import type { StoreFactory } from './store.contract.ts';

const ann = { id: 'u-ann', nick: 'ann' };
const ben = { id: 'u-ben', nick: 'ben' };

export function displayNamesContract(factory: StoreFactory): void {
  describe('display names', () => {
    it('sets, replaces and clears an account display name, durably; refuses an id without an account', async () => {
      let store = await factory.open();
      await store.createAccount({ id: ann.id, username: 'ann', passwordHash: 'h' });
      expect((await store.getAccount(ann.id))?.displayName).toBeUndefined();
      expect(await store.setDisplayName(ann.id, 'Ann Lee')).toBe(true);
      expect((await store.getAccount(ann.id))?.displayName).toBe('Ann Lee');
      expect((await store.findAccount('ANN'))?.displayName).toBe('Ann Lee');
      expect(await store.setDisplayName(ann.id, '安 李 🎉')).toBe(true);
      store = await factory.reopen(store);
      expect((await store.getAccount(ann.id))?.displayName).toBe('安 李 🎉');
      expect(await store.setDisplayName(ann.id, undefined)).toBe(true);
      expect(await store.getAccount(ann.id)).not.toHaveProperty('displayName');
      // A guest's id has no account: nothing is written.
      expect(await store.setDisplayName(ben.id, 'Ben')).toBe(false);
      expect(await store.getAccount(ben.id)).toBeUndefined();
      await store.close();
    });

    it('members, blocks and DM people carry the current name (accounts only), events do not', async () => {
      const store = await factory.open();
      await store.createSession(ann);
      await store.createSession(ben);
      await store.createAccount({ id: ann.id, username: 'ann', passwordHash: 'h' });
      await store.createRoom('m', 'M', { ownerId: ann.id });
      await store.append({ room: 'm', sender: { ...ann, name: 'Old' }, kind: 'join', body: '' });
      await store.append({ room: 'm', sender: ben, kind: 'join', body: '' });
      await store.setDisplayName(ann.id, 'Ann Lee');
      const page = await store.members('m', 10);
      expect(page.members.map((m) => m.user)).toEqual([
        { ...ann, name: 'Ann Lee' },
        { ...ben, guest: true },
      ]);
      await store.block(ben.id, ann);
      expect(await store.blocked(ben.id)).toEqual([{ ...ann, name: 'Ann Lee' }]);
      const dm = await store.openDm({ name: 'dm-ab', title: 'ann, ben', opener: ben, others: [ann] });
      expect(dm.room.dm).toEqual([{ ...ann, name: 'Ann Lee' }, ben]);
      expect((await store.getRoom('dm-ab'))?.dm).toEqual([{ ...ann, name: 'Ann Lee' }, ben]);
      // The log keeps who sent what, not what they were called: names change.
      const history = await store.history('m', { limit: 10 });
      expect(history.events[0]?.sender).toEqual(ann);
      await store.setDisplayName(ann.id, undefined);
      expect((await store.members('m', 10)).members[0]?.user).toEqual(ann);
      await store.close();
    });
  });
}
