/**
 * Two server nodes in one process, each on its own RedisPresence (one Redis, one prefix), sharing
 * store and bus: when one node dies (its heartbeat stops, nothing closes), a watcher on the other
 * sees the dead node's user leave the room's presence and go offline, within the presence bound
 * and the grace. Skipped, with a printed reason, without Redis.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PresenceFrame, StatusFrame } from '../../src/protocol/index.ts';
import { MemoryBus } from '../../src/server/broker/memory-broker.ts';
import { DiskStorage } from '../../src/server/files/disk-storage.ts';
import { createParleyServer, type ParleyServer } from '../../src/server/index.ts';
import { MemoryLimiters } from '../../src/server/limits/memory-limiter.ts';
import { RedisPresence } from '../../src/server/presence/redis-presence.ts';
import { SqliteStore } from '../../src/server/store/sqlite/sqlite-store.ts';
import { RawClient } from '../support/raw-client.ts';
import { hasRedis, REDIS_URL, redisTestPrefix } from '../support/services.ts';
import { waitUntil } from '../support/wait.ts';

const available = await hasRedis('redis presence across server nodes');
const filePrefix = redisTestPrefix();
const TTL_MS = 900;
const GRACE_MS = 150;

describe.skipIf(!available)('server nodes on RedisPresence', () => {
  // Made when the suite runs (not when a skipped one is collected).
  let dataDir = '';
  let store: SqliteStore;
  const bus = new MemoryBus();
  const presences: RedisPresence[] = [];
  const nodes: ParleyServer[] = [];
  const clients: RawClient[] = [];

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'parley-redis-presence-'));
    store = new SqliteStore(dataDir);
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    for (const node of nodes) await node.close();
    await Promise.allSettled(presences.map((p) => p.close()));
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
    const redis = new Redis(REDIS_URL);
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${filePrefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
    await redis.quit();
  });

  async function startNode(prefix: string, nodeId: string): Promise<{ url: string; presence: RedisPresence }> {
    const presence = new RedisPresence({ url: REDIS_URL, prefix, nodeId, ttlMs: TTL_MS });
    presences.push(presence);
    const node = createParleyServer({
      options: {
        port: 0,
        host: '127.0.0.1',
        dataDir,
        webDir: null,
        // The dead node's own failures (its presence is gone) are expected here.
        logLevel: 'silent',
        tokenSecret: 'a'.repeat(32),
        nodeId,
        presenceGraceMs: GRACE_MS,
        statusCoalesceMs: 50,
      },
      store,
      broker: bus.broker(),
      presence,
      files: new DiskStorage(join(dataDir, 'files')),
      limits: new MemoryLimiters(),
    });
    nodes.push(node);
    return { url: `ws://127.0.0.1:${await node.listen()}/ws`, presence };
  }

  it.each([
    ['started before her', false],
    ['started after her (it never heard her announced)', true],
  ])('takes a dead node’s user out of the room and offline for watchers on a survivor %s', async (_, late) => {
    const run = late ? 'late' : 'early';
    const prefix = `${filePrefix}${run}:`;
    const [ada, bob, room] = [`ada-${run}`, `bob-${run}`, 'general'];
    const a = await startNode(prefix, `${run}-a`);
    const b = late ? undefined : await startNode(prefix, `${run}-b`);
    const onA = await RawClient.connect(a.url, ada);
    clients.push(onA);
    await onA.request('joined', { type: 'join', id: 'j-ada', room });
    const urlB = b?.url ?? (await startNode(prefix, `${run}-b`)).url;
    const onB = await RawClient.connect(urlB, bob);
    clients.push(onB);
    await onB.request('joined', { type: 'join', id: 'j-bob', room });
    await onB.next('presence', (p) => p.online?.some((u) => u.nick === ada) === true);
    // Another user cannot take ada's nickname on the other node while she is there.
    const taker = await RawClient.open(urlB);
    clients.push(taker);
    taker.sendJson({ type: 'hello', v: 1, nick: ada.toUpperCase() });
    expect((await taker.next('error')).code).toBe('nick_taken');

    const died = Date.now();
    a.presence.abandon();
    const frames = onB.frames;
    const gone = await waitUntil(
      () =>
        frames.find(
          (f): f is PresenceFrame =>
            f.type === 'presence' &&
            f.room === room &&
            // A lapse sends the full view (presence/room-presence.ts).
            f.online?.some((u) => u.nick === bob) === true &&
            !f.online.some((u) => u.nick === ada),
        ),
      { timeoutMs: TTL_MS + 3_000, what: 'ada out of the room' },
    );
    expect(gone.online?.map((u) => u.nick)).toEqual([bob]);
    const left = Date.now() - died;
    await waitUntil(
      () =>
        frames.some(
          (f) =>
            f.type === 'status' && (f as StatusFrame).users.some((u) => u.user.nick === ada && u.state === 'offline'),
        ),
      { timeoutMs: TTL_MS + GRACE_MS + 3_000, what: 'ada offline' },
    );
    const offline = Date.now() - died;
    expect(left).toBeLessThanOrEqual(TTL_MS + 500);
    expect(offline).toBeLessThanOrEqual(TTL_MS + GRACE_MS + 1_000);
    // Her nickname is free now.
    const again = await RawClient.connect(urlB, ada.toUpperCase());
    clients.push(again);
    expect(again.welcome.user.nick).toBe(ada.toUpperCase());
  });
});
