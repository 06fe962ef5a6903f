/**
 * FileStorage in PostgreSQL, so every node of a cluster reaches the same bytes: each stored key
 * points (`file_objects`) at a blob, whose bytes are rows of `file_blobs`, 256 KiB of bytea each.
 *
 * - A put streams its chunks into a new blob inside one transaction and points the key at it
 *   (dropping the blob it held before) at commit: a reader never sees part of a put, and a put
 *   that fails, is aborted, or dies with its node (the connection drops, PostgreSQL rolls back)
 *   leaves nothing, with no sweeper needed. At most one chunk and the part of the next one
 *   already read are in memory; the body is pulled only as fast as the inserts go.
 * - A get reads the key's blob and size, then streams the chunks one query at a time, in order,
 *   a chunk ahead of the reader: a slow download holds no connection and no transaction.
 *   A key replaced or deleted while it is being read makes that stream fail, never mix two puts.
 *
 * Why chunk rows and not large objects: a large object is readable only inside a transaction, so
 * a download to a slow client would hold a connection and a snapshot (holding back vacuum) for
 * as long as it lasts; a large object also lives apart from the rows that name it (an orphan
 * needs `lo_unlink` or vacuumlo). Chunk rows are plain rows: deleted with the key, backed up and
 * replicated with the rest of the database, each read a short query.
 *
 * The tables are created with `CREATE TABLE IF NOT EXISTS` under an advisory lock, so nodes
 * starting together do not race; a later change of layout would add a version row here.
 */
import pg from 'pg';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { STORAGE_KEY, type FileStorage } from './storage.ts';

/** Bytes per chunk row: large enough that a 25 MiB upload is 100 rows, small enough to hold. */
export const CHUNK_BYTES = 256 * 1024;
/** The advisory lock class of this engine (the second key is the schema's or a key's hash). */
const LOCK_CLASS = 0x70617266; // "parf"

const SCHEMA = `
CREATE SEQUENCE IF NOT EXISTS file_blob_ids;
CREATE TABLE IF NOT EXISTS file_objects (
  key       text PRIMARY KEY,
  blob      bigint NOT NULL UNIQUE,
  size      bigint NOT NULL,
  stored_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS file_blobs (
  blob bigint NOT NULL,
  n    integer NOT NULL,
  data bytea NOT NULL,
  PRIMARY KEY (blob, n)
);`;

export interface PostgresFileStorageOptions {
  readonly connectionString: string;
  /** Pool size: each put in progress holds one connection (default 10). */
  readonly max?: number;
}

export class PostgresFileStorage implements FileStorage {
  readonly #pool: pg.Pool;
  #ready: Promise<void> | undefined;

  constructor({ connectionString, max = 10 }: PostgresFileStorageOptions) {
    this.#pool = new pg.Pool({ connectionString, max });
    // An idle connection that breaks (a server restart) is dropped; the next query opens another.
    this.#pool.on('error', () => undefined);
    // Start creating the tables now; a failure (PostgreSQL not up yet) is retried by the next call.
    this.#ensureSchema().catch(() => undefined);
  }

