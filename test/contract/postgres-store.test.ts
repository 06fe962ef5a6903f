/**
 * The Store contract suites against PostgreSQL (skipped, with the reason printed, when it does not
 * answer). One database for this file; each open() gets a fresh schema of its own (search_path).
 */
import { afterAll, describe } from 'vitest';
import { PostgresStore } from '../../src/server/store/postgres/postgres-store.ts';
import type { Store } from '../../src/server/store/store.ts';
import { freshSchema } from '../server/postgres-schema.ts';
import { createTestDatabase, hasPostgres, type TestDatabase } from '../support/services.ts';
import { lastSeenContract } from './last-seen.contract.ts';
import { storeContract, type StoreFactory } from './store.contract.ts';
import { userLogContract } from './user-log.contract.ts';

const enabled = await hasPostgres('PostgreSQL store contract');
const database: TestDatabase | undefined = enabled ? await createTestDatabase('parley_store') : undefined;

const urls = new Map<Store, string>();

const postgres: StoreFactory = {
  async open() {
    const url = await freshSchema(database!);
    const store = new PostgresStore({ connectionString: url, max: 4 });
    urls.set(store, url);
    return store;
  },
  async reopen(previous) {
    const url = urls.get(previous)!;
    await previous.close();
    const store = new PostgresStore({ connectionString: url, max: 4 });
    urls.set(store, url);
    return store;
  },
};

afterAll(async () => {
  await database?.drop();
});

describe.skipIf(!enabled)('PostgreSQL store', () => {
  storeContract('PostgreSQL', postgres);
  userLogContract('PostgreSQL', postgres);
  lastSeenContract('PostgreSQL', postgres);
});
