import { MemoryBroker } from '../../src/server/broker/memory-broker.ts';
import { brokerContract } from './broker.contract.ts';

brokerContract('memory', async () => new MemoryBroker());
