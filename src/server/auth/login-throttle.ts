/**
 * Brute-force brakes for POST /api/auth/login and /register: a token bucket per client IP for
 * every attempt; for logins one per username and client IP (a success clears it, so it counts
 * failures), which refuses; and one per username across all addresses, which only slows attempts
 * down — a refusal there would let anyone lock anyone out. Idle buckets are forgotten and each map
 * is capped, so memory stays bounded whatever names or addresses an attacker sprays.
 */
import { TokenBucket } from '../../protocol/index.ts';

export interface ThrottleOptions {
  /** Login and register attempts per client IP: refill per minute, and burst. */
  readonly authIpPerMin: number;
  readonly authIpBurst: number;
  /** Failed logins per username and client IP: refill per minute, and burst. */
  readonly loginFailuresPerMin: number;
  readonly loginFailuresBurst: number;
  /** Login attempts per username from all addresses before each one is slowed: per minute, burst. */
  readonly loginUsernamePerMin: number;
  readonly loginUsernameBurst: number;
  /** How long an attempt past the username's budget waits before its password is checked. */
  readonly loginSlowdownMs: number;
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

const pairKey = (username: string, ip: string): string => `${usernameKey(username)}\n${ip}`;

export class LoginThrottle {
  readonly #ips: BucketMap;
  /** Per username and client IP: refuses. */
  readonly #pairs: BucketMap;
  /** Per username across addresses: slows down, never refuses. */
  readonly #users: BucketMap;
  readonly #slowdownMs: number;

  constructor(o: ThrottleOptions, maxKeys = MAX_THROTTLE_KEYS) {
    this.#ips = new BucketMap(o.authIpPerMin, o.authIpBurst, maxKeys);
    this.#pairs = new BucketMap(o.loginFailuresPerMin, o.loginFailuresBurst, maxKeys);
    this.#users = new BucketMap(o.loginUsernamePerMin, o.loginUsernameBurst, maxKeys);
    this.#slowdownMs = o.loginSlowdownMs;
  }

  /** A login or register attempt from `ip`: 0 when it may go ahead, else the ms to wait. */
  attempt(ip: string, now = Date.now()): number {
    return this.#ips.take(ip, now);
  }

  /**
   * A login attempt for `username` (known or not, so a refusal tells nothing about existence) from
   * `ip`: 0 when it may go ahead, else the ms to wait. Taken before the password is checked, so
   * concurrent guesses cannot overrun the bucket. Only this address is held back.
   */
  login(username: string, ip: string, now = Date.now()): number {
    return this.#pairs.take(pairKey(username, ip), now);
  }

  /**
   * For an attempt `login` let through: how long to hold it before checking the password (0, or
   * loginSlowdownMs once the username's attempts from all addresses pass their budget). Slowing,
   * not refusing, so the owner still gets in while someone elsewhere hammers the name.
   */
  slowdown(username: string, now = Date.now()): number {
    return this.#users.take(usernameKey(username), now) > 0 ? this.#slowdownMs : 0;
  }

  /**
   * The password was right: this address's failures for the username no longer count. The
   * username's budget across addresses is left as it is (an attack elsewhere goes on).
   */
  succeeded(username: string, ip: string): void {
    this.#pairs.forget(pairKey(username, ip));
  }

  /** Keys held (IPs, username-and-IP pairs, usernames), for the memory-bound test. */
  get size(): { ips: number; pairs: number; users: number } {
    return { ips: this.#ips.size, pairs: this.#pairs.size, users: this.#users.size };
  }
}
