/**
 * Brute-force brakes for POST /api/auth/login and /register: a token bucket per client IP for
 * every attempt; for logins one per username and client IP (a success clears it, so it counts
 * failures), which refuses; and one per username across all addresses, which only slows attempts
 * down — a refusal there would let anyone lock anyone out. The buckets are the Limiters engine's
 * (limits/): the memory one forgets idle keys and caps each limiter, so memory stays bounded.
 */
import type { Limiter, Limiters } from '../limits/limiter.ts';
import { MAX_LIMITER_KEYS, MemoryLimiters } from '../limits/memory-limiter.ts';

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

/** Most keys kept per limiter (the memory engine's bound, memory-limiter.ts). */
export const MAX_THROTTLE_KEYS = MAX_LIMITER_KEYS;

/** Usernames compare case-insensitively, like accounts (so `Ada` and `ada` share a bucket). */
const usernameKey = (username: string): string => username.trim().normalize('NFC').toLowerCase();

const pairKey = (username: string, ip: string): string => `${usernameKey(username)}\n${ip}`;

export class LoginThrottle {
  readonly #ips: Limiter;
  /** Per username and client IP: refuses. */
  readonly #pairs: Limiter;
  /** Per username across addresses: slows down, never refuses. */
  readonly #users: Limiter;
  readonly #slowdownMs: number;

  constructor(o: ThrottleOptions, limiters: Limiters = new MemoryLimiters()) {
    this.#ips = limiters.bucket('auth-ip', o.authIpPerMin / 60, o.authIpBurst);
    this.#pairs = limiters.bucket('login-failures', o.loginFailuresPerMin / 60, o.loginFailuresBurst);
    this.#users = limiters.bucket('login-username', o.loginUsernamePerMin / 60, o.loginUsernameBurst);
    this.#slowdownMs = o.loginSlowdownMs;
  }

  /** A login or register attempt from `ip`: 0 when it may go ahead, else the ms to wait. */
  async attempt(ip: string): Promise<number> {
    return this.#ips.take(ip);
  }

  /**
   * A login attempt for `username` (known or not, so a refusal tells nothing about existence) from
   * `ip`: 0 when it may go ahead, else the ms to wait. Taken before the password is checked, so
   * concurrent guesses cannot overrun the bucket. Only this address is held back.
   */
  async login(username: string, ip: string): Promise<number> {
    return this.#pairs.take(pairKey(username, ip));
  }

  /**
   * For an attempt `login` let through: how long to hold it before checking the password (0, or
   * loginSlowdownMs once the username's attempts from all addresses pass their budget). Slowing,
   * not refusing, so the owner still gets in while someone elsewhere hammers the name.
   */
  async slowdown(username: string): Promise<number> {
    return (await this.#users.take(usernameKey(username))) > 0 ? this.#slowdownMs : 0;
  }

  /**
   * The password was right: this address's failures for the username no longer count. The
   * username's budget across addresses is left as it is (an attack elsewhere goes on).
   */
  async succeeded(username: string, ip: string): Promise<void> {
    await this.#pairs.reset(pairKey(username, ip));
  }
}
