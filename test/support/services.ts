/**
 * PostgreSQL and Redis for the tests that need them. Each test file gets its own database (made
 * from scratch, dropped after) and its own Redis key prefix, so files never see each other's data.
 * When a service does not answer the tests skip with a printed reason, or fail when
 * PARLEY_REQUIRE_SERVICES=1 (CI) says every service must be there.
 *
 * Addresses: PARLEY_TEST_POSTGRES (default postgres://postgres@127.0.0.1:5432/postgres, the admin
 * connection used to create databases) and PARLEY_TEST_REDIS (default redis://127.0.0.1:6379).
 */
import { randomBytes } from 'node:crypto';
import { Socket } from 'node:net';
import { Redis } from 'ioredis';
import pg from 'pg';

export const POSTGRES_ADMIN_URL = process.env['PARLEY_TEST_POSTGRES'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env['PARLEY_TEST_REDIS'] ?? 'redis://127.0.0.1:6379';
export const requireServices = process.env['PARLEY_REQUIRE_SERVICES'] === '1';

/** Whether something accepts TCP connections at the URL's host and port (1 s at most). */
function answers(url: string, defaultPort: number): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(Number(port || defaultPort), hostname, () => done(true));
  });
}

async function available(name: string, url: string, defaultPort: number, suite: string): Promise<boolean> {
  if (await answers(url, defaultPort)) return true;
  if (requireServices) {
    throw new Error(`${name} is required (PARLEY_REQUIRE_SERVICES=1) but nothing answers at ${url}`);
  }
  console.warn(
    `[${suite}] skipped: ${name} does not answer at ${url} (start it, or point ` +
      `${name === 'PostgreSQL' ? 'PARLEY_TEST_POSTGRES' : 'PARLEY_TEST_REDIS'} at one; ` +
      'set PARLEY_REQUIRE_SERVICES=1 to make this a failure).',
  );
  return false;
}

/** True when PostgreSQL answers; else prints why the suite is skipped (or throws in CI). */
export const hasPostgres = (suite: string): Promise<boolean> =>
  available('PostgreSQL', POSTGRES_ADMIN_URL, 5432, suite);
/** True when Redis answers; else prints why the suite is skipped (or throws in CI). */
export const hasRedis = (suite: string): Promise<boolean> => available('Redis', REDIS_URL, 6379, suite);

/** A short random suffix for database names and key prefixes. */
export const uniqueSuffix = (): string => randomBytes(5).toString('hex');

export interface TestDatabase {
  /** Connection string of the new, empty database. */
  readonly url: string;
  readonly name: string;
  /** Drops the database (ending any connection still open to it). */
  drop(): Promise<void>;
}

/** Creates an empty database of its own for one test file (or one test). */
export async function createTestDatabase(prefix = 'parley_test'): Promise<TestDatabase> {
  const name = `${prefix}_${uniqueSuffix()}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** A Redis key prefix no other test file uses, e.g. `parley-test-3f9a…:`. */
export const redisTestPrefix = (): string => `parley-test-${uniqueSuffix()}:`;

/** Deletes this test file's Redis keys: SCAN with its prefix, never a DB-wide command. */
export async function dropRedisPrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 200 })) {
      if ((keys as string[]).length > 0) await redis.del(...(keys as string[]));
    }
  } finally {
    redis.disconnect();
  }
}
