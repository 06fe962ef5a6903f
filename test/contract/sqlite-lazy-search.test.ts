/**
 * The SQLite search index follows the log lazily (migration 015, sqlite-search.ts catchUp): appends
 * write search_docs, a later transaction indexes them. Searches must answer as if it were eager:
 * a random sequence of appends, edits, deletes and searches is compared against a plain model,
 * in this thread and in the worker, and both integrity checks pass after it. A database migrated
 * from the eager schema, and one whose mark is stale at start, keep their answers.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite, SqliteStore } from '../../src/server/store/sqlite/sqlite-store.ts';
import { SqliteWorkerStore } from '../../src/server/store/sqlite/worker-store.ts';
import type { SearchQuery, Store } from '../../src/server/store/store.ts';
import { seededRandom } from '../support/seeded-random.ts';

const MIGRATIONS = new URL('../../src/server/store/sqlite/migrations/', import.meta.url);
const alice = { id: 'u-alice', nick: 'alice' };
const bob = { id: 'u-bob', nick: 'bob' };

const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const x of open.splice(0).reverse()) await x.close();
});

const tempDir = () => mkdtempSync(join(tmpdir(), 'parley-lazy-search-'));

/** Both checks, on a connection of its own: SQLite's, and FTS5's (the index against search_docs). */
function checkIntegrity(dir: string): { upto: number; top: number } {
  const db = openSqlite(join(dir, 'parley.db'), { migrate: false });
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.exec("INSERT INTO search_fts (search_fts) VALUES ('integrity-check')");
    return db
      .prepare(
        'SELECT (SELECT upto FROM search_indexed) AS upto, coalesce((SELECT max(id) FROM search_docs), 0) AS top',
      )
      .get() as { upto: number; top: number };
  } finally {
    db.close();
  }
}

async function hits(store: Store, q: Partial<SearchQuery> & { terms: string[] }): Promise<[string, number, string][]> {
  const page = await store.search({ userId: alice.id, limit: 100, ...q });
  return page.hits.map((h) => [h.event.room, h.event.seq, h.event.body]);
}

interface Doc {
  readonly room: string;
  readonly seq: number;
  readonly sender: typeof alice;
  body: string;
  deleted: boolean;
}

const WORDS = ['alpha', 'Beta', 'gamma', 'delta', '开会', '讨论项目', 'release', 'lunch', 'xy', 'Ω星'];
const TERMS = [
  'alpha',
  'lph',
  'al',
  'beta',
  'BET',
  'gam',
  'delta',
  'ta',
  '开会',
  '开',
  '讨论',
  '项目',
  'eas',
  'lunch',
  'xy',
  'Ω星',
  'zzz',
];

/** A seeded run of appends (some in one commit), edits, deletes and searches against a model. */
async function fuzz(store: Store, seed: number, steps: number): Promise<void> {
  const rnd = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const docs: Doc[] = [];
  for (const room of ['a', 'b', 'c']) await store.createRoom(room, room);
  await store.append({ room: 'a', sender: alice, kind: 'join', body: '' });
  await store.append({ room: 'b', sender: alice, kind: 'join', body: '' });
  // Alice is not in c: its messages are never hers to find.
  await store.append({ room: 'c', sender: bob, kind: 'join', body: '' });
  const text = () => Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => pick(WORDS)).join(' ');
  let searches = 0;
  for (let step = 0; step < steps; step++) {
    const r = rnd();
    if (r < 0.45) {
      // One to five appends in one tick: one group commit.
      const n = 1 + Math.floor(rnd() * 5);
      const sends = Array.from({ length: n }, () => {
        const room = pick(['a', 'a', 'b', 'c']);
        const body = text();
        const sender = room === 'c' ? bob : alice;
        return { room, body, sender, p: store.append({ room, sender, kind: 'text', body }) };
      });
      for (const s of sends) {
        const res = await s.p;
        if (res.status !== 'appended') throw new Error(`append: ${res.status}`);
        docs.push({ room: s.room, seq: res.event.seq, sender: s.sender, body: s.body, deleted: false });
      }
    } else if (r < 0.65 && docs.length > 0) {
      // Often the newest (likely not indexed yet), sometimes any; sometimes one already deleted.
      const d = rnd() < 0.5 ? docs[docs.length - 1 - Math.floor(rnd() * Math.min(3, docs.length))]! : pick(docs);
      const body = text();
      await store.append({ room: d.room, sender: d.sender, kind: 'edit', body, ref: d.seq });
      if (!d.deleted) d.body = body;
    } else if (r < 0.75 && docs.length > 0) {
      const d = rnd() < 0.5 ? docs[docs.length - 1]! : pick(docs);
      await store.append({ room: d.room, sender: d.sender, kind: 'delete', body: '', ref: d.seq });
      d.deleted = true;
    } else {
      searches++;
      const terms = rnd() < 0.7 ? [pick(TERMS)] : [pick(TERMS), pick(TERMS)];
      const room = rnd() < 0.3 ? pick(['a', 'b', 'c']) : undefined;
      const needles = terms.map((t) => t.toLowerCase());
      const want = docs
        .filter((d) => !d.deleted && d.room !== 'c' && (room === undefined || d.room === room))
        .filter((d) => needles.every((n) => d.body.toLowerCase().includes(n)))
        .reverse()
        .slice(0, 100)
        .map((d): [string, number, string] => [d.room, d.seq, d.body]);
      expect(
        await hits(store, { terms, ...(room ? { room } : {}) }),
        `step ${step}: ${terms.join(' ')} in ${room}`,
      ).toEqual(want);
    }
  }
  expect(searches).toBeGreaterThan(steps / 10);
}

