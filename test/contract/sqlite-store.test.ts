import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/server/store/sqlite/sqlite-store.ts';
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
