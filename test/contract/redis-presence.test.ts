/** RedisPresence runs the Presence contract, across nodes too (skipped, with a printed reason, without Redis). */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { PresenceLapse } from '../../src/server/presence/presence.ts';
import { RedisPresence } from '../../src/server/presence/redis-presence.ts';
import { hasRedis, REDIS_URL, redisTestPrefix } from '../support/services.ts';
import { waitUntil } from '../support/wait.ts';
import { presenceContract } from './presence.contract.ts';

const available = await hasRedis('redis presence');
const filePrefix = redisTestPrefix();
/** Short, so a crashed node is purged quickly; the bound is ttlMs. */
const TTL_MS = 900;

const opened: RedisPresence[] = [];
let prefixes = 0;
/** A prefix of its own under this file's, so every test starts empty. */
const freshPrefix = (): string => `${filePrefix}${++prefixes}:`;
const open = (prefix: string, nodeId: string): RedisPresence => {
  const presence = new RedisPresence({ url: REDIS_URL, prefix, nodeId, ttlMs: TTL_MS });
  opened.push(presence);
  return presence;
};

/** Deletes every key under a prefix (SCAN, never KEYS or FLUSHDB: other tests share this Redis). */
async function deleteKeys(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) deleted += await redis.del(...keys);
  } while (cursor !== '0');
  return deleted;
}

afterAll(async () => {
  if (!available) return;
  await Promise.allSettled(opened.map((p) => p.close()));
  const redis = new Redis(REDIS_URL);
  await deleteKeys(redis, filePrefix);
  await redis.quit();
});

describe.skipIf(!available)('RedisPresence', () => {
  presenceContract('redis', async () => open(freshPrefix(), 'solo'), {
    async pair() {
      const prefix = freshPrefix();
      return [open(prefix, 'node-a'), open(prefix, 'node-b')];
    },
    async end(node, how) {
      if (how === 'close') await (node as RedisPresence).close();
      else (node as RedisPresence).abandon();
    },
    boundMs: TTL_MS,
  });

  const ada = { id: 'u-ada', nick: 'ada' };
  const bo = { id: 'u-bo', nick: 'bo' };

  it('tells the surviving node which rooms and users a crashed node took with it', async () => {
    const prefix = freshPrefix();
    const [a, b] = [open(prefix, 'node-a'), open(prefix, 'node-b')];
    const lapses: PresenceLapse[] = [];
    b.watch((lapse) => lapses.push(lapse));
    await a.enter('r1', ada);
    await a.enter('r2', bo);
    await b.enter('r2', bo);
    await a.activity(ada, 'a-1', 'active');
    await a.activity(bo, 'a-2', 'active');
    await b.activity(bo, 'b-1', 'idle');
    a.abandon();
    await waitUntil(() => lapses.length > 0, { timeoutMs: TTL_MS + 2_000, what: 'the lapse' });
    expect(lapses).toHaveLength(1);
    expect(lapses[0]?.rooms).toEqual(['r1']);
    const users = [...(lapses[0]?.users ?? [])].sort((x, y) => x.user.id.localeCompare(y.user.id));
    expect(users).toEqual([
      { user: ada, state: 'offline' },
      { user: bo, state: 'away' },
    ]);
  });

  it('writes its entries back when Redis lost them (a restart), and the lapse says who is back', async () => {
    const prefix = freshPrefix();
    const a = open(prefix, 'node-a');
    const lapses: PresenceLapse[] = [];
    a.watch((lapse) => lapses.push(lapse));
    expect(await a.connect(ada)).toBe(true);
    await a.enter('r', ada);
    await a.activity(ada, 'a-1', 'idle');
    const redis = new Redis(REDIS_URL);
    try {
      expect(await deleteKeys(redis, prefix)).toBeGreaterThan(0);
      // The next heartbeat finds the node unregistered and writes back what it holds.
      await waitUntil(async () => (await a.online('r')).length > 0, { timeoutMs: TTL_MS + 2_000, what: 'restore' });
      expect([...(await a.holders([ada.id])).values()]).toEqual([{ user: ada, state: 'away' }]);
      expect(lapses.at(-1)?.users).toEqual([{ user: ada, state: 'away' }]);
      const b = open(prefix, 'node-b');
      expect(await b.connect({ id: 'u-other', nick: 'ADA' })).toBe(false);
      // A change before any heartbeat noticed also writes everything back first.
      await deleteKeys(redis, prefix);
      expect(await a.exit('r', ada)).toBe(true);
      expect(await b.connect({ id: 'u-other', nick: 'ADA' })).toBe(false);
      expect([...(await b.holders([ada.id])).keys()]).toEqual([ada.id]);
    } finally {
      await redis.quit();
    }
  });

  it('writes back what it holds after a reconnection, over what Redis came back with', async () => {
    const prefix = freshPrefix();
    const nodeId = `reconnect-${prefix}`;
    const a = open(prefix, nodeId);
    await a.enter('r', ada);
    await a.activity(ada, 'a-1', 'active');
    const redis = new Redis(REDIS_URL);
    try {
      // As if Redis came back from an older snapshot: a connection long closed, ada not in the room.
      const p = `${prefix}presence:`;
      const ghost = JSON.stringify([nodeId, 'ghost']);
      await redis.hset(`${p}conn:u-ghost`, ghost, `a${JSON.stringify({ id: 'u-ghost', nick: 'ghost' })}`);
      await redis.hset(`${p}node:${nodeId}:conns`, ghost, 'u-ghost');
      await redis.del(`${p}room:r`, `${p}roomn:r`, `${p}node:${nodeId}:rooms`);
      expect((await a.holders(['u-ghost'])).size).toBe(1);
      // Cut the node's connection (only its own, found by name: other tests share this Redis).
      const list = String(await redis.client('LIST'));
      const line = list.split('\n').find((l) => l.includes(` name=parley-presence:${nodeId} `));
      const id = /(?:^| )id=(\d+)/.exec(line ?? '')?.[1];
      expect(id).toBeDefined();
      await redis.client('KILL', 'ID', id ?? '');
      await waitUntil(async () => (await a.holders(['u-ghost'])).size === 0 && (await a.online('r')).length === 1, {
        timeoutMs: 5_000,
        what: 'the node’s entries written back',
      });
      expect(await a.online('r')).toEqual([ada]);
      expect([...(await a.holders([ada.id])).values()]).toEqual([{ user: ada, state: 'online' }]);
    } finally {
      await redis.quit();
    }
  });

  it('closes promptly when Redis does not answer (the others purge it within the bound)', async () => {
    const lost = new RedisPresence({ url: 'redis://127.0.0.1:1', prefix: freshPrefix(), nodeId: 'n', ttlMs: 300 });
    const started = Date.now();
    await lost.close();
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('clears what a crashed node left under its id when it starts again with that id', async () => {
    const prefix = freshPrefix();
    const first = open(prefix, 'node-a');
    await first.connect(ada);
    await first.enter('r', ada);
    await first.activity(ada, 'a-1', 'active');
    first.abandon();
    const again = open(prefix, 'node-a');
    expect(await again.online('r')).toEqual([]);
    expect((await again.holders([ada.id])).size).toBe(0);
    expect(await again.connect({ id: 'u-other', nick: 'Ada' })).toBe(true);
  });
});
