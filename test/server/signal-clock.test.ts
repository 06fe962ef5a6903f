/**
 * The signal clock (fanout/signal-clock.ts): presence and status flushes due on one tick run in
 * one turn (so a socket gets both in one write), and never before their delay.
 */
import { describe, expect, it } from 'vitest';
import { SignalClock } from '../../src/server/fanout/signal-clock.ts';
import { withDeadline } from '../support/wait.ts';

const PERIOD = 40;

/** Schedules `n` works with the given delays; resolves with when each ran and in which turn. */
function runAll(clock: SignalClock, delays: readonly number[]) {
  const start = performance.now();
  let turn = 0;
  let turnSeen = false;
  const ran = delays.map(
    (delay) =>
      new Promise<{ after: number; turn: number }>((resolve) =>
        clock.at(delay, () => {
          // A new turn starts when the nextTick queued by the first work of the previous one ran.
          if (!turnSeen) {
            turnSeen = true;
            turn++;
            process.nextTick(() => (turnSeen = false));
          }
          resolve({ after: performance.now() - start, turn });
        }),
      ),
  );
  return withDeadline(Promise.all(ran), 2_000, 'signal clock works');
}

describe('the signal clock', () => {
  it('runs work due on the same tick in one turn, before any nextTick (one write per socket)', async () => {
    const clock = new SignalClock(PERIOD);
    const [a, b, c] = await runAll(clock, [0, 0, 0]);
    expect(a?.turn).toBe(1);
    expect(b?.turn).toBe(1);
    expect(c?.turn).toBe(1);
  });

  it('never runs work before its delay, and runs it within two periods after', async () => {
    const clock = new SignalClock(PERIOD);
    const runs = await runAll(clock, [PERIOD, 2 * PERIOD, 10]);
    for (const [i, delay] of [PERIOD, 2 * PERIOD, 10].entries()) {
      const r = runs[i];
      expect(r?.after).toBeGreaterThanOrEqual(delay - 1);
      // Within two periods (two when the event loop is busy) and a loaded machine's timer jitter.
      expect(r?.after).toBeLessThan(delay + 2 * PERIOD + 1_000);
    }
  });

  it('keeps ticks a period apart (less 10 ms of lateness) from a late one, and two after a busy one', async () => {
    const clock = new SignalClock(PERIOD);
    const gaps = await withDeadline(
      new Promise<number[]>((resolve) => {
        const at: number[] = [];
        const next = (): void =>
          clock.at(0, () => {
            at.push(performance.now());
            // The second tick is made late: the event loop is held past its slot, for ten periods, so
            // it was busy > 80 % of the time up to that tick whatever the grid and the timers do.
            if (at.length === 1) {
              const until = performance.now() + PERIOD * 10;
              while (performance.now() < until);
            }
            if (at.length < 4) next();
            else resolve(at.slice(1).map((t, i) => t - (at[i] ?? 0)));
          });
        next();
      }),
      2_000,
      'four ticks',
    );
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(PERIOD - 10 - 1);
    // The event loop was busy between the first two ticks: the third waits two periods.
    expect(gaps[1]).toBeGreaterThanOrEqual(2 * PERIOD - 10 - 1);
  });

  it('with a period of 0 runs each work after its own delay', async () => {
    const clock = new SignalClock(0);
    const [a, b] = await runAll(clock, [0, 20]);
    expect(a?.after).toBeLessThan(500);
    expect(b?.after).toBeGreaterThanOrEqual(19);
  });
});
