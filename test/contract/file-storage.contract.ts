/** The contract every FileStorage engine meets (disk now, object storage later). */
import { randomBytes } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { thumbKey, type FileStorage } from '../../src/server/files/storage.ts';

export interface StorageHarness {
  readonly storage: FileStorage;
  /** Partial uploads the engine still holds (part files, unfinished multipart uploads). */
  parts(): Promise<number>;
}

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The bytes in chunks of at most 16 KiB, as a socket delivers them. */
const streamOf = (data: Buffer): Readable =>
  Readable.from(
    Array.from({ length: Math.ceil(data.length / 16_384) }, (_, i) => data.subarray(i * 16_384, (i + 1) * 16_384)),
  );

async function read(storage: FileStorage, key: string): Promise<{ size: number; data: Buffer } | undefined> {
  const got = await storage.get(key);
  return got && { size: got.size, data: await bytesOf(got.stream) };
}

export function fileStorageContract(name: string, open: () => Promise<StorageHarness>): void {
  describe(`FileStorage contract: ${name}`, () => {
    it('stores and returns the bytes with their size, for 0 bytes, a few and more than 64 KiB', async () => {
      const { storage } = await open();
      for (const [key, size] of [
        ['empty', 0],
        ['small', 5],
        ['chunk', 65_536],
        ['big', 200_000 + 17],
      ] as const) {
        const data = randomBytes(size);
        expect(await storage.put(key, streamOf(data))).toBe(size);
        const got = await read(storage, key);
        expect(got?.size).toBe(size);
        expect(got?.data.equals(data)).toBe(true);
      }
    });

    it('answers undefined for a key with nothing stored', async () => {
      const { storage } = await open();
      expect(await storage.get('missing')).toBeUndefined();
      expect(await storage.get(thumbKey('missing'))).toBeUndefined();
    });

    it('keeps a thumbnail apart from its upload, and deletes each on its own, idempotently', async () => {
      const { storage } = await open();
      await storage.put('file1', streamOf(Buffer.from('original')));
      await storage.put(thumbKey('file1'), streamOf(Buffer.from('thumb')));
      expect((await read(storage, thumbKey('file1')))?.data.toString()).toBe('thumb');
      await storage.delete('file1');
      expect(await storage.get('file1')).toBeUndefined();
      expect((await read(storage, thumbKey('file1')))?.data.toString()).toBe('thumb');
      await storage.delete('file1');
      await storage.delete('never-stored');
      await storage.delete(thumbKey('file1'));
      expect(await storage.get(thumbKey('file1'))).toBeUndefined();
    });

    it('replaces what a key held with a later put', async () => {
      const { storage } = await open();
      await storage.put('again', streamOf(Buffer.from('first version')));
      await storage.put('again', streamOf(Buffer.from('second')));
      expect(await read(storage, 'again')).toEqual({ size: 6, data: Buffer.from('second') });
    });

    it('leaves nothing when the put is aborted midway', async () => {
      const { storage, parts } = await open();
      const data = new PassThrough();
      const abort = new AbortController();
      const put = storage.put('aborted', data, abort.signal);
      data.write(randomBytes(70_000));
      // Part of the body is in; then the deadline passes.
      await new Promise((resolve) => setImmediate(resolve));
      abort.abort(new Error('deadline'));
      await expect(put).rejects.toThrow();
      expect(await storage.get('aborted')).toBeUndefined();
      expect(await parts()).toBe(0);
    });

    it('leaves nothing when the data fails midway', async () => {
      const { storage, parts } = await open();
      const data = new PassThrough();
      const put = storage.put('failed', data);
      data.write(randomBytes(70_000));
      await new Promise((resolve) => setImmediate(resolve));
      data.destroy(new Error('too large'));
      await expect(put).rejects.toThrow('too large');
      expect(await storage.get('failed')).toBeUndefined();
      expect(await parts()).toBe(0);
    });

    it('keeps concurrent puts apart, and a key put twice at once holds one of them whole', async () => {
      const { storage, parts } = await open();
      const blobs = Array.from({ length: 12 }, (_, i) => randomBytes(1_000 + i * 9_000));
      const sizes = await Promise.all(blobs.map((b, i) => storage.put(`con-${i}`, streamOf(b))));
      expect(sizes).toEqual(blobs.map((b) => b.length));
      for (const [i, b] of blobs.entries()) expect((await read(storage, `con-${i}`))?.data.equals(b)).toBe(true);
      const [a, b] = [randomBytes(90_000), randomBytes(80_000)];
      await Promise.all([storage.put('same', streamOf(a)), storage.put('same', streamOf(b))]);
      const got = await read(storage, 'same');
      expect(got && (got.data.equals(a) || got.data.equals(b))).toBe(true);
      expect(got?.size).toBe(got?.data.length);
      expect(await parts()).toBe(0);
    });
  });
}
