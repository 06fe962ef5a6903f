/**
 * The PostgreSQL connection pool of one store: bigint columns read as numbers, pool and client
 * errors reported (never thrown at the process), the migrations (postgres-migrate.ts) awaited
 * before any query, and transactions retried on a deadlock or serialization failure.
 */
import pg from 'pg';
import { migrate } from './postgres-migrate.ts';

/** Anything that runs a query: the pool, or a client inside a transaction. */
export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

const INT8 = 20;
/** bigint (times in ms, seqs, counts) as a JavaScript number: every value the store keeps is below 2^53. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 && format !== 'binary'
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** SQLSTATEs after which the transaction was rolled back by the server and may simply run again. */
const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 8;

export const pgCode = (err: unknown): string | undefined =>
  typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : undefined;

/**
 * The server answered ERROR (a SQLSTATE, not FATAL or PANIC): the statement failed, the transaction
 * was rolled back, and the connection is still good. Anything else (a connection lost, a backend
 * terminated) may have happened after COMMIT reached the server: its outcome is unknown.
 */
export const rolledBack = (err: unknown): boolean =>
  pgCode(err) !== undefined && (err as { severity?: unknown }).severity === 'ERROR';

export interface PgOptions {
  readonly connectionString: string;
  /** Pool size (default 10). */
  readonly max?: number;
  /** Connection errors outside a query (an idle client lost): reported here, never thrown. */
  readonly onError?: (err: Error) => void;
}

const report = (err: Error): void => {
  process.stderr.write(`parley: postgres: ${err.message}\n`);
};

export class PgDb implements Queryable {
  readonly pool: pg.Pool;
  readonly #onError: (err: Error) => void;
  /** The migrations: done, running, or undefined after a failure (the next query tries again). */
  #migrated: Promise<void> | undefined;

  constructor(options: PgOptions) {
    this.#onError = options.onError ?? report;
    this.pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.max ?? 10,
      types,
      connectionTimeoutMillis: 10_000,
      keepAlive: true,
      // A node that stops answering mid-transaction (paused, partitioned) frees its room locks.
      idle_in_transaction_session_timeout: 30_000,
    });
    this.pool.on('error', (err) => this.#onError(err));
    void this.ready.catch(() => undefined);
  }

  /**
   * Settles when the migrations ran; every query waits for it. A failed start (the database not
   * up yet) is reported to the callers waiting then, and tried again by the next query.
   */
  get ready(): Promise<void> {
    if (this.#migrated) return this.#migrated;
    const attempt = this.#withClient(async (c) => {
      await migrate(c);
    });
    this.#migrated = attempt;
    attempt.catch((err: unknown) => {
      if (this.#migrated === attempt) this.#migrated = undefined;
      this.#onError(err instanceof Error ? err : new Error(String(err)));
    });
    return attempt;
  }

  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<pg.QueryResult<R>> {
    await this.ready;
    return this.pool.query<R>(text, values);
  }

  /**
   * Runs `fn` in a transaction (READ COMMITTED) on one client. A deadlock or serialization
   * failure runs it again; any other error (a lost connection too, even at COMMIT) is thrown:
   * the caller answers `internal` and never acknowledges what may not be committed.
   */
  async tx<T>(fn: (c: Queryable) => Promise<T>): Promise<T> {
    await this.ready;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#withClient(async (c) => {
          await c.query('BEGIN');
          try {
            const result = await fn(c);
            await c.query('COMMIT');
            return result;
          } catch (err) {
            await c.query('ROLLBACK').catch(() => undefined);
            throw err;
          }
        });
      } catch (err) {
        if (attempt < MAX_ATTEMPTS && RETRYABLE.has(pgCode(err) ?? '')) continue;
        throw err;
      }
    }
  }

  /** A client of the pool for `fn`; a client that failed is destroyed rather than reused. */
  async #withClient<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let failed: Error | undefined;
    // A checked-out client's connection error would otherwise be an unhandled 'error' event.
    const onError = (err: Error): void => {
      failed = err;
      this.#onError(err);
    };
    client.on('error', onError);
    try {
      return await fn(client);
    } catch (err) {
      // A statement's error leaves the connection usable; a lost or terminated one is dropped.
      if (!rolledBack(err)) failed ??= err instanceof Error ? err : new Error(String(err));
      throw err;
    } finally {
      client.off('error', onError);
      client.release(failed ?? false);
    }
  }

  #closed: Promise<void> | undefined;

  /** Ends the pool once (a second call waits for the first). */
  close(): Promise<void> {
    this.#closed ??= (this.#migrated ?? Promise.resolve()).catch(() => undefined).then(() => this.pool.end());
    return this.#closed;
  }
}
