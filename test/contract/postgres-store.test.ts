/**
 * The Store contract suites against PostgreSQL (skipped, with the reason printed, when it does not
 * answer). One database for this file; each open() gets a fresh schema of its own (search_path).
 */
import pg from 'pg';
import { afterAll, describe } from 'vitest';
import { PostgresStore } from '../../src/server/store/postgres/postgres-store.ts';
import type { Store } from '../../src/server/store/store.ts';
import { createTestDatabase, hasPostgres, uniqueSuffix, type TestDatabase } from '../support/services.ts';
import { lastSeenContract } from './last-seen.contract.ts';
import { storeContract, type StoreFactory } from './store.contract.ts';
import { userLogContract } from './user-log.contract.ts';

const enabled = await hasPostgres('PostgreSQL store contract');
const database: TestDatabase | undefined = enabled ? await createTestDatabase('parley_store') : undefined;

/** A connection string whose sessions use a new, empty schema (pg_trgm stays in public). */
export async function freshSchema(db: TestDatabase): Promise<string> {
  const schema = `s_${uniqueSuffix()}`;
  const admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  try {
    await admin.query('CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public');
    await admin.query(`CREATE SCHEMA ${schema}`);
  } finally {
    await admin.end();
  }
  const url = new URL(db.url);
  url.searchParams.set('options', `-c search_path=${schema},public`);
  return url.toString();
}

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
