import { MemoryBroker, MemoryBus } from '../../src/server/broker/memory-broker.ts';
import { brokerContract } from './broker.contract.ts';

brokerContract('memory', async () => new MemoryBroker());

// Nodes of one process sharing a bus: each test gets its own bus.
brokerContract(
  'memory bus',
  async () => new MemoryBus().broker(),
  async () => {
    const bus = new MemoryBus();
    return async () => bus.broker();
  },
);
