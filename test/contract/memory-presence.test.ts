import { MemoryPresence } from '../../src/server/presence/memory-presence.ts';
import { presenceContract } from './presence.contract.ts';

presenceContract('memory', async () => new MemoryPresence(), {
  // One process, one engine: "two nodes" share the instance.
  async pair() {
    const shared = new MemoryPresence();
    return [shared, shared];
  },
});
