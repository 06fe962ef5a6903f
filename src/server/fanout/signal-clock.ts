import { performance as perfHooks } from 'node:perf_hooks';

/**
 * A tick this late (or less) is on time: the next one stays on the next slot of the grid. Later
 * (a saturated event loop), the next one skips a slot: fewer, bigger flushes while it lasts.
 */
const LATE_MS = 10;
/**
 * Busier than this since the last tick (the event loop's utilization), the next tick is two
 * periods after it. In a restart of 10,000 clients that halved the writes (≈ 15 → 8 per client)
 * and cut the server's CPU by ≈ 14 % (docs/performance.md); presence then lags up to two periods.
 */
const BUSY = 0.8;
const eventLoopUtilization = perfHooks.eventLoopUtilization.bind(perfHooks);

/**
 * One clock for the coalesced signals (room presence and user status): their flushes land on the
 * same ticks, so a socket gets a tick's presence and status frames in one write (wire.ts corks a
 * socket until the end of the turn).
 *
 * Ticks fall on a grid of `periodMs` (multiples of it since the clock started), so two signals
 * waiting for "the next tick" at about the same time wait for the same one, and they are a period
 * apart (two while the event loop is saturated). In a storm of 10,000 resumes, presence flushed
 * every event-loop turn and status every 250 ms from its own first change made ≈ 50 writes per
 * resumed client; on this clock ≈ 8–18 (docs/performance.md).
 */
export class SignalClock {
  readonly periodMs: number;
  readonly #origin = performance.now();
  /** Grid time → work due then. */
  readonly #due = new Map<number, (() => void)[]>();
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Infinity;
  /** When the last tick fired (clock time), and how many periods until the next one. */
  #lastFire = -Infinity;
  #gap = 1;
  #elu = eventLoopUtilization();

  constructor(periodMs: number) {
    this.periodMs = periodMs;
  }

  /**
   * Runs `work` at the first tick at least `delayMs` from now (with a period of 0: after `delayMs`).
   * `work` must not throw (the callers run it guarded): the rest of its tick would be skipped.
   */
  at(delayMs: number, work: () => void): void {
    const now = performance.now() - this.#origin;
    const p = this.periodMs;
    // Ticks a period apart (two when busy), counted from when the last one ran (LATE_MS, BUSY).
    const earliest = Math.max(now + delayMs, this.#lastFire + p * this.#gap - LATE_MS);
    const tick = p > 0 ? Math.ceil(earliest / p) * p : now + delayMs;
    const list = this.#due.get(tick);
    if (list) list.push(work);
    else this.#due.set(tick, [work]);
    if (tick < this.#timerAt) this.#arm(tick, now);
  }

  #arm(tick: number, now: number): void {
    clearTimeout(this.#timer);
    this.#timerAt = tick;
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, tick - now));
    this.#timer.unref();
  }

  #fire(): void {
    this.#timer = undefined;
    this.#timerAt = Infinity;
    // A timer may fire a little early (it counts whole milliseconds): a tick within 1 ms is due.
    const now = performance.now() - this.#origin + 1;
    this.#lastFire = now - 1;
    const busy = eventLoopUtilization(this.#elu).utilization;
    this.#elu = eventLoopUtilization();
    this.#gap = busy > BUSY ? 2 : 1;
    const work: (() => void)[] = [];
    let next = Infinity;
    for (const [tick, list] of this.#due) {
      if (tick <= now) {
        work.push(...list);
        this.#due.delete(tick);
      } else next = Math.min(next, tick);
    }
    if (next < Infinity) this.#arm(next, now - 1);
    // In one microtask: writes of async flushes whose reads answer at once share the turn's flush.
    queueMicrotask(() => {
      for (const w of work) w();
    });
  }
}
