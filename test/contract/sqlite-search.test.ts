/** SQLite-only parts of search: migrations 007 and 012 keep an existing log's index, and every page's work is bounded. */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { pickTrigrams, SEARCH_BUDGET } from '../../src/server/search/budget.ts';
import { SqliteSearch } from '../../src/server/store/sqlite/sqlite-search.ts';
import { openSqlite, SqliteStore } from '../../src/server/store/sqlite/sqlite-store.ts';

const MIGRATIONS = new URL('../../src/server/store/sqlite/migrations/', import.meta.url);
const alice = { id: 'u-alice', nick: 'alice' };
const bob = { id: 'u-bob', nick: 'bob' };

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

  it('migration 012 keeps the index the triggers built, and the store keeps it in step from then on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-search-'));
    // A database as it was before migration 012: its index kept by triggers on events.
    const db = new Database(join(dir, 'parley.db'));
    const before = readdirSync(MIGRATIONS)
      .filter((f) => /^\d+_.*\.sql$/.test(f) && Number.parseInt(f, 10) < 12)
      .sort();
    for (const f of before) db.exec(readFileSync(new URL(f, MIGRATIONS), 'utf8'));
    db.pragma('user_version = 11');
    db.prepare("INSERT INTO rooms (name, title, epoch, head, created_at) VALUES ('r', 'r', 'e', 4, 0)").run();
    db.prepare("INSERT INTO members (room, user_id, joined_at) VALUES ('r', ?, 0)").run(alice.id);
    const insert = db.prepare(
      "INSERT INTO events (room, seq, id, sender_id, sender_nick, kind, body, ref, ts) VALUES ('r', ?, ?, 'u-alice', 'alice', ?, ?, ?, ?)",
    );
    insert.run(1, 'e1', 'text', 'alpha one', null, 1000);
    insert.run(2, 'e2', 'text', 'beta two', null, 2000);
    insert.run(3, 'e3', 'edit', 'alpha edited', 1, 3000);
    insert.run(4, 'e4', 'text', 'gamma three', null, 4000);
    db.close();

    const store = new SqliteStore(dir);
    open.push(store);
    const search = async (terms: string[]) =>
      (await store.search({ userId: alice.id, terms, limit: 10 })).hits.map((h) => [h.event.seq, h.event.body]);
    expect(await search(['alpha'])).toEqual([[1, 'alpha edited']]);
    expect(await search(['two'])).toEqual([[2, 'beta two']]);
    // The store's appends follow the log: a new message, an edit, a delete.
    await store.append({ room: 'r', sender: alice, kind: 'text', body: 'delta four' });
    await store.append({ room: 'r', sender: alice, kind: 'edit', body: 'beta changed', ref: 2 });
    await store.append({ room: 'r', sender: alice, kind: 'delete', body: '', ref: 4 });
    expect(await search(['delta'])).toEqual([[5, 'delta four']]);
    expect(await search(['beta'])).toEqual([[2, 'beta changed']]);
    expect(await search(['gamma'])).toEqual([]);
    // No trigger on events is left: what is indexed is decided by the core alone.
    const raw = openSqlite(join(dir, 'parley.db'));
    open.push(raw);
    const triggers = raw.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'events'").all();
    expect(triggers).toEqual([]);
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
    const search = new SqliteSearch(db, { rows: 7 });
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

  /** A store with a room of long one-letter messages (the finding 4 repro), and a search over it with `budget`. */
  async function flooded(budget: ConstructorParameters<typeof SqliteSearch>[1]) {
    const dir = mkdtempSync(join(tmpdir(), 'parley-search-'));
    const store = new SqliteStore(dir);
    open.push(store);
    await store.createRoom('flood', 'flood');
    await store.createRoom('quiet', 'quiet');
    await store.append({ room: 'flood', sender: bob, kind: 'join', body: '' });
    await store.append({ room: 'quiet', sender: alice, kind: 'join', body: '' });
    const seqs: number[] = [];
    for (let i = 0; i < 120; i++) {
      const r = await store.append({ room: 'flood', sender: bob, kind: 'text', body: 'a'.repeat(4000) });
      if (r.status === 'appended') seqs.push(r.event.seq);
    }
    const db = openSqlite(join(dir, 'parley.db'));
    open.push(db);
    return { store, seqs, search: new SqliteSearch(db, budget) };
  }

  it('reads nothing for a user who is a member of no room, however hostile the query', async () => {
    const { search } = await flooded({});
    for (const terms of [['a'.repeat(200)], ['aa'], ['a', 'aa', 'aaa']]) {
      for (const room of [undefined, 'flood']) {
        const page = search.search({ userId: 'u-nobody', terms, limit: 50, ...(room ? { room } : {}) });
        expect(page).toEqual({ hits: [], examined: 0, compared: 0 });
      }
    }
    // A member of another room: the flood room's messages are candidates, never read.
    const page = search.search({ userId: alice.id, terms: ['a'.repeat(200)], limit: 50 });
    expect(page.hits).toEqual([]);
    expect(page.examined).toBeLessThanOrEqual(SEARCH_BUDGET.rows);
    expect(page.compared).toBe(0);
  });

  it('examines at most the budget per page, and paging still finds every match once', async () => {
    const rows = 30;
    const text = 50_000;
    const { store, seqs, search } = await flooded({ rows, text });
    for (const terms of [['a'.repeat(200)], ['a'.repeat(199) + 'b'], ['aa', 'a'], ['a'.repeat(3), 'a'.repeat(150)]]) {
      const got: number[] = [];
      let before: number | undefined;
      let pages = 0;
      for (; pages < 100; pages++) {
        const page = search.search({ userId: bob.id, terms, limit: 50, ...(before ? { before } : {}) });
        expect(page.examined, String(terms)).toBeLessThanOrEqual(rows);
        // The check stops after the row that crosses the budget: at most one body per term past it.
        expect(page.compared, String(terms)).toBeLessThan(text + terms.length * 4000);
        got.push(...page.hits.map((h) => h.event.seq));
        if (page.next === undefined) break;
        before = page.next;
      }
      const want = terms[0]!.includes('b') ? [] : [...seqs].reverse();
      expect(got, String(terms)).toEqual(want);
      // Several pages under the caps; a trigram absent from the index ends the search at once.
      if (want.length > 0) expect(pages, String(terms)).toBeGreaterThan(1);
      else expect(pages, String(terms)).toBe(0);
    }
    // The store's own budget answers the finding's query in one page of `limit` hits.
    const page = await store.search({ userId: bob.id, terms: ['a'.repeat(200)], limit: 20 });
    expect(page.hits.map((h) => h.event.seq)).toEqual([...seqs].reverse().slice(0, 20));
  });

  it('asks the index for a few distinct trigrams, never for a phrase', () => {
    expect(pickTrigrams(['a'.repeat(200)], 8)).toEqual(['aaa']);
    expect(pickTrigrams(['go', '会议'], 8)).toEqual([]);
    expect(pickTrigrams(['Deploy'], 8)).toEqual(['dep', 'epl', 'plo', 'loy']);
    expect(pickTrigrams(['开会讨论项目'], 2)).toEqual(['开会讨', '论项目']);
    const many = pickTrigrams(['abcdefghijklmnopqrstuvwxyz', 'zyxwvutsrqponmlkjihgfedcba'], 8);
    expect(many).toHaveLength(8);
    expect(many[0]).toBe('abc');
    expect(many).toContain('xyz');
    // One per term when there are more terms than the budget.
    const ten = Array.from({ length: 10 }, (_, i) => `w${i}xy`);
    expect(pickTrigrams(ten, 8)).toHaveLength(10);
  });
});
