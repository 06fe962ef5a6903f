/** RedisLimiters runs the Limiters contract (skipped, with a printed reason, without Redis). */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryLimiters } from '../../src/server/limits/memory-limiter.ts';
import { RedisLimiters } from '../../src/server/limits/redis-limiter.ts';
import { seededRandom } from '../support/seeded-random.ts';
import { hasRedis, REDIS_URL, redisTestPrefix } from '../support/services.ts';
import { limiterContract } from './limiter.contract.ts';

const available = await hasRedis('redis limiter');
const filePrefix = redisTestPrefix();
let prefixes = 0;
/** A prefix of its own under this file's, so every test starts empty. */
const freshPrefix = (): string => `${filePrefix}${++prefixes}:`;

afterAll(async () => {
  if (!available) return;
  // SCAN under this file's prefix, never KEYS or FLUSHDB: other tests share this Redis.
  const redis = new Redis(REDIS_URL);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${filePrefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
  await redis.quit();
});

describe.skipIf(!available)('RedisLimiters', () => {
  limiterContract('redis', async (now, maxKeys) => {
    const limiters = new RedisLimiters({ url: REDIS_URL, prefix: freshPrefix(), now, maxKeys });
    return { limiters, held: (name) => limiters.size(name) };
  });

  it('shares a key’s budget between two nodes, counted by Redis TIME', async () => {
    const prefix = freshPrefix();
    const a = new RedisLimiters({ url: REDIS_URL, prefix });
    const b = new RedisLimiters({ url: REDIS_URL, prefix });
    try {
      const [la, lb] = [a.bucket('writes', 0.001, 3), b.bucket('writes', 0.001, 3)];
      const waits = await Promise.all([la.take('u'), lb.take('u'), la.take('u'), lb.take('u'), la.take('u')]);
      expect(waits.filter((w) => w === 0)).toHaveLength(3);
      expect(await lb.peek('u')).toBeGreaterThan(900_000);
      await la.reset('u');
      expect(await lb.take('u', 3)).toBe(0);
      // The keys expire by themselves once the bucket would be full again.
      const ttl = await a.redis.pttl(`${prefix}limit:writes`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(3_000_001);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('answers exactly what MemoryLimiters answers, call for call (seeded run)', async () => {
    const clock = { now: 5_000_000 };
    const now = (): number => clock.now;
    const memory = new MemoryLimiters({ now });
    const redis = new RedisLimiters({ url: REDIS_URL, prefix: freshPrefix(), now });
    try {
      const random = seededRandom(12);
      const shapes = [
        ['slow', 0.5, 3],
        ['fast', 7, 10],
        ['odd', 3.3, 4],
      ] as const;
      for (let i = 0; i < 400; i++) {
        const [name, perSec, burst] = shapes[Math.floor(random() * shapes.length)] ?? shapes[0];
        const key = `k${Math.floor(random() * 3)}`;
        const cost = 1 + Math.floor(random() * Math.min(burst, 3));
        const op = random() < 0.7 ? 'take' : random() < 0.9 ? 'peek' : 'reset';
        if (op === 'reset') {
          memory.bucket(name, perSec, burst).reset(key);
          await redis.bucket(name, perSec, burst).reset(key);
        } else {
          const expected = memory.bucket(name, perSec, burst)[op](key, cost);
          expect(
            await redis.bucket(name, perSec, burst)[op](key, cost),
            `step ${i}: ${op} ${name} ${key} ${cost}`,
          ).toBe(expected);
        }
        clock.now += Math.floor(random() * 400);
      }
    } finally {
      await redis.close();
    }
  });

  it('answers from the node’s own buckets while Redis does not answer', async () => {
    const limiters = new RedisLimiters({ url: 'redis://127.0.0.1:1', prefix: freshPrefix(), commandTimeoutMs: 100 });
    try {
      const l = limiters.bucket('away', 0.001, 2);
      const started = Date.now();
      expect(await l.take('k')).toBe(0);
      expect(await l.take('k')).toBe(0);
      expect(await l.take('k')).toBeGreaterThan(0);
      await l.reset('k');
      expect(await l.peek('k', 2)).toBe(0);
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await limiters.close();
    }
  });

  it('refuses a second rate under a name already in use', async () => {
    const limiters = new RedisLimiters({ url: REDIS_URL, prefix: freshPrefix() });
    limiters.bucket('n', 1, 2);
    expect(() => limiters.bucket('n', 2, 2)).toThrow(/another rate/);
    await limiters.close();
  });
});
