/** The PostgreSQL migrator: in order, each once, each in its own transaction; a failed one leaves nothing and is tried again. */
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate, migrations } from '../../src/server/store/postgres/postgres-migrate.ts';
import { createTestDatabase, hasPostgres, type TestDatabase } from '../support/services.ts';
import { freshSchema } from './postgres-schema.ts';

const enabled = await hasPostgres('PostgreSQL migrator');
const database: TestDatabase | undefined = enabled ? await createTestDatabase('parley_migrate') : undefined;

afterAll(async () => {
  await database?.drop();
});

describe.skipIf(!enabled)('PostgreSQL migrator', () => {
  it('ships numbered migrations in order', () => {
    const all = migrations();
    expect(all.length).toBeGreaterThanOrEqual(2);
    expect(all.map((m) => m.version)).toEqual([...all.map((m) => m.version)].sort((a, b) => a - b));
    expect(new Set(all.map((m) => m.version)).size).toBe(all.length);
  });

  it('applies each migration once, rolls a failed one back whole, and applies it when fixed', async () => {
    const client = new pg.Client({ connectionString: await freshSchema(database!) });
    await client.connect();
    try {
      const one = { version: 1, name: '001_a.sql', sql: 'CREATE TABLE a (x int)' };
      const bad = { version: 2, name: '002_b.sql', sql: 'CREATE TABLE b (x int); SELECT no_such_function()' };
      await expect(migrate(client, [one, bad])).rejects.toThrow(/002_b\.sql/);
      const tables = async () =>
        (
          await client.query<{ t: string }>(
            'SELECT table_name AS t FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1',
          )
        ).rows.map((r) => r.t);
      // The first one stays applied; nothing of the failed one is left.
      expect(await tables()).toEqual(['a', 'schema_migrations']);
      const fixed = { ...bad, sql: 'CREATE TABLE b (x int)' };
      expect(await migrate(client, [one, fixed])).toEqual([2]);
      expect(await migrate(client, [one, fixed])).toEqual([]);
      expect(await tables()).toEqual(['a', 'b', 'schema_migrations']);
      const applied = await client.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY 1');
      expect(applied.rows.map((r) => r.version)).toEqual([1, 2]);
    } finally {
      await client.end();
    }
  });
});
