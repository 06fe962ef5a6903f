/**
 * The peer benchmark works end to end: each server in its own process, a handful of clients,
 * one short fan-out step; nothing lost or duplicated. Figures are not checked (too small to mean anything).
 */
import { describe, expect, it } from 'vitest';
import { pickSizes } from '../../bench/peers/sizes.ts';
import { runPeers } from '../../bench/peers/suite.ts';

describe('bench --peers', () => {
  it('runs fan-out against Parley, Socket.IO and plain ws, losing nothing', async () => {
    const sizes = { ...pickSizes('tiny'), fanRates: [20], stepMs: 150 };
    const results = await runPeers({ sizes, scenarios: ['fan-out'], log: () => {} });
    for (const kind of ['parley', 'socketio', 'ws'] as const) {
      const r = results[kind];
      expect(r?.errors).toEqual([]);
      expect(r?.deliveries).toBeGreaterThan(0);
      expect(r?.lost).toBe(0);
      expect(r?.dups).toBe(0);
      expect(r?.figures.fanRate).toBe(20);
    }
  });
});
