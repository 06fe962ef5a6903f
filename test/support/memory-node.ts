/** A node context over a given store, with in-memory broker, presence and limits: handlers tested without a socket. */
import { join } from 'node:path';
import { MemoryBus } from '../../src/server/broker/memory-broker.ts';
import { createNodeContext, type NodeContext } from '../../src/server/core/node-context.ts';
import { DiskStorage } from '../../src/server/files/disk-storage.ts';
import { MemoryLimiters } from '../../src/server/limits/memory-limiter.ts';
import { createLogger } from '../../src/server/log.ts';
import { resolveOptions } from '../../src/server/options.ts';
import { MemoryPresence } from '../../src/server/presence/memory-presence.ts';
import type { Store } from '../../src/server/store/store.ts';
import type { TestPort } from './test-port.ts';

/** Started; files under `dataDir`/files. Stop it with `node.stop()`. */
export async function memoryNode(
  store: Store,
  dataDir: string,
  logLevel: 'silent' | 'warn' = 'silent',
): Promise<NodeContext> {
  const options = resolveOptions([], {}, { dataDir, webDir: null, logLevel });
  const engines = {
    store,
    broker: new MemoryBus().broker(),
    presence: new MemoryPresence(),
    limits: new MemoryLimiters(),
    files: new DiskStorage(join(dataDir, 'files')),
  };
  const node = createNodeContext(options, createLogger(logLevel), engines, new Set<TestPort>());
  await node.start();
  return node;
}
