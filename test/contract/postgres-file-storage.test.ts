/** PostgresFileStorage runs the FileStorage contract (skipped, with a printed reason, without PostgreSQL). */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { CHUNK_BYTES, PostgresFileStorage } from '../../src/server/files/postgres-storage.ts';
import { createTestDatabase, hasPostgres, type TestDatabase } from '../support/services.ts';
import { fileStorageContract } from './file-storage.contract.ts';

const available = await hasPostgres('postgres file storage');

let database: Promise<TestDatabase> | undefined;
const opened: PostgresFileStorage[] = [];

/** A new storage on this file's database (made on first use). */
async function open(): Promise<PostgresFileStorage> {
  database ??= createTestDatabase('parley_files');
  const storage = new PostgresFileStorage({ connectionString: (await database).url, max: 4 });
  opened.push(storage);
  return storage;
}

afterAll(async () => {
  for (const storage of opened) await storage.close();
  if (database) await (await database).drop();
});

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe.skipIf(!available)('PostgresFileStorage', () => {
  fileStorageContract('postgres', async () => {
    const storage = await open();
    return { storage, parts: () => storage.orphanChunks() };
  });

  it('stores a file of many chunks and streams it back chunk by chunk', async () => {
    const storage = await open();
    const data = randomBytes(CHUNK_BYTES * 4 + 123);
    // Pieces of odd sizes, so chunk boundaries fall inside them.
    const pieces = Array.from({ length: Math.ceil(data.length / 70_001) }, (_, i) =>
      data.subarray(i * 70_001, (i + 1) * 70_001),
    );
    expect(await storage.put('many', Readable.from(pieces))).toBe(data.length);
    const got = await storage.get('many');
    expect(got?.size).toBe(data.length);
    const seen: number[] = [];
    const parts: Buffer[] = [];
    for await (const part of got?.stream ?? []) {
      seen.push((part as Buffer).length);
      parts.push(part as Buffer);
    }
    expect(Buffer.concat(parts).equals(data)).toBe(true);
    expect(Math.max(...seen)).toBeLessThanOrEqual(CHUNK_BYTES);
  });

  it('a second node sees what the first stored, and nodes starting together create the tables once', async () => {
    const [a, b] = await Promise.all([open(), open()]);
    await a.put('shared', Readable.from([Buffer.from('from node a')]));
    const got = await b.get('shared');
    expect(got && (await bytesOf(got.stream)).toString()).toBe('from node a');
    await b.delete('shared');
    expect(await a.get('shared')).toBeUndefined();
  });

  it('a key replaced while being read fails that read instead of mixing two files', async () => {
    const storage = await open();
    await storage.put('moving', Readable.from([randomBytes(CHUNK_BYTES * 3)]));
    const got = await storage.get('moving');
    const reader = got?.stream[Symbol.asyncIterator]();
    await reader?.next();
    await storage.put('moving', Readable.from([randomBytes(CHUNK_BYTES * 3)]));
    const rest = (async () => {
      for (;;) if ((await reader?.next())?.done !== false) return;
    })();
    await expect(rest).rejects.toThrow(/replaced or deleted/);
  });
});
