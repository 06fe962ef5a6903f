/**
 * The contract every Limiters engine meets (memory now, Redis later). Time is the injected clock:
 * no test sleeps.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { takeAll, type Limiters } from '../../src/server/limits/limiter.ts';

export interface LimiterHarness {
  readonly limiters: Limiters;
  /** Keys the engine holds for the named limiter (bounded memory). */
  held(name: string): number | Promise<number>;
}

/** Opens a fresh engine reading time from `now`, holding at most `maxKeys` keys per limiter. */
export type OpenLimiters = (now: () => number, maxKeys: number) => Promise<LimiterHarness>;

export function limiterContract(name: string, open: OpenLimiters): void {
  describe(`Limiter contract: ${name}`, () => {
    const opened: LimiterHarness[] = [];
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((h) => h.limiters.close()));
    });
    const setup = async (maxKeys = 10_000) => {
      const clock = { now: 1_000_000 };
      const harness = await open(() => clock.now, maxKeys);
      opened.push(harness);
      return { clock, ...harness };
    };

    it('grants the burst at once, then refuses with the wait until the next token', async () => {
      const { limiters } = await setup();
      const l = limiters.bucket('burst', 2, 5); // one token every 500 ms
      for (let i = 0; i < 5; i++) expect(await l.take('k')).toBe(0);
      const wait = await l.take('k');
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(500);
      // A refusal takes nothing: the wait does not grow.
      expect(await l.take('k')).toBe(wait);
    });

    it('refills at the rate, never above the burst', async () => {
      const { clock, limiters } = await setup();
      const l = limiters.bucket('refill', 10, 3); // one token every 100 ms
      for (let i = 0; i < 3; i++) expect(await l.take('k')).toBe(0);
      expect(await l.take('k')).toBeGreaterThan(0);
      clock.now += 100;
      expect(await l.take('k')).toBe(0);
      expect(await l.take('k')).toBeGreaterThan(0);
      clock.now += 50;
      expect(await l.take('k')).toBeGreaterThan(0);
      clock.now += 60_000;
      let granted = 0;
      while ((await l.take('k')) === 0) granted++;
      expect(granted).toBe(3);
    });

    it('peeks without taking, and takes a cost of several tokens', async () => {
      const { clock, limiters } = await setup();
      const l = limiters.bucket('cost', 1, 4);
      expect(await l.peek('k')).toBe(0);
      expect(await l.take('k', 3)).toBe(0);
      expect(await l.peek('k')).toBe(0);
      expect(await l.peek('k', 2)).toBeGreaterThan(0);
      expect(await l.take('k', 2)).toBeGreaterThan(0);
      expect(await l.take('k')).toBe(0);
      expect(await l.peek('k')).toBeGreaterThan(0);
      clock.now += 2_000;
      expect(await l.take('k', 2)).toBe(0);
    });

    it('keeps keys and limiters independent', async () => {
      const { limiters } = await setup();
      const a = limiters.bucket('a', 1, 2);
      const b = limiters.bucket('b', 1, 2);
      expect(await a.take('x')).toBe(0);
      expect(await a.take('x')).toBe(0);
      expect(await a.take('x')).toBeGreaterThan(0);
      expect(await a.take('y')).toBe(0);
      expect(await b.take('x')).toBe(0);
      expect(await b.take('x')).toBe(0);
      expect(await b.take('x')).toBeGreaterThan(0);
    });

    it('gives the same buckets to everyone asking for the same name', async () => {
      const { limiters } = await setup();
      const first = limiters.bucket('shared', 1, 2);
      const second = limiters.bucket('shared', 1, 2);
      expect(await first.take('k')).toBe(0);
      expect(await second.take('k')).toBe(0);
      expect(await first.take('k')).toBeGreaterThan(0);
    });

    it('forgets a reset key: its bucket is full again', async () => {
      const { limiters } = await setup();
      const l = limiters.bucket('reset', 1, 2);
      await l.take('k');
      await l.take('k');
      await l.take('other');
      expect(await l.take('k')).toBeGreaterThan(0);
      await l.reset('k');
      expect(await l.take('k')).toBe(0);
      expect(await l.take('k')).toBe(0);
      expect(await l.take('other')).toBe(0);
      expect(await l.take('other')).toBeGreaterThan(0);
    });

    it('charges several buckets only when every one has a token', async () => {
      const { limiters } = await setup();
      const user = limiters.bucket('all-user', 1, 3);
      const ip = limiters.bucket('all-ip', 1, 1);
      expect(
        await takeAll([
          [user, 'u'],
          [ip, 'a'],
        ]),
      ).toBe(0);
      // The address is empty: refused, and the user's bucket keeps its two tokens.
      expect(
        await takeAll([
          [user, 'u'],
          [ip, 'a'],
        ]),
      ).toBeGreaterThan(0);
      expect(
        await takeAll([
          [user, 'u'],
          [ip, 'b'],
        ]),
      ).toBe(0);
      expect(await user.take('u')).toBe(0);
      expect(await user.take('u')).toBeGreaterThan(0);
    });

    it('holds a bounded number of keys however many are sprayed, and drops idle full ones', async () => {
      const { clock, limiters, held } = await setup(100);
      const l = limiters.bucket('spray', 1, 2);
      for (let i = 0; i < 1_000; i++) await l.take(`k${i}`);
      expect(await held('spray')).toBeLessThanOrEqual(100);
      // Long idle: every bucket has refilled, so none is worth keeping.
      clock.now += 3_600_000;
      await l.take('fresh');
      expect(await held('spray')).toBeLessThanOrEqual(1);
      // The key still counting keeps its state.
      expect(await l.take('fresh')).toBe(0);
      expect(await l.take('fresh')).toBeGreaterThan(0);
    });

    it('refuses a cost above the burst, which could never be granted', async () => {
      const { limiters } = await setup();
      const l = limiters.bucket('too-much', 1, 2);
      await expect(async () => l.take('k', 3)).rejects.toThrow();
      expect(await l.take('k', 2)).toBe(0);
    });
  });
}
