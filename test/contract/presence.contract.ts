/** What every Presence engine must do for per-user status (memory now, Redis later). */
import { describe, expect, it } from 'vitest';
import type { Presence } from '../../src/server/presence/presence.ts';

const ada = { id: 'u-ada', nick: 'ada' };
const bo = { id: 'u-bo', nick: 'bo' };

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
  });
}
