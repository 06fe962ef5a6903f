/**
 * The keyed token buckets of limiter.ts in Redis, shared by every node: one Lua script (EVALSHA)
 * refills a bucket from the time elapsed by Redis `TIME` (the nodes' clocks do not matter), then
 * takes or peeks, with exactly the semantics of TokenBucket / MemoryLimiters.
 *
 * Layout under the prefix P, per limiter name:
 *   P limit:<name>       HASH  key → "tokens:at" (tokens left, ms they were counted at)
 *   P limit:<name>:full  ZSET  key → when the bucket is full again (ms)
 * A bucket full again is the same as none: each call drops those whose time has come, and both
 * keys expire once every bucket would be full. At most `maxKeys` buckets per limiter are kept:
 * past it the one closest to full goes first (memory stays bounded whatever keys are sprayed).
 *
 * When Redis does not answer within `commandTimeoutMs` (down, restarting), each node answers from
 * buckets of its own in memory until Redis is back: limits stay in force, per node, and no write or
 * login waits on Redis.
 */
import { Redis } from 'ioredis';
import type { Limiter, Limiters } from './limiter.ts';
import { MAX_LIMITER_KEYS, MemoryLimiter } from './memory-limiter.ts';
import { RedisScript } from './redis-script.ts';

export interface RedisLimitersOptions {
  readonly url: string;
  /** Prefix of every key (default `parley:`); nodes sharing limits share it. */
  readonly prefix?: string;
  readonly maxKeys?: number;
  /** How long a call waits for Redis before the node's own buckets answer (default 1000 ms). */
  readonly commandTimeoutMs?: number;
  /**
   * Tests only: the clock (ms) instead of Redis TIME, so tests never sleep. Keys then live at
   * least 10 minutes, since Redis expires them by its own clock.
   */
  readonly now?: () => number;
}

/**
 * KEYS[1] the hash, KEYS[2] the zset. ARGV[1] key, [2] cost, [3] 1 take / 0 peek, [4] tokens a
 * second, [5] burst, [6] max keys, [7] the clock or '' for Redis TIME, [8] least expiry (ms).
 * → 0 granted, else the ms to wait (nothing taken). Numbers are stored with 17 digits: exact.
 */
const BUCKET = new RedisScript(`
local key, cost, take = ARGV[1], tonumber(ARGV[2]), ARGV[3] == '1'
local rate, burst, max = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local now = tonumber(ARGV[7])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
end
-- Buckets full again: the same as none.
local full = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)
for i = 1, #full, 1000 do
  redis.call('HDEL', KEYS[1], unpack(full, i, math.min(i + 999, #full)))
end
if #full > 0 then redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now) end
local tokens, at = burst, now
local s = redis.call('HGET', KEYS[1], key)
if s then
  local sep = string.find(s, ':', 1, true)
  tokens, at = tonumber(string.sub(s, 1, sep - 1)), tonumber(string.sub(s, sep + 1))
end
local changed = false
if now > at then
  tokens = math.min(burst, tokens + (now - at) * rate / 1000)
  at = now
  changed = s ~= false
end
local wait = 0
if tokens < cost then
  if rate <= 0 then wait = 60000 else wait = math.max(1, math.ceil((cost - tokens) * 1000 / rate)) end
elseif take then
  tokens = tokens - cost
  changed = true
end
-- Stored refilled, as TokenBucket keeps it, so the arithmetic (and the answers) are the same.
if not changed then return wait end
if not s and redis.call('ZCARD', KEYS[2]) >= max then
  local evicted = redis.call('ZPOPMIN', KEYS[2])
  if evicted[1] then redis.call('HDEL', KEYS[1], evicted[1]) end
end
-- Full again at this time (1 ms later, so rounding never drops a bucket short of full).
local idle = (burst - tokens) * 1000 / math.max(rate, 1e-6)
redis.call('HSET', KEYS[1], key, string.format('%.17g:%.17g', tokens, at))
redis.call('ZADD', KEYS[2], at + idle + 1, key)
-- Every bucket is full again this long after the last take (a day at most).
local ttl = math.min(86400000, math.max(math.ceil(burst * 1000 / math.max(rate, 1e-6)) + 1, tonumber(ARGV[8])))
redis.call('PEXPIRE', KEYS[1], string.format('%d', ttl))
redis.call('PEXPIRE', KEYS[2], string.format('%d', ttl))
return wait`);

