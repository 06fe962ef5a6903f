import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/server/store/sqlite/sqlite-store.ts';
import { SqliteWorkerStore } from '../../src/server/store/sqlite/worker-store.ts';
import type { Store } from '../../src/server/store/store.ts';
import { storeContract, type StoreFactory } from './store.contract.ts';
import { userLogContract } from './user-log.contract.ts';
import { lastSeenContract } from './last-seen.contract.ts';

const dirs = new Map<Store, string>();

const sqlite: StoreFactory = {
  async open() {
    const dir = mkdtempSync(join(tmpdir(), 'parley-store-'));
    const store = new SqliteStore(dir);
    dirs.set(store, dir);
    return store;
  },
  async reopen(previous) {
    const dir = dirs.get(previous) as string;
    await previous.close();
    const store = new SqliteStore(dir);
    dirs.set(store, dir);
    return store;
  },
};

storeContract('SQLite', sqlite);
userLogContract('SQLite', sqlite);
lastSeenContract('SQLite', sqlite);

/** The server's default: writes in a worker thread (worker-store.ts), reads on this thread. */
const worker: StoreFactory = {
  async open() {
    const dir = mkdtempSync(join(tmpdir(), 'parley-wstore-'));
    const store = new SqliteWorkerStore(dir);
    dirs.set(store, dir);
    return store;
  },
  async reopen(previous) {
    const dir = dirs.get(previous) as string;
    await previous.close();
    const store = new SqliteWorkerStore(dir);
    dirs.set(store, dir);
    return store;
  },
};

storeContract('SQLite in a worker', worker);
lastSeenContract('SQLite in a worker', worker);
userLogContract('SQLite in a worker', worker);
lastSeenContract('SQLite in a worker', worker);
