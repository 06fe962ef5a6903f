import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DiskStorage } from '../../src/server/files/disk-storage.ts';
import { fileStorageContract } from './file-storage.contract.ts';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

const fresh = (): string => {
  const root = mkdtempSync(join(tmpdir(), 'parley-storage-'));
  roots.push(root);
  return root;
};

fileStorageContract('disk', async () => {
  const root = fresh();
  return { storage: new DiskStorage(root), parts: async () => readdirSync(join(root, 'tmp')).length };
});

describe('DiskStorage', () => {
  it('sweeps part files left by a crash when it opens', () => {
    const root = fresh();
    new DiskStorage(root);
    writeFileSync(join(root, 'tmp', 'x.abc.part'), 'half');
    new DiskStorage(root);
    expect(readdirSync(join(root, 'tmp'))).toEqual([]);
  });

  it('refuses a key that is not server-made, so no path leaves the root', async () => {
    const storage = new DiskStorage(fresh());
    await expect(storage.get('../etc/passwd')).rejects.toThrow(TypeError);
    await expect(storage.delete('a/b')).rejects.toThrow(TypeError);
  });
});