/** Least key lifetime when tests drive the clock. */
const TEST_CLOCK_EXPIRY_MS = 600_000;

export class RedisLimiter implements Limiter {
  readonly #owner: RedisLimiters;
  readonly #keys: [string, string];
  readonly #perSec: number;
  readonly #burst: number;
  /** This node's own buckets, answering while Redis does not. */
  readonly #local: MemoryLimiter;

  constructor(owner: RedisLimiters, hash: string, perSec: number, burst: number) {
    this.#owner = owner;
    this.#local = new MemoryLimiter(perSec, burst, { now: owner.now ?? Date.now, maxKeys: owner.maxKeys });
    this.#keys = [hash, `${hash}:full`];
    this.#perSec = perSec;
    this.#burst = Math.max(1, burst);
  }

  take(key: string, cost = 1): Promise<number> {
    return this.#run(key, cost, true);
  }

  peek(key: string, cost = 1): Promise<number> {
    return this.#run(key, cost, false);
  }

  async reset(key: string): Promise<void> {
    this.#local.reset(key);
    const { redis } = this.#owner;
    // Redis away: the bucket there stays until it is full again, as any would.
    await redis
      .multi()
      .hdel(this.#keys[0], key)
      .zrem(this.#keys[1], key)
      .exec()
      .catch(() => undefined);
  }

  /** Buckets held (tests and metrics). */
  held(): Promise<number> {
    return this.#owner.redis.hlen(this.#keys[0]);
  }

  async #run(key: string, cost: number, take: boolean): Promise<number> {
    // More than the burst can never be saved up: refused for good, as TokenBucket does.
    if (cost > this.#burst) throw new RangeError(`cost ${cost} is above the burst ${this.#burst}`);
    const { redis, maxKeys, now } = this.#owner;
    const args = [
      key,
      cost,
      take ? 1 : 0,
      this.#perSec,
      this.#burst,
      maxKeys,
      now ? now() : '',
      now ? TEST_CLOCK_EXPIRY_MS : 0,
    ];
    try {
      return Number(await BUCKET.run(redis, this.#keys, args));
    } catch {
      return take ? this.#local.take(key, cost) : this.#local.peek(key, cost);
    }
  }
}

export class RedisLimiters implements Limiters {
  readonly redis: Redis;
  readonly maxKeys: number;
  readonly now: (() => number) | undefined;
  readonly #prefix: string;
  readonly #byName = new Map<string, { limiter: RedisLimiter; perSec: number; burst: number }>();

  constructor({
    url,
    prefix = 'parley:',
    maxKeys = MAX_LIMITER_KEYS,
    commandTimeoutMs = 1_000,
    now,
  }: RedisLimitersOptions) {
    this.redis = new Redis(url, { commandTimeout: commandTimeoutMs });
    // Failed commands reject where they were called; reconnection is ioredis's.
    this.redis.on('error', () => {});
    this.#prefix = prefix;
    this.maxKeys = maxKeys;
    this.now = now;
  }

  /** The same name gives the same buckets (on every node); other rates under it are a bug. */
  bucket(name: string, perSec: number, burst: number): RedisLimiter {
    const known = this.#byName.get(name);
    if (known) {
      if (known.perSec !== perSec || known.burst !== burst) {
        throw new Error(`limiter "${name}" exists with another rate or burst`);
      }
      return known.limiter;
    }
    const limiter = new RedisLimiter(this, `${this.#prefix}limit:${name}`, perSec, burst);
    this.#byName.set(name, { limiter, perSec, burst });
    return limiter;
  }

  /** Buckets held by the named limiter (0 if none). */
  async size(name: string): Promise<number> {
    return (await this.#byName.get(name)?.limiter.held()) ?? 0;
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
