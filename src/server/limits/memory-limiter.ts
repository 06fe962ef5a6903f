/**
 * The embedded Limiters engine: token buckets in memory, least recently used first. A bucket idle
 * long enough to be full again is the same as none, so idle keys are swept, and each limiter holds
 * at most `maxKeys`: memory stays bounded whatever keys an attacker sprays.
 */
import { TokenBucket } from '../../protocol/index.ts';
import type { Limiter, Limiters } from './limiter.ts';

/** Most keys kept per limiter; past it the least recently used is dropped. */
export const MAX_LIMITER_KEYS = 50_000;
const SWEEP_MS = 60_000;

export interface MemoryLimitersOptions {
  /** The clock (ms): tests inject one and never sleep. */
  readonly now?: () => number;
  readonly maxKeys?: number;
}

interface Entry {
  readonly bucket: TokenBucket;
  seen: number;
}

export class MemoryLimiter implements Limiter {
  readonly #entries = new Map<string, Entry>();
  readonly #perSec: number;
  readonly #burst: number;
  /** After this long untouched a bucket is full again: the same as no entry. */
  readonly #idleMs: number;
  readonly #max: number;
  readonly #now: () => number;
  #sweptAt = 0;

  constructor(perSec: number, burst: number, { now = Date.now, maxKeys = MAX_LIMITER_KEYS }: MemoryLimitersOptions) {
    this.#perSec = perSec;
    this.#burst = burst;
    this.#idleMs = Math.ceil((burst / Math.max(perSec, 1e-6)) * 1000);
    this.#max = maxKeys;
    this.#now = now;
  }

  take(key: string, cost = 1): number {
    const now = this.#now();
    return this.#touch(key, now).bucket.take(now, cost);
  }

  peek(key: string, cost = 1): number {
    const now = this.#now();
    return this.#touch(key, now).bucket.peek(now, cost);
  }

  reset(key: string): void {
    this.#entries.delete(key);
  }

  /** Keys held (for tests and metrics). */
  get size(): number {
    return this.#entries.size;
  }

  #touch(key: string, now: number): Entry {
    if (now - this.#sweptAt >= SWEEP_MS) this.#sweep(now);
    let entry = this.#entries.get(key);
    if (entry) this.#entries.delete(key);
    else {
      if (this.#entries.size >= this.#max) this.#evictOldest();
      entry = { bucket: new TokenBucket(this.#perSec, this.#burst, now), seen: now };
    }
    entry.seen = now;
    // Re-inserted: the Map's order is least recently used first.
    this.#entries.set(key, entry);
    return entry;
  }

  /** Drops buckets that have refilled completely. */
  #sweep(now: number): void {
    this.#sweptAt = now;
    for (const [key, e] of this.#entries) {
      // Oldest first: the first recent one means the rest are recent too.
      if (now - e.seen < this.#idleMs) break;
      this.#entries.delete(key);
    }
  }

  #evictOldest(): void {
    const oldest = this.#entries.keys().next();
    if (!oldest.done) this.#entries.delete(oldest.value);
  }
}

export class MemoryLimiters implements Limiters {
  readonly #options: MemoryLimitersOptions;
  readonly #byName = new Map<string, { limiter: MemoryLimiter; perSec: number; burst: number }>();

  constructor(options: MemoryLimitersOptions = {}) {
    this.#options = options;
  }

  /** The same name gives the same buckets (as a shared engine would); other rates under it are a bug. */
  bucket(name: string, perSec: number, burst: number): MemoryLimiter {
    const known = this.#byName.get(name);
    if (known) {
      if (known.perSec !== perSec || known.burst !== burst) {
        throw new Error(`limiter "${name}" exists with another rate or burst`);
      }
      return known.limiter;
    }
    const limiter = new MemoryLimiter(perSec, burst, this.#options);
    this.#byName.set(name, { limiter, perSec, burst });
    return limiter;
  }

  /** Nothing to let go of: the buckets are dropped with this object. */
  async close(): Promise<void> {}

  /** Keys held by the named limiter (0 if none): for the memory-bound tests. */
  size(name: string): number {
    return this.#byName.get(name)?.limiter.size ?? 0;
  }
}
