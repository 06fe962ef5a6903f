/** What every Presence engine must do: nickname claims, room presence and per-user status (memory now, Redis later). */
import { describe, expect, it } from 'vitest';
import type { Presence } from '../../src/server/presence/presence.ts';

const ada = { id: 'u-ada', nick: 'ada' };
const bo = { id: 'u-bo', nick: 'bo' };
/** Another user whose nickname differs from ada's only in case. */
const ADA = { id: 'u-ada2', nick: 'ADA' };

export function presenceContract(name: string, make: () => Promise<Presence>): void {
  describe(`Presence contract: ${name}`, () => {
    it('aggregates the activity of all of a user’s connections', async () => {
      const p = await make();
      expect(await p.activity(ada, 'c1', 'active')).toBe('online');
      expect(await p.activity(ada, 'c2', 'idle')).toBe('online');
      expect(await p.activity(ada, 'c1', 'idle')).toBe('away');
      expect(await p.activity(ada, 'c1', 'idle')).toBe('away');
      expect(await p.activity(bo, 'c3', 'active')).toBe('online');
      expect([...(await p.holders([ada.id, bo.id, 'u-nobody'])).entries()]).toEqual([
        [ada.id, { user: ada, state: 'away' }],
        [bo.id, { user: bo, state: 'online' }],
      ]);
      expect(await p.release(ada, 'c2')).toBe('away');
      expect(await p.release(ada, 'c1')).toBe('offline');
      expect(await p.release(ada, 'c1')).toBe('offline');
      expect((await p.holders([ada.id])).size).toBe(0);
    });

    it('lets one user hold a nickname on several connections, compared case-insensitively', async () => {
      const p = await make();
      expect(await p.connect(ada)).toBe(true);
      expect(await p.connect(ada)).toBe(true);
      expect(await p.connect(ADA)).toBe(false);
      expect(await p.connect({ id: 'u-x', nick: 'Ada' })).toBe(false);
      expect(await p.connect(bo)).toBe(true);
      // Released only when the holder's last connection is gone.
      await p.disconnect(ada);
      expect(await p.connect(ADA)).toBe(false);
      await p.disconnect(ada);
      expect(await p.connect(ADA)).toBe(true);
      expect(await p.connect(ada)).toBe(false);
    });

    it('ignores a disconnect by a user who never held the nickname', async () => {
      const p = await make();
      expect(await p.connect(ada)).toBe(true);
      await p.disconnect(ADA);
      await p.disconnect({ id: 'u-ghost', nick: 'ghost' });
      expect(await p.connect(ADA)).toBe(false);
      await p.disconnect(ada);
      expect(await p.connect(ADA)).toBe(true);
    });

    it('counts a user’s connections in a room: entered once, exited with the last', async () => {
      const p = await make();
      expect(await p.online('r')).toEqual([]);
      expect(await p.enter('r', ada)).toBe(true);
      expect(await p.enter('r', ada)).toBe(false); // a second device
      expect(await p.enter('r', bo)).toBe(true);
      expect(await p.enter('other', bo)).toBe(true);
      expect(await p.online('r')).toEqual([ada, bo]);
      expect(await p.exit('r', ada)).toBe(false);
      expect(await p.online('r')).toEqual([ada, bo]);
      expect(await p.exit('r', ada)).toBe(true);
      expect(await p.online('r')).toEqual([bo]);
      expect(await p.online('other')).toEqual([bo]);
      expect(await p.exit('r', bo)).toBe(true);
      expect(await p.online('r')).toEqual([]);
      // Entering again after the last exit counts as new.
      expect(await p.enter('r', ada)).toBe(true);
    });

    it('answers false to an exit that was never entered', async () => {
      const p = await make();
      expect(await p.exit('r', ada)).toBe(false);
      await p.enter('r', bo);
      expect(await p.exit('r', ada)).toBe(false);
      expect(await p.online('r')).toEqual([bo]);
    });

    it('lists a room’s users sorted by nickname', async () => {
      const p = await make();
      const users = ['mia', 'al', 'zed', 'bo'].map((nick) => ({ id: `u-${nick}`, nick }));
      for (const u of users) await p.enter('r', u);
      expect((await p.online('r')).map((u) => u.nick)).toEqual(['al', 'bo', 'mia', 'zed']);
    });

    it('keeps a user online while any device is active, away when all are idle, across devices', async () => {
      const p = await make();
      expect(await p.activity(ada, 'phone', 'idle')).toBe('away');
      expect(await p.activity(ada, 'laptop', 'active')).toBe('online');
      expect(await p.release(ada, 'laptop')).toBe('away');
      expect(await p.activity(ada, 'tablet', 'active')).toBe('online');
      expect(await p.release(ada, 'tablet')).toBe('away');
      expect([...(await p.holders([ada.id])).values()]).toEqual([{ user: ada, state: 'away' }]);
      expect(await p.release(ada, 'phone')).toBe('offline');
      // A release of a connection never counted is offline and changes nothing.
      expect(await p.release(bo, 'never')).toBe('offline');
      expect((await p.holders([ada.id, bo.id])).size).toBe(0);
    });

    it('keeps status, room presence and nickname claims apart', async () => {
      const p = await make();
      await p.connect(ada);
      await p.enter('r', ada);
      expect((await p.holders([ada.id])).size).toBe(0);
      await p.activity(bo, 'c1', 'active');
      expect(await p.online('r')).toEqual([ada]);
      await p.release(bo, 'c1');
      expect(await p.connect({ id: 'u-bo2', nick: 'BO' })).toBe(true);
      await p.disconnect(ada);
      expect(await p.online('r')).toEqual([ada]);
    });
  });
}
