/**
 * Brute-force brakes for POST /api/auth/login and /register: a token bucket per client IP for
 * every attempt, and one per username for logins (a success clears it, so it counts failures).
 * Idle buckets are forgotten and each map is capped, so memory stays bounded whatever names or
 * addresses an attacker sprays.
 */
import { TokenBucket } from '../../protocol/index.ts';

export interface ThrottleOptions {
  /** Login and register attempts per client IP: refill per minute, and burst. */
  readonly authIpPerMin: number;
  readonly authIpBurst: number;
  /** Failed logins per username: refill per minute, and burst. */
  readonly loginFailuresPerMin: number;
  readonly loginFailuresBurst: number;
}

/** Most keys kept per map; past it the least recently used is dropped. */
export const MAX_THROTTLE_KEYS = 50_000;
const SWEEP_MS = 60_000;

interface Entry {
  readonly bucket: TokenBucket;
  seen: number;
}

/** Token buckets by key, least recently used first. */
export class BucketMap {
  readonly #entries = new Map<string, Entry>();
  readonly #perSec: number;
  readonly #burst: number;
  /** After this long untouched a bucket is full again: the same as no entry. */
  readonly #idleMs: number;
  readonly #max: number;
  #sweptAt = 0;

  constructor(perMin: number, burst: number, max = MAX_THROTTLE_KEYS) {
    this.#perSec = perMin / 60;
    this.#burst = burst;
    this.#idleMs = Math.ceil((burst / Math.max(this.#perSec, 1e-6)) * 1000);
    this.#max = max;
  }

  /** Takes a token for `key`: 0 when granted, else the ms until one is available. */
  take(key: string, now = Date.now()): number {
    if (now - this.#sweptAt >= SWEEP_MS) this.sweep(now);
    let entry = this.#entries.get(key);
    if (entry) this.#entries.delete(key);
    else {
      if (this.#entries.size >= this.#max) this.#evictOldest();
      entry = { bucket: new TokenBucket(this.#perSec, this.#burst, now), seen: now };
    }
    entry.seen = now;
    // Re-inserted: the Map's order is least recently used first.
    this.#entries.set(key, entry);
    return entry.bucket.take(now);
  }

  forget(key: string): void {
    this.#entries.delete(key);
  }

  /** Drops buckets that have refilled completely. */
  sweep(now = Date.now()): void {
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

  get size(): number {
    return this.#entries.size;
  }
}

/** Usernames compare case-insensitively, like accounts (so `Ada` and `ada` share a bucket). */
const usernameKey = (username: string): string => username.trim().normalize('NFC').toLowerCase();

export class LoginThrottle {
  readonly #ips: BucketMap;
  readonly #users: BucketMap;

  constructor(o: ThrottleOptions, maxKeys = MAX_THROTTLE_KEYS) {
    this.#ips = new BucketMap(o.authIpPerMin, o.authIpBurst, maxKeys);
    this.#users = new BucketMap(o.loginFailuresPerMin, o.loginFailuresBurst, maxKeys);
  }

  /** A login or register attempt from `ip`: 0 when it may go ahead, else the ms to wait. */
  attempt(ip: string, now = Date.now()): number {
    return this.#ips.take(ip, now);
  }

  /**
   * A login attempt for `username`, known or not (so a refusal tells nothing about existence):
   * taken before the password is checked, so concurrent guesses cannot overrun the bucket.
   */
  login(username: string, now = Date.now()): number {
    return this.#users.take(usernameKey(username), now);
  }

  /** The password was right: the username's failures no longer count. */
  succeeded(username: string): void {
    this.#users.forget(usernameKey(username));
  }

  /** Keys held (IPs, usernames), for the memory-bound test. */
  get size(): { ips: number; users: number } {
    return { ips: this.#ips.size, users: this.#users.size };
  }
}
