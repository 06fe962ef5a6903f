/** What every Presence engine must do: nickname claims, room presence and per-user status (memory now, Redis later). */
import { describe, expect, it } from 'vitest';
import type { Presence } from '../../src/server/presence/presence.ts';
import { waitUntil } from '../support/wait.ts';

const ada = { id: 'u-ada', nick: 'ada' };
const bo = { id: 'u-bo', nick: 'bo' };
/** Another user whose nickname differs from ada's only in case. */
const ADA = { id: 'u-ada2', nick: 'ADA' };

/** Nodes on one shared engine, for the cross-node cases. */
export interface PresenceNodes {
  /** Two nodes' presences on one engine (a single-process engine: the same instance twice). */
  pair(): Promise<readonly [Presence, Presence]>;
  /**
   * Ends a node: `close` gracefully, `crash` stops its heartbeat and leaves its entries behind as
   * a killed process would. Absent when the engine has no separate nodes.
   */
  end?(node: Presence, how: 'close' | 'crash'): Promise<void>;
  /** The documented bound (ms) within which a crashed node's users are offline and nicks free. */
  readonly boundMs?: number;
}

export function presenceContract(name: string, make: () => Promise<Presence>, nodes?: PresenceNodes): void {
  if (nodes) crossNodeContract(name, nodes);
  describe(`Presence contract: ${name}`, () => {
    it('rename rewrites the user’s entry in a room they are in, and nowhere else', async () => {
      const p = await make();
      await p.enter('rn-room', ada);
      await p.rename?.('rn-room', { ...ada, name: 'Ada L' });
      await p.rename?.('rn-other', { ...ada, name: 'Ada L' });
      if (p.rename) {
        expect(await p.online('rn-room')).toEqual([{ ...ada, name: 'Ada L' }]);
        expect(await p.online('rn-other')).toEqual([]);
      }
      // Still one entry: the last exit takes it out.
      expect(await p.exit('rn-room', ada)).toBe(true);
      expect(await p.online('rn-room')).toEqual([]);
    });

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
      // `count` is the length of `online` (users, not connections), without listing them.
      expect(await p.count('r')).toBe(2);
      expect(await p.exit('r', ada)).toBe(false);
      expect(await p.online('r')).toEqual([ada, bo]);
      expect(await p.exit('r', ada)).toBe(true);
      expect(await p.online('r')).toEqual([bo]);
      expect(await p.count('r')).toBe(1);
      expect(await p.count('nowhere')).toBe(0);
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

function crossNodeContract(name: string, nodes: PresenceNodes): void {
  describe(`Presence contract across nodes: ${name}`, () => {
    it('refuses on one node a nickname held on another, and frees it when the holder leaves', async () => {
      const [a, b] = await nodes.pair();
      expect(await a.connect(ada)).toBe(true);
      expect(await b.connect(ADA)).toBe(false);
      expect(await b.connect(ada)).toBe(true); // the same user on a second node
      await a.disconnect(ada);
      expect(await b.connect(ADA)).toBe(false);
      await b.disconnect(ada);
      expect(await b.connect(ADA)).toBe(true);
      expect(await a.connect(ada)).toBe(false);
    });

    it('lets exactly one of two nodes claiming one nickname at once win', async () => {
      const [a, b] = await nodes.pair();
      const claims = await Promise.all([
        a.connect({ id: 'u-r1', nick: 'Race' }),
        b.connect({ id: 'u-r2', nick: 'race' }),
        a.connect({ id: 'u-r3', nick: 'RACE' }),
        b.connect({ id: 'u-r4', nick: 'rAce' }),
      ]);
      expect(claims.filter(Boolean)).toHaveLength(1);
    });

    it('keeps a user on two nodes online, and in a room, until both are gone', async () => {
      const [a, b] = await nodes.pair();
      expect(await a.enter('r', ada)).toBe(true);
      expect(await b.enter('r', ada)).toBe(false);
      expect(await a.activity(ada, 'a-1', 'idle')).toBe('away');
      expect(await b.activity(ada, 'b-1', 'active')).toBe('online');
      expect([...(await a.holders([ada.id])).values()]).toEqual([{ user: ada, state: 'online' }]);
      expect(await b.release(ada, 'b-1')).toBe('away');
      expect(await a.exit('r', ada)).toBe(false);
      expect(await b.online('r')).toEqual([ada]);
      expect(await b.exit('r', ada)).toBe(true);
      expect(await a.online('r')).toEqual([]);
      expect(await a.release(ada, 'a-1')).toBe('offline');
      expect((await b.holders([ada.id])).size).toBe(0);
    });

    // Only engines whose nodes can end apart (one shared in-memory presence cannot).
    if (nodes.end) {
      it('takes a closed node’s users, rooms and nicknames out at once', async () => {
        const [a, b] = await nodes.pair();
        await a.connect(ada);
        await a.enter('r', ada);
        await a.activity(ada, 'a-1', 'active');
        await b.enter('r', bo);
        await b.activity(bo, 'b-1', 'active');
        await nodes.end?.(a, 'close');
        expect(await b.online('r')).toEqual([bo]);
        expect([...(await b.holders([ada.id, bo.id])).keys()]).toEqual([bo.id]);
        expect(await b.connect(ADA)).toBe(true);
      });

      it('takes a crashed node’s users offline and frees its nicknames within the bound', async () => {
        const [a, b] = await nodes.pair();
        await a.connect(ada);
        await a.enter('r', ada);
        await a.activity(ada, 'a-1', 'active');
        // bo is on both nodes: still online, away now, after a's death.
        await a.activity(bo, 'a-2', 'active');
        await b.activity(bo, 'b-1', 'idle');
        await b.enter('r', bo);
        const crashed = Date.now();
        await nodes.end?.(a, 'crash');
        const bound = nodes.boundMs ?? 15_000;
        await waitUntil(async () => (await b.holders([ada.id])).size === 0, {
          timeoutMs: bound + 2_000,
          what: 'the crashed node’s user offline',
        });
        expect(Date.now() - crashed).toBeLessThanOrEqual(bound + 1_000);
        expect(await b.online('r')).toEqual([bo]);
        expect([...(await b.holders([bo.id])).values()]).toEqual([{ user: bo, state: 'away' }]);
        expect(await b.connect(ADA)).toBe(true);
      });
    }
  });
}
