/**
 * One keyed token-bucket interface for every limit that counts per user, address or name (login,
 * upload, connects, writes). The embedded engine keeps buckets in memory; a distributed one (Redis)
 * answers with a Promise, so call sites await what they get.
 */

/** 0 when granted, else the ms until the tokens asked for would be there. */
export type Wait = number | Promise<number>;

/** Buckets by key, all with one rate and burst. */
export interface Limiter {
  /** Takes `cost` tokens (default 1) from `key`'s bucket: 0, or the ms to wait (nothing taken). */
  take(key: string, cost?: number): Wait;
  /** What `take` would answer now, taking nothing. */
  peek(key: string, cost?: number): Wait;
  /** Forgets the key: its bucket is full again. */
  reset(key: string): void | Promise<void>;
}

export interface Limiters {
  /**
   * The limiter called `name` (unique per purpose, e.g. `login-ip`): `perSec` tokens a second, at
   * most `burst` saved up. Nodes sharing an engine share a name's buckets.
   */
  bucket(name: string, perSec: number, burst: number): Limiter;
  /** Lets go of the engine's connections; its limiters answer nothing after. */
  close(): Promise<void>;
}

const settled = (waits: readonly Wait[]): waits is number[] => waits.every((w) => typeof w === 'number');

/**
 * Charges one token from each (limiter, key) only when every one has it: 0, or the longest wait
 * and nothing taken. With synchronous engines peeks and takes happen in one turn, so concurrent
 * requests cannot overrun; an async engine may overrun by the requests in flight.
 */
export function takeAll(charges: readonly (readonly [Limiter, string])[]): Wait {
  const peeks = charges.map(([limiter, key]) => limiter.peek(key));
  const charge = (waits: readonly number[]): Wait => {
    const wait = Math.max(0, ...waits);
    if (wait > 0) return wait;
    const takes = charges.map(([limiter, key]) => limiter.take(key));
    return settled(takes) ? Math.max(0, ...takes) : Promise.all(takes).then((t) => Math.max(0, ...t));
  };
  return settled(peeks) ? charge(peeks) : Promise.all(peeks).then(charge);
}