describe('SQLite lazy search index', () => {
  it('finds a message in a search right after its append, before the index caught up', async () => {
    const dir = tempDir();
    const store = new SqliteStore(dir);
    open.push(store);
    await store.createRoom('r', 'r');
    await store.append({ room: 'r', sender: alice, kind: 'join', body: '' });
    await store.append({ room: 'r', sender: alice, kind: 'text', body: 'deploy on friday' });
    // The append's commit left the index behind: it catches up later, or before a search.
    expect(store.searchBehind()).toBe(true);
    expect(await hits(store, { terms: ['friday'] })).toEqual([['r', 2, 'deploy on friday']]);
    expect(store.searchBehind()).toBe(false);
    // An edit and a delete of a doc not indexed yet only change search_docs.
    await store.append({ room: 'r', sender: alice, kind: 'text', body: 'lunch at noon' });
    await store.append({ room: 'r', sender: alice, kind: 'edit', body: 'lunch at one', ref: 3 });
    await store.append({ room: 'r', sender: alice, kind: 'text', body: 'lunch gone' });
    await store.append({ room: 'r', sender: alice, kind: 'delete', body: '', ref: 5 });
    expect(await hits(store, { terms: ['lunch'] })).toEqual([['r', 3, 'lunch at one']]);
    expect(await hits(store, { terms: ['noon'] })).toEqual([]);
    // The newest doc is gone: the mark is its predecessor's id, and ids only grow.
    expect(checkIntegrity(dir)).toEqual({ upto: 2, top: 2 });
  });

  it('catches up after a commit on its own, off the append (within a short delay)', async () => {
    const dir = tempDir();
    const store = new SqliteStore(dir);
    open.push(store);
    await store.createRoom('r', 'r');
    await store.append({ room: 'r', sender: alice, kind: 'text', body: 'hello there' });
    expect(store.searchBehind()).toBe(true);
    const deadline = Date.now() + 5000;
    while (store.searchBehind() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(store.searchBehind()).toBe(false);
    // Many docs at once: indexed right after their commit, without waiting for the delay.
    await Promise.all(
      Array.from({ length: 600 }, (_, i) => store.append({ room: 'r', sender: alice, kind: 'text', body: `m ${i}` })),
    );
    await new Promise((r) => setImmediate(r));
    expect(store.searchBehind()).toBe(false);
  });

  for (const [name, make] of [
    ['in this thread', (dir: string) => new SqliteStore(dir)],
    ['in a worker', (dir: string) => new SqliteWorkerStore(dir)],
  ] as const) {
    it(`answers a seeded random run of appends, edits, deletes and searches like a model (${name})`, async () => {
      for (const seed of [1, 2]) {
        const dir = tempDir();
        const store = make(dir);
        open.push(store);
        await fuzz(store, seed, 400);
        await store.close();
        open.splice(open.indexOf(store), 1);
        // Closing caught the index up; it holds exactly search_docs.
        const { upto, top } = checkIntegrity(dir);
        expect(upto).toBe(top);
      }
    });
  }

  it('a start with a stale mark catches up (docs committed, never indexed)', async () => {
    const dir = tempDir();
    const first = new SqliteStore(dir);
    await first.createRoom('r', 'r');
    await first.append({ room: 'r', sender: alice, kind: 'join', body: '' });
    await first.append({ room: 'r', sender: alice, kind: 'text', body: 'indexed one' });
    await first.close();
    // As a run stopped before its catch-up leaves it: committed docs above the mark.
    const db = openSqlite(join(dir, 'parley.db'), { migrate: false });
    db.transaction(() => {
      const ev = db.prepare(
        "INSERT INTO events (room, seq, id, sender_id, sender_nick, kind, body, ts) VALUES ('r', ?, ?, 'u-alice', 'alice', 'text', ?, 0)",
      );
      const doc = db.prepare("INSERT INTO search_docs (room, seq, body) VALUES ('r', ?, ?)");
      for (const [seq, body] of [
        [3, 'pending two'],
        [4, 'pending three'],
      ] as const) {
        ev.run(seq, `e${seq}`, body);
        doc.run(seq, body);
      }
      db.prepare("UPDATE rooms SET head = 4 WHERE name = 'r'").run();
    })();
    db.close();
    for (const make of [(d: string) => new SqliteWorkerStore(d), (d: string) => new SqliteStore(d)]) {
      const store = make(dir);
      open.push(store);
      expect(await hits(store, { terms: ['pending'] })).toEqual([
        ['r', 4, 'pending three'],
        ['r', 3, 'pending two'],
      ]);
      await store.close();
      open.splice(open.indexOf(store), 1);
    }
    const again = new SqliteStore(dir);
    open.push(again);
    expect(again.searchBehind()).toBe(false);
    expect(checkIntegrity(dir)).toEqual({ upto: 3, top: 3 });
  });

  it('migration 015 keeps the answers of an index built eagerly, and edits and deletes of its docs', async () => {
    const dir = tempDir();
    // A database as it was before migration 015: search_fts kept by triggers on every write.
    const db = new Database(join(dir, 'parley.db'));
    const before = readdirSync(MIGRATIONS)
      .filter((f) => /^\d+_.*\.sql$/.test(f) && Number.parseInt(f, 10) < 15)
      .sort();
    for (const f of before) db.exec(readFileSync(new URL(f, MIGRATIONS), 'utf8'));
    db.pragma('user_version = 14');
    db.prepare("INSERT INTO rooms (name, title, epoch, head, created_at) VALUES ('r', 'r', 'e', 6, 0)").run();
    db.prepare("INSERT INTO members (room, user_id, joined_at) VALUES ('r', ?, 0)").run(alice.id);
    const ev = db.prepare(
      "INSERT INTO events (room, seq, id, sender_id, sender_nick, kind, body, ref, ts) VALUES ('r', ?, ?, 'u-alice', 'alice', ?, ?, ?, 0)",
    );
    const doc = db.prepare("INSERT INTO search_docs (room, seq, body) VALUES ('r', ?, ?)");
    ev.run(1, 'e1', 'text', 'alpha one', null);
    doc.run(1, 'alpha one');
    ev.run(2, 'e2', 'text', 'beta two', null);
    doc.run(2, 'beta two');
    ev.run(3, 'e3', 'text', 'gamma three', null);
    doc.run(3, 'gamma three');
    ev.run(4, 'e4', 'edit', 'alpha edited', 1);
    db.prepare("UPDATE search_docs SET body = 'alpha edited' WHERE room = 'r' AND seq = 1").run();
    ev.run(5, 'e5', 'text', 'delta four', null);
    doc.run(5, 'delta four');
    // The newest doc deleted: the mark is below the id sequence, which is fine.
    ev.run(6, 'e6', 'delete', '', 5);
    db.prepare("DELETE FROM search_docs WHERE room = 'r' AND seq = 5").run();
    db.close();

    const store = new SqliteStore(dir);
    open.push(store);
    expect(store.searchBehind()).toBe(false);
    expect(checkIntegrity(dir)).toEqual({ upto: 3, top: 3 });
    expect(await hits(store, { terms: ['alpha'] })).toEqual([['r', 1, 'alpha edited']]);
    expect(await hits(store, { terms: ['one'] })).toEqual([]);
    expect(await hits(store, { terms: ['delta'] })).toEqual([]);
    expect(await hits(store, { terms: ['two'] })).toEqual([['r', 2, 'beta two']]);
    // Its docs are edited and deleted in the index at once; new ones are indexed lazily.
    await store.append({ room: 'r', sender: alice, kind: 'edit', body: 'beta changed', ref: 2 });
    await store.append({ room: 'r', sender: alice, kind: 'delete', body: '', ref: 3 });
    await store.append({ room: 'r', sender: alice, kind: 'text', body: 'epsilon nine' });
    expect(await hits(store, { terms: ['beta'] })).toEqual([['r', 2, 'beta changed']]);
    expect(await hits(store, { terms: ['two'] })).toEqual([]);
    expect(await hits(store, { terms: ['gamma'] })).toEqual([]);
    expect(await hits(store, { terms: ['epsilon'] })).toEqual([['r', 9, 'epsilon nine']]);
    // Since migration 016 a new id is one above the highest doc and the mark: the deleted doc's id
    // 4 was never indexed (above the mark 3), so it may be given again.
    expect(checkIntegrity(dir)).toEqual({ upto: 4, top: 4 });
  });
});
