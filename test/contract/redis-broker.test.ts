/** The Redis broker against the Broker contract, on a key and channel prefix of this file's own. */
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import type { BrokerMessage } from '../../src/server/broker/broker.ts';
import { RedisBroker } from '../../src/server/broker/redis-broker.ts';
import { hasRedis, REDIS_URL, redisTestPrefix } from '../support/services.ts';
import { waitUntil } from '../support/wait.ts';
import { brokerContract } from './broker.contract.ts';

const available = await hasRedis('Redis broker contract');

describe.skipIf(!available)('Redis broker', () => {
  // Every test gets a bus of its own (a prefix), as the memory engine gets a fresh bus.
  brokerContract(
    'redis',
    async () => new RedisBroker({ url: REDIS_URL, prefix: redisTestPrefix() }),
    async () => {
      const prefix = redisTestPrefix();
      return async () => new RedisBroker({ url: REDIS_URL, prefix });
    },
    { orderedAcrossNodes: false },
  );

  it('subscribes everything again after its connection was cut, then tells onReconnect', async () => {
    const prefix = redisTestPrefix();
    const [a, b] = [new RedisBroker({ url: REDIS_URL, prefix }), new RedisBroker({ url: REDIS_URL, prefix })];
    const got: BrokerMessage[] = [];
    let reconnects = 0;
    a.onMessage((m) => got.push(m));
    a.onReconnect(() => reconnects++);
    for (const c of ['r1', 'r2', 'user:u-1']) await a.subscribe(c);
    await b.publish({ channel: 'r1', seq: 1, payload: '1' });
    await waitUntil(() => got.length === 1, { what: 'the first message' });

    // CLIENT KILL on this broker's own subscriber connection, found by its name.
    const admin = new Redis(REDIS_URL);
    const list = (await admin.client('LIST')) as string;
    const id = list
      .split('\n')
      .find((line) => line.includes(` name=${a.clientNames.sub} `))
      ?.match(/(?:^| )id=(\d+)/)?.[1];
    expect(id).toBeDefined();
    await admin.client('KILL', 'ID', id as string);
    admin.disconnect();
    // Published while it was cut: lost (the hub heals it from the store).
    await b.publish({ channel: 'r2', seq: 1, payload: 'lost' });
    await waitUntil(() => reconnects === 1, { what: 'onReconnect' });
    for (const channel of ['r1', 'r2', 'user:u-1']) await b.publish({ channel, seq: 2, payload: channel });
    await waitUntil(() => got.length >= 4, { what: 'three messages after the reconnect' });
    expect(got.map((m) => `${m.channel}:${m.seq}`)).toEqual(['r1:1', 'r1:2', 'r2:2', 'user:u-1:2']);
    await Promise.all([a.close(), b.close()]);
  });
});
