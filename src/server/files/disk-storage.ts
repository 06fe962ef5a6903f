/**
 * FileStorage on the local disk: `<root>/<first two characters of the key>/<key>`. A put writes
 * to `<root>/tmp/` first, flushes, and renames into place, so a reader never sees half a file
 * and a failed, aborted or timed-out upload leaves nothing behind; parts left by a crash are
 * swept at start-up.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { STORAGE_KEY, type FileStorage } from './storage.ts';

export class DiskStorage implements FileStorage {
  readonly #root: string;
  readonly #tmp: string;

  constructor(root: string) {
    this.#root = root;
    this.#tmp = join(root, 'tmp');
    // Parts left by a crash mid-upload belong to no file.
    rmSync(this.#tmp, { recursive: true, force: true });
    mkdirSync(this.#tmp, { recursive: true, mode: 0o700 });
  }

  #path(key: string): string {
    // Keys are server-made; refusing anything else also rules out path traversal.
    if (!STORAGE_KEY.test(key)) throw new TypeError(`bad storage key ${JSON.stringify(key)}`);
    return join(this.#root, key.slice(0, 2), key);
  }

  async put(key: string, data: Readable, signal?: AbortSignal): Promise<number> {
    const final = this.#path(key);
    const part = join(this.#tmp, `${key}.${randomBytes(6).toString('hex')}.part`);
    const out = createWriteStream(part, { flags: 'wx', mode: 0o600, flush: true });
    try {
      await (signal ? pipeline(data, out, { signal }) : pipeline(data, out));
      await mkdir(dirname(final), { recursive: true, mode: 0o700 });
      signal?.throwIfAborted();
      await rename(part, final);
    } catch (err) {
      data.destroy();
      out.destroy();
      await rm(part, { force: true });
      throw err;
    }
    // Aborted while renaming: the caller has answered and cleaned up already.
    if (signal?.aborted) {
      await rm(final, { force: true });
      throw signal.reason;
    }
    return out.bytesWritten;
  }

  async get(key: string): Promise<{ stream: Readable; size: number } | undefined> {
    try {
      const handle = await open(this.#path(key), 'r');
      const { size } = await handle.stat();
      return { stream: handle.createReadStream(), size };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.#path(key), { force: true });
  }
}
