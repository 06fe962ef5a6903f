/** Uploads per key (a user, or a client IP): a token bucket each (per minute and burst); idle keys are forgotten. */
import { TokenBucket } from '../../protocol/index.ts';

/** Past this many tracked users, buckets that have refilled completely are dropped. */
const PRUNE_AT = 10_000;

export class UploadLimits {
  readonly #perSec: number;
  readonly #burst: number;
  readonly #users = new Map<string, { bucket: TokenBucket; at: number }>();

  constructor(perMinute: number, burst: number) {
    this.#perSec = perMinute / 60;
    this.#burst = burst;
  }

  /** 0 when this upload may go ahead (a token is taken), else the ms to wait. */
  take(userId: string, now = Date.now()): number {
    return this.#entry(userId, now).bucket.take(now);
  }

  /** The ms until take() would succeed (0: now), taking nothing. */
  wait(userId: string, now = Date.now()): number {
    return this.#entry(userId, now).bucket.peek(now);
  }

  #entry(userId: string, now: number): { bucket: TokenBucket; at: number } {
    if (this.#users.size >= PRUNE_AT) this.#prune(now);
    let entry = this.#users.get(userId);
    if (!entry) {
      entry = { bucket: new TokenBucket(this.#perSec, this.#burst, now), at: now };
      this.#users.set(userId, entry);
    }
    entry.at = now;
    return entry;
  }

  #prune(now: number): void {
    // A bucket idle long enough to be full again carries no state worth keeping.
    const refillMs = this.#perSec > 0 ? (this.#burst / this.#perSec) * 1000 : Infinity;
    for (const [user, entry] of this.#users) if (now - entry.at >= refillMs) this.#users.delete(user);
  }
}
