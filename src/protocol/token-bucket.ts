/**
 * A token bucket: `ratePerSec` tokens a second, at most `burst` saved up. Shared because the
 * server enforces write limits with it and the client paces its outbox with the same arithmetic,
 * so a client that follows welcome.limits never meets `rate_limited`.
 */
export class TokenBucket {
  readonly #rate: number;
  readonly #burst: number;
  #tokens: number;
  #at: number;

  constructor(ratePerSec: number, burst: number, now: number = Date.now()) {
    this.#rate = ratePerSec;
    this.#burst = Math.max(1, burst);
    this.#tokens = this.#burst;
    this.#at = now;
  }

  #refill(now: number): void {
    if (now > this.#at) {
      this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#at) * this.#rate) / 1000);
      this.#at = now;
    }
  }

  /** Takes `cost` tokens (default one); returns 0 when granted, else the ms until they are available. */
  take(now: number = Date.now(), cost = 1): number {
    const wait = this.peek(now, cost);
    if (wait === 0) this.#tokens -= cost;
    return wait;
  }

  /** The ms until a take() would succeed (0: now), without taking. */
  peek(now: number = Date.now(), cost = 1): number {
    // More than the burst can never be saved up: refused for good, not after a wait that never ends.
    if (cost > this.#burst) throw new RangeError(`cost ${cost} is above the burst ${this.#burst}`);
    this.#refill(now);
    if (this.#tokens >= cost) return 0;
    if (this.#rate <= 0) return 60_000;
    return Math.max(1, Math.ceil(((cost - this.#tokens) * 1000) / this.#rate));
  }
}
