/** SQLite-only parts of search: migration 007 indexes an existing log, and scans are bounded per page. */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteSearch } from '../../src/server/store/sqlite-search.ts';
import { openSqlite, SqliteStore, toEvent } from '../../src/server/store/sqlite-store.ts';

const MIGRATIONS = new URL('../../src/server/store/migrations/sqlite/', import.meta.url);
const alice = { id: 'u-alice', nick: 'alice' };

const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const x of open.splice(0)) await x.close();
});

describe('SQLite search', () => {
  it('migration 007 indexes the messages already in the log, as edited, without deleted ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-search-'));
    // A database as it was before search: migrations 001–006 only.
    const db = new Database(join(dir, 'parley.db'));
    const before = readdirSync(MIGRATIONS)
      .filter((f) => /^\d+_.*\.sql$/.test(f) && Number.parseInt(f, 10) < 7)
      .sort();
    for (const f of before) db.exec(readFileSync(new URL(f, MIGRATIONS), 'utf8'));
    db.pragma('user_version = 6');
    db.prepare("INSERT INTO rooms (name, title, epoch, head, created_at) VALUES ('r', 'r', 'e', 8, 0)").run();
    db.prepare("INSERT INTO members (room, user_id, joined_at) VALUES ('r', ?, 0)").run(alice.id);
    const insert = db.prepare(
      "INSERT INTO events (room, seq, id, sender_id, sender_nick, kind, body, ref, ts) VALUES ('r', ?, ?, 'u-alice', 'alice', ?, ?, ?, ?)",
    );
    insert.run(1, 'e1', 'text', 'alpha 第一条', null, 1000);
    insert.run(2, 'e2', 'text', 'beta 第二条', null, 2000);
    insert.run(3, 'e3', 'edit', 'alpha 改过了', 1, 3000);
    insert.run(4, 'e4', 'delete', '', 2, 4000);
    insert.run(5, 'e5', 'image', 'gamma caption', null, 5000);
    insert.run(6, 'e6', 'react', 'alpha', 1, 6000);
    insert.run(7, 'e7', 'edit', 'alpha 最后一版', 1, 7000);
    insert.run(8, 'e8', 'edit', 'beta after its delete', 2, 8000);
    db.close();

    const store = new SqliteStore(dir);
    open.push(store);
    const search = async (terms: string[]) =>
      (await store.search({ userId: alice.id, terms, limit: 10 })).hits.map((h) => [h.event.seq, h.event.body]);
    // The latest of two edits; an edit that raced past a delete brings nothing back.
    expect(await search(['alpha'])).toEqual([[1, 'alpha 最后一版']]);
    expect(await search(['改过'])).toEqual([]);
    expect(await search(['after'])).toEqual([]);
    expect(await search(['第一条'])).toEqual([]);
    expect(await search(['beta'])).toEqual([]);
    expect(await search(['条'])).toEqual([]);
    expect(await search(['a'])).toEqual([
      [5, 'gamma caption'],
      [1, 'alpha 最后一版'],
    ]);
    // And it keeps following the log after the migration.
    await store.append({ room: 'r', sender: alice, kind: 'edit', body: 'gamma new', ref: 5 });
    expect(await search(['caption'])).toEqual([]);
    expect(await search(['gamma'])).toEqual([[5, 'gamma new']]);
  });

  it('pages a query of short terms through bounded windows and still finds every match', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-search-'));
    const store = new SqliteStore(dir);
    open.push(store);
    await store.createRoom('a', 'a');
    await store.createRoom('other', 'other');
    await store.append({ room: 'a', sender: alice, kind: 'join', body: '' });
    const want: number[] = [];
    for (let i = 0; i < 40; i++) {
      // Matches are sparse and mixed with messages of a room alice is not in.
      const room = i % 3 === 0 ? 'other' : 'a';
      const body = i % 4 === 0 ? `开会 ${i}` : `闲聊 ${i}`;
      const r = await store.append({ room, sender: alice, kind: 'text', body });
      if (r.status === 'appended' && room === 'a' && i % 4 === 0) want.push(r.event.seq);
    }
    const db = openSqlite(join(dir, 'parley.db'));
    open.push(db);
    const search = new SqliteSearch(db, toEvent, 7);
    for (const room of [undefined, 'a']) {
      const got: number[] = [];
      let before: number | undefined;
      let pages = 0;
      for (; pages < 50; pages++) {
        const page = search.search({
          userId: alice.id,
          terms: ['开会'],
          limit: 3,
          ...(room ? { room } : {}),
          ...(before ? { before } : {}),
        });
        expect(page.hits.length).toBeLessThanOrEqual(3);
        got.push(...page.hits.map((h) => h.event.seq));
        if (page.next === undefined) break;
        before = page.next;
      }
      expect(got).toEqual([...want].reverse());
      // 40 messages in windows of 7 (26 when only room a is scanned): several pages, some short.
      expect(pages).toBeGreaterThanOrEqual(room ? 3 : 5);
    }
  });
});
