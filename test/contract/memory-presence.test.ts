import { MemoryPresence } from '../../src/server/presence/memory-presence.ts';
import { presenceContract } from './presence.contract.ts';

presenceContract('memory', async () => new MemoryPresence());
