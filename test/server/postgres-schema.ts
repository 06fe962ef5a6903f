/** Fresh PostgreSQL schemas in one test database: each store under test gets an empty one (search_path). */
import pg from 'pg';
import { uniqueSuffix, type TestDatabase } from '../support/services.ts';

/** Runs SQL on the test database as the admin user. */
export async function adminQuery(db: TestDatabase, sql: string): Promise<pg.QueryResult> {
  const admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  try {
    return await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/** A connection string whose sessions use a new, empty schema (pg_trgm stays in public). */
export async function freshSchema(db: TestDatabase): Promise<string> {
  const schema = `s_${uniqueSuffix()}`;
  await adminQuery(db, `CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public; CREATE SCHEMA ${schema}`);
  const url = new URL(db.url);
  url.searchParams.set('options', `-c search_path=${schema},public`);
  return url.toString();
}
