/** The Redis broker against the Broker contract, on a key and channel prefix of this file's own. */
import { describe } from 'vitest';
import { RedisBroker } from '../../src/server/broker/redis-broker.ts';
import { hasRedis, REDIS_URL, redisTestPrefix } from '../support/services.ts';
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
});
