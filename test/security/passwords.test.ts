/** Password storage: scrypt with its cost in the hash, a salt per user, no plaintext anywhere. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword, passwordProblem, verifyPassword } from '../../src/server/auth/passwords.ts';
import { startServer, type TestServer } from '../support/server.ts';

const HASH = /^scrypt\$32768\$8\$1\$([\w-]{22})\$([\w-]{43})$/;

describe('hashPassword / verifyPassword', () => {
  it('stores scheme, cost (N 2^15, r 8, p 1), a 16-byte salt and a 32-byte key', async () => {
    const hash = await hashPassword('correct horse battery');
    const [, salt = '', key = ''] = HASH.exec(hash) ?? [];
    expect(Buffer.from(salt, 'base64url')).toHaveLength(16);
    expect(Buffer.from(key, 'base64url')).toHaveLength(32);
  });

  it('salts every hash: the same password never hashes the same way twice', async () => {
    const [a, b] = await Promise.all([hashPassword('same password!'), hashPassword('same password!')]);
    expect(a).not.toBe(b);
    expect(HASH.exec(a)?.[1]).not.toBe(HASH.exec(b)?.[1]);
  });

  it('verifies the right password (NFC-equivalent spellings alike) and nothing else', async () => {
    const hash = await hashPassword('caf\u00e9 au lait 42');
    expect(await verifyPassword('caf\u00e9 au lait 42', hash)).toBe(true);
    expect(await verifyPassword('cafe\u0301 au lait 42', hash)).toBe(true);
    expect(await verifyPassword('cafe au lait 42', hash)).toBe(false);
    expect(await verifyPassword('caf\u00e9 au lait 4', hash)).toBe(false);
  });

  it('refuses malformed or tampered hashes instead of throwing', async () => {
    const hash = await hashPassword('correct horse battery');
    const parts = hash.split('$');
    const withKey = (key: string): string => [...parts.slice(0, 5), key].join('$');
    for (const bad of [
      '',
      'plain',
      hash.replace('scrypt', 'md5'),
      hash.replace('$32768$', '$-1$'),
      hash.replace('$32768$', '$abc$'),
      withKey(''),
      withKey('AAAA'),
    ]) {
      expect(await verifyPassword('correct horse battery', bad), bad).toBe(false);
    }
  });

  it('has a policy: 10 to 128 characters (code points), not the username', () => {
    expect(passwordProblem('123456789', 'ada')).toMatch(/at least 10/);
    expect(passwordProblem('\u{1f600}'.repeat(10), 'ada')).toBeUndefined();
    expect(passwordProblem('x'.repeat(129), 'ada')).toMatch(/at most 128/);
    expect(passwordProblem(' Ada.Lovelace ', 'ada.lovelace')).toMatch(/username/);
    expect(passwordProblem('a long enough one', 'ada')).toBeUndefined();
  });
});

describe('what the server keeps', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.dispose());

  it('keeps only salted scrypt hashes in the database; the password appears in no file', async () => {
    const password = 'Plaintext-Canary-7319';
    for (const username of ['pwuser1', 'pwuser2']) {
      const res = await fetch(`${server.url}/api/auth/register`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username, password }),
      });
      expect(res.status).toBe(200);
    }
    const db = new Database(join(server.dataDir, 'parley.db'), { readonly: true, fileMustExist: true });
    try {
      const rows = db.prepare('SELECT password_hash AS hash FROM accounts ORDER BY username').all() as {
        hash: string;
      }[];
      expect(rows).toHaveLength(2);
      for (const { hash } of rows) expect(hash).toMatch(HASH);
      expect(HASH.exec(rows[0]?.hash ?? '')?.[1]).not.toBe(HASH.exec(rows[1]?.hash ?? '')?.[1]);
    } finally {
      db.close();
    }
    // Not in the database, its WAL, the log, or anything else under the data directory.
    for (const name of readdirSync(server.dataDir, { recursive: true, encoding: 'utf8' })) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(join(server.dataDir, name));
      } catch {
        continue; // a directory
      }
      expect(bytes.includes(password), name).toBe(false);
    }
    expect(server.output()).not.toContain(password);
  });
});