  /** Creates the tables once; a failed attempt is forgotten so the next call tries again. */
  #ensureSchema(): Promise<void> {
    this.#ready ??= (async () => {
      const client = await this.#pool.connect();
      try {
        await client.query('BEGIN');
        await client.query('SELECT pg_advisory_xact_lock($1, 0)', [LOCK_CLASS]);
        await client.query(SCHEMA);
        await client.query('COMMIT');
        client.release();
      } catch (err) {
        client.release(true);
        throw err;
      }
    })().catch((err: unknown) => {
      this.#ready = undefined;
      throw err;
    });
    return this.#ready;
  }

  async put(key: string, data: Readable, signal?: AbortSignal): Promise<number> {
    checkKey(key);
    // The body may fail while a connection is awaited: heard now, reported by the pipeline below.
    data.on('error', () => undefined);
    let client: pg.PoolClient | undefined;
    let size = 0;
    try {
      await this.#ensureSchema();
      client = await this.#pool.connect();
      const db = client;
      await db.query('BEGIN');
      const { rows } = await db.query<{ blob: string }>("SELECT nextval('file_blob_ids')::text AS blob");
      const blob = rows[0]?.blob;
      if (blob === undefined) throw new Error('no blob id');
      let n = 0;
      const insert = (bytes: Buffer): Promise<unknown> =>
        db.query('INSERT INTO file_blobs (blob, n, data) VALUES ($1, $2, $3)', [blob, n++, bytes]);
      const write = async (source: AsyncIterable<Buffer>): Promise<void> => {
        let held: Buffer[] = [];
        let heldBytes = 0;
        for await (const chunk of source) {
          held.push(chunk);
          heldBytes += chunk.length;
          size += chunk.length;
          while (heldBytes >= CHUNK_BYTES) {
            const all = held.length === 1 ? (held[0] as Buffer) : Buffer.concat(held, heldBytes);
            await insert(all.subarray(0, CHUNK_BYTES));
            const rest = all.subarray(CHUNK_BYTES);
            held = rest.length > 0 ? [rest] : [];
            heldBytes = rest.length;
          }
        }
        if (heldBytes > 0) await insert(Buffer.concat(held, heldBytes));
      };
      await (signal ? pipeline(data, write, { signal }) : pipeline(data, write));
      // One put of a key at a time, so the blob a key held before is always the one dropped.
      await db.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_CLASS, key]);
      const old = await db.query<{ blob: string }>('SELECT blob::text FROM file_objects WHERE key = $1', [key]);
      await db.query(
        `INSERT INTO file_objects (key, blob, size) VALUES ($1, $2, $3)
         ON CONFLICT (key) DO UPDATE SET blob = EXCLUDED.blob, size = EXCLUDED.size, stored_at = now()`,
        [key, blob, size],
      );
      const previous = old.rows[0]?.blob;
      if (previous !== undefined) await db.query('DELETE FROM file_blobs WHERE blob = $1', [previous]);
      signal?.throwIfAborted();
      await db.query('COMMIT');
    } catch (err) {
      data.destroy();
      // A connection that cannot roll back is broken: the pool drops it (and PostgreSQL rolls back).
      const rolledBack = await client?.query('ROLLBACK').then(
        () => true,
        () => false,
      );
      client?.release(rolledBack === false);
      throw err;
    }
    client.release();
    // Aborted while committing: the caller has answered and cleaned up already.
    if (signal?.aborted) {
      await this.delete(key);
      throw signal.reason;
    }
    return size;
  }

  async get(key: string): Promise<{ stream: Readable; size: number } | undefined> {
    checkKey(key);
    await this.#ensureSchema();
    const { rows } = await this.#pool.query<{ blob: string; size: string }>(
      'SELECT blob::text, size::text FROM file_objects WHERE key = $1',
      [key],
    );
    const found = rows[0];
    if (!found) return undefined;
    const size = Number(found.size);
    const chunks = Math.ceil(size / CHUNK_BYTES);
    const pool = this.#pool;
    async function* read(): AsyncGenerator<Buffer> {
      for (let n = 0; n < chunks; n++) {
        const chunk = await pool.query<{ data: Buffer }>('SELECT data FROM file_blobs WHERE blob = $1 AND n = $2', [
          found?.blob,
          n,
        ]);
        const data = chunk.rows[0]?.data;
        if (!data) throw new Error(`file ${key} was replaced or deleted while being read`);
        yield data;
      }
    }
    // Byte mode with one chunk of buffer: the next chunk is fetched only as the reader drains.
    return { stream: Readable.from(read(), { objectMode: false, highWaterMark: CHUNK_BYTES }), size };
  }

  async delete(key: string): Promise<void> {
    checkKey(key);
    await this.#ensureSchema();
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_CLASS, key]);
      const { rows } = await client.query<{ blob: string }>(
        'DELETE FROM file_objects WHERE key = $1 RETURNING blob::text',
        [key],
      );
      const blob = rows[0]?.blob;
      if (blob !== undefined) await client.query('DELETE FROM file_blobs WHERE blob = $1', [blob]);
      await client.query('COMMIT');
      client.release();
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release(true);
      throw err;
    }
  }

  /** Chunk rows that belong to no key: only those of puts still in progress (for tests). */
  async orphanChunks(): Promise<number> {
    await this.#ensureSchema();
    const { rows } = await this.#pool.query<{ count: string }>(
      'SELECT count(*)::text AS count FROM file_blobs b WHERE NOT EXISTS (SELECT 1 FROM file_objects o WHERE o.blob = b.blob)',
    );
    return Number(rows[0]?.count ?? 0);
  }

  async close(): Promise<void> {
    await this.#ready?.catch(() => undefined);
    await this.#pool.end();
  }
}

/** Keys are server-made; anything else is a bug upstream. */
function checkKey(key: string): void {
  if (!STORAGE_KEY.test(key)) throw new TypeError(`bad storage key ${JSON.stringify(key)}`);
}
