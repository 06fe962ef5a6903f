/**
 * Group commit (src/server/store/sqlite/group-commit.ts): a write that throws is rolled back and
 * rejected alone, in a batch of many (its savepoint) and in a batch of one (no savepoint: the
 * transaction rolls back). A write's partial changes never land.
 */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { GroupCommit } from '../../src/server/store/sqlite/group-commit.ts';

const dbs: Database.Database[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
});

function setup() {
  const db = new Database(':memory:');
  dbs.push(db);
  db.exec('CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL) STRICT');
  let commits = 0;
  const commit = new GroupCommit(db, () => commits++);
  const insert = db.prepare('INSERT INTO t (k, v) VALUES (?, ?)');
  /** Writes two rows; the second one's key may be taken, after the first landed in the transaction. */
  const write = (a: string, b: string) => () => {
    insert.run(a, 1);
    insert.run(b, 2);
    return a;
  };
  const keys = () => (db.prepare('SELECT k FROM t ORDER BY k').all() as { k: string }[]).map((r) => r.k);
  return { db, commit, write, keys, commits: () => commits };
}

describe('GroupCommit', () => {
  it('rolls back and rejects a failing write alone in a batch of many', async () => {
    const { commit, write, keys, commits } = setup();
    const results = await Promise.allSettled([
      commit.run(write('a', 'x')),
      commit.run(write('b', 'x')),
      commit.run(write('c', 'd')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(keys()).toEqual(['a', 'c', 'd', 'x']);
    expect(commits()).toBe(1);
  });

  it('rolls back and rejects a failing write alone in a batch of one, and commits the next', async () => {
    const { db, commit, write, keys, commits } = setup();
    await expect(commit.run(write('a', 'x'))).resolves.toBe('a');
    await expect(commit.run(write('b', 'x'))).rejects.toThrow(/UNIQUE/);
    expect(db.inTransaction).toBe(false);
    expect(keys()).toEqual(['a', 'x']);
    await expect(commit.run(write('c', 'd'))).resolves.toBe('c');
    expect(keys()).toEqual(['a', 'c', 'd', 'x']);
    expect(commits()).toBe(3);
  });
});
