/**
 * Migration 016 (fewer pages per append): events rebuilt without the UNIQUE on id and without
 * events_messages, search_docs without AUTOINCREMENT. A database built by migrations 001–015 with
 * messages, edits, deletes, reactions and a lazy index behind keeps every row and answer; a new
 * doc never takes an id at or below the index's mark, even after the newest indexed doc is deleted.
 * A search in one room walks (room, seq) and still pages right when the cursor's doc is gone.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { CURSOR_DOC, ROOM_BELOW, SCANNED, SqliteSearch, WINDOW } from '../../src/server/store/sqlite/sqlite-search.ts';
import { UNREAD_MESSAGES } from '../../src/server/store/sqlite/sqlite-user-log.ts';
import { openSqlite, SqliteStore } from '../../src/server/store/sqlite/sqlite-store.ts';

const MIGRATIONS = new URL('../../src/server/store/sqlite/migrations/', import.meta.url);
const alice = { id: 'u-alice', nick: 'alice' };
const bob = { id: 'u-bob', nick: 'bob' };
const BOUNDS = { cap: 99, scan: 50 };

const open: { close(): unknown }[] = [];
const dbs: Database.Database[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
});
afterEach(async () => {
  for (const x of open.splice(0).reverse()) await x.close();
});

const tempDir = () => mkdtempSync(join(tmpdir(), 'parley-lean-append-'));

/** The unread count and mention texts as migration 015's schema answered them (sqlite-user-log.ts then). */
const OLD_UNREAD = `FROM events e INDEXED BY events_messages
  WHERE e.room = @room AND e.seq > @read AND e.kind IN ('text', 'image', 'file') AND e.sender_id <> @user
    AND NOT EXISTS (SELECT 1 FROM events d INDEXED BY events_by_ref_kind
                    WHERE d.room = e.room AND d.ref = e.seq AND d.kind = 'delete')`;
const OLD_COUNT = `SELECT COUNT(*) AS n FROM (SELECT 1 ${OLD_UNREAD} LIMIT ${BOUNDS.cap})`;
const OLD_TEXTS = `SELECT body FROM (
    SELECT COALESCE((SELECT x.body FROM events x INDEXED BY events_by_ref_kind WHERE x.room = e.room AND x.ref = e.seq
                     AND x.kind = 'edit' ORDER BY x.seq DESC LIMIT 1), e.body) AS body
    ${OLD_UNREAD} ORDER BY e.seq DESC LIMIT ${BOUNDS.scan})
  WHERE instr(body, '@') > 0`;

/** A database as migrations 001–015 left it, with a log of every kind and an index behind its docs. */
function oldDatabase(file: string): Database.Database {
  const db = new Database(file);
  const before = readdirSync(MIGRATIONS)
    .filter((f) => /^\d+_.*\.sql$/.test(f) && Number.parseInt(f, 10) <= 15)
    .sort();
  for (const f of before) db.exec(readFileSync(new URL(f, MIGRATIONS), 'utf8'));
  db.pragma('user_version = 15');
  const room = db.prepare("INSERT INTO rooms (name, title, epoch, head, created_at) VALUES (?, ?, 'e', ?, 0)");
  const member = db.prepare('INSERT INTO members (room, user_id, joined_at, read_seq) VALUES (?, ?, 0, ?)');
  const ev = db.prepare(
    `INSERT INTO events (room, seq, id, cid, sender_id, sender_nick, kind, body, ref, file, reply, ts)
     VALUES (@room, @seq, @id, @cid, @sender, @sender, @kind, @body, @ref, @file, @reply, @seq)`,
  );
  const doc = db.prepare('INSERT INTO search_docs (room, seq, body) VALUES (?, ?, ?)');
  const fileRef = JSON.stringify({ id: 'f1', name: 'plan.pdf', size: 3, type: 'application/pdf' });
  db.transaction(() => {
    for (const [name, head] of [
      ['a', 12],
      ['b', 3],
    ] as const)
      room.run(name, name, head);
    member.run('a', alice.id, 0);
    member.run('a', bob.id, 2);
    member.run('b', alice.id, 0);
    member.run('b', bob.id, 0);
    let n = 0;
    const add = (room: string, seq: number, sender: string, kind: string, body: string, more = {}) =>
      ev.run({ room, seq, id: `e${n++}`, cid: null, sender, kind, body, ref: null, file: null, reply: null, ...more });
    add('a', 1, alice.id, 'join', '');
    add('a', 2, bob.id, 'join', '');
    add('a', 3, alice.id, 'text', 'hello @bob deploy', { cid: 'c1' });
    add('a', 4, alice.id, 'image', 'the plan', { file: fileRef });
    add('a', 5, bob.id, 'text', 'my own words');
    add('a', 6, alice.id, 'text', 'will be deleted');
    add('a', 7, bob.id, 'react', '👍', { ref: 3 });
    add('a', 8, alice.id, 'edit', 'hello @bob deploy friday', { ref: 3 });
    add('a', 9, alice.id, 'delete', '', { ref: 6 });
    add('a', 10, alice.id, 'text', 'lunch at noon', { reply: 3 });
    add('a', 11, alice.id, 'text', 'pending @bob lunch');
    add('a', 12, alice.id, 'text', 'pending gone');
    add('b', 1, alice.id, 'join', '');
    add('b', 2, bob.id, 'join', '');
    add('b', 3, alice.id, 'text', 'room b deploy');
    // Docs as the store wrote them: current text, deleted ones gone; the image's file name after it.
    doc.run('a', 3, 'hello @bob deploy');
    doc.run('a', 4, 'the plan\nplan.pdf');
    doc.run('a', 5, 'my own words');
    doc.run('a', 6, 'will be deleted');
    db.prepare("UPDATE search_docs SET body = 'hello @bob deploy friday' WHERE room = 'a' AND seq = 3").run();
    db.prepare("DELETE FROM search_docs WHERE room = 'a' AND seq = 6").run();
    doc.run('b', 3, 'room b deploy');
    doc.run('a', 10, 'lunch at noon');
    // The index caught up to here; the next two docs wait for it, and the newest is then deleted.
    db.exec(
      'INSERT INTO search_fts (rowid, body) SELECT id, body FROM search_docs ORDER BY id; UPDATE search_indexed SET upto = (SELECT max(id) FROM search_docs)',
    );
    doc.run('a', 11, 'pending @bob lunch');
    doc.run('a', 12, 'pending gone');
    add('a', 13, alice.id, 'delete', '', { ref: 12 });
    db.prepare("DELETE FROM search_docs WHERE room = 'a' AND seq = 12").run();
    db.prepare("UPDATE rooms SET head = 13 WHERE name = 'a'").run();
  })();
  return db;
}

function integrity(db: Database.Database): void {
  expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  db.exec("INSERT INTO search_fts (search_fts) VALUES ('integrity-check')");
}

describe('SQLite migration 016 (fewer pages per append)', () => {
  it('keeps every event, search doc and answer of a log built by the older migrations', async () => {
    const dir = tempDir();
    const file = join(dir, 'parley.db');
    const old = oldDatabase(file);
    const events = old.prepare('SELECT * FROM events ORDER BY room, seq').all();
    const docs = old.prepare('SELECT * FROM search_docs ORDER BY id').all();
    const unread = (db: Database.Database) =>
      ['a', 'b'].map((room) => ({
        n: (db.prepare(OLD_COUNT).get({ room, read: 2, user: bob.id }) as { n: number }).n,
        texts: (db.prepare(OLD_TEXTS).all({ room, read: 2, user: bob.id }) as { body: string }[]).map((r) => r.body),
      }));
    const oldUnread = unread(old);
    expect(oldUnread).toEqual([
      { n: 4, texts: ['pending @bob lunch', 'hello @bob deploy friday'] },
      { n: 1, texts: [] },
    ]);
    old.close();

    const db = openSqlite(file);
    expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(16);
    integrity(db);
    expect(db.prepare('SELECT * FROM events ORDER BY room, seq').all()).toEqual(events);
    expect(db.prepare('SELECT * FROM search_docs ORDER BY id').all()).toEqual(docs);
    const indexes = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('events', 'search_docs')")
      .all()
      .map((r) => (r as { name: string }).name)
      .sort();
    expect(indexes).toEqual(['events_by_cid', 'events_by_ref_kind', 'search_docs_by_seq']);
    // No AUTOINCREMENT left: the table SQLite keeps for it has no row to write.
    expect(db.prepare('SELECT count(*) AS n FROM sqlite_sequence').get()).toEqual({ n: 0 });

    const store = new SqliteStore({ db });
    open.push(store);
    const got = await store.unreadMessages(bob.id, undefined, BOUNDS);
    expect(got.map((u) => ({ n: u.unread, texts: u.texts }))).toEqual(oldUnread);
    // Search: the index caught up at start (the pending doc), edits and deletes hold.
    const search = async (terms: string[], room?: string) =>
      (await store.search({ userId: alice.id, terms, limit: 20, ...(room ? { room } : {}) })).hits.map(
        (h) => `${h.event.room}/${h.event.seq} ${h.event.body}`,
      );
    expect(await search(['deploy'])).toEqual(['b/3 room b deploy', 'a/3 hello @bob deploy friday']);
    expect(await search(['lunch'])).toEqual(['a/11 pending @bob lunch', 'a/10 lunch at noon']);
    expect(await search(['gone'])).toEqual([]);
    expect(await search(['deleted'])).toEqual([]);
    expect(await search(['plan.pdf'])).toEqual(['a/4 the plan']);
    expect(await search(['de'], 'a')).toEqual(['a/3 hello @bob deploy friday']);
    // The idempotent send still finds its event by client id; a second one with the same cid is not new.
    const again = await store.append({ room: 'a', sender: alice, kind: 'text', body: 'hello @bob deploy', cid: 'c1' });
    expect(again).toMatchObject({ status: 'duplicate', event: { seq: 3 } });
    // Appends, edits and deletes after the migration.
    const r = await store.append({ room: 'a', sender: alice, kind: 'text', body: 'after @bob migration' });
    expect(r.status).toBe('appended');
    await store.append({ room: 'a', sender: alice, kind: 'edit', body: 'lunch at one', ref: 10 });
    await store.append({ room: 'a', sender: alice, kind: 'delete', body: '', ref: 4 });
    expect(await search(['migration'])).toEqual(['a/14 after @bob migration']);
    expect(await search(['lunch'])).toEqual(['a/11 pending @bob lunch', 'a/10 lunch at one']);
    expect(await search(['plan'])).toEqual([]);
    const [a] = await store.unreadMessages(bob.id, 'a', BOUNDS);
    expect(a).toMatchObject({
      unread: 4,
      texts: ['after @bob migration', 'pending @bob lunch', 'hello @bob deploy friday'],
    });
    await store.close();
    open.splice(open.indexOf(store), 1);
    const check = openSqlite(file, { migrate: false });
    integrity(check);
    check.close();
  });

  it('never gives a new doc an id at or below the mark, even after the newest indexed doc is deleted', async () => {
    const dir = tempDir();
    const store = new SqliteStore(dir);
    open.push(store);
    await store.createRoom('r', 'r');
    await store.append({ room: 'r', sender: alice, kind: 'join', body: '' });
    await store.append({ room: 'r', sender: alice, kind: 'text', body: 'first words' });
    await store.append({ room: 'r', sender: alice, kind: 'text', body: 'second words' });
    const find = async (term: string) =>
      (await store.search({ userId: alice.id, terms: [term], limit: 20 })).hits.map((h) => h.event.body);
    // A search catches the index up: both docs are at or below the mark.
    expect(await find('words')).toEqual(['second words', 'first words']);
    await store.append({ room: 'r', sender: alice, kind: 'delete', body: '', ref: 3 });
    // max(id) is now 1 and the mark 2: without the rule the next doc would take id 2, count as
    // indexed and never be found.
    await store.append({ room: 'r', sender: alice, kind: 'text', body: 'third words' });
    expect(await find('third')).toEqual(['third words']);
    expect(await find('words')).toEqual(['third words', 'first words']);
    await store.close();
    open.splice(open.indexOf(store), 1);
    const db = openSqlite(join(dir, 'parley.db'), { migrate: false });
    integrity(db);
    expect(db.prepare('SELECT id, seq FROM search_docs ORDER BY id').all()).toEqual([
      { id: 1, seq: 2 },
      { id: 3, seq: 5 },
    ]);
    expect(db.prepare('SELECT upto FROM search_indexed').get()).toEqual({ upto: 3 });
    db.close();
  });

  it('pages a one-room scan by (room, seq), also from a deleted cursor doc or one of another room', async () => {
    const dir = tempDir();
    const store = new SqliteStore(dir);
    open.push(store);
    for (const room of ['a', 'busy']) {
      await store.createRoom(room, room);
      await store.append({ room, sender: alice, kind: 'join', body: '' });
    }
    const seqs: number[] = [];
    const say = async (room: string, body: string) => {
      const r = await store.append({ room, sender: alice, kind: 'text', body });
      if (r.status !== 'appended') throw new Error(r.status);
      if (room === 'a') seqs.push(r.event.seq);
    };
    for (let i = 0; i < 6; i++) await say('a', `开会 ${i}`);
    for (let i = 0; i < 20; i++) await say('busy', `开会 busy ${i}`);
    for (let i = 6; i < 10; i++) await say('a', `开会 ${i}`);
    const db = openSqlite(join(dir, 'parley.db'), { migrate: false });
    open.push(db);
    const rows = 5;
    const search = new SqliteSearch(db, { rows });
    // A term of two characters has no trigram: the search scans windows of `rows` docs.
    const page = (before?: number, limit = 2) =>
      search.search({ userId: alice.id, terms: ['开会'], room: 'a', limit, ...(before ? { before } : {}) });

    const first = page();
    expect(first.hits.map((h) => h.event.body)).toEqual(['开会 9', '开会 8']);
    // The cursor's doc is deleted before the next page is asked for.
    await store.append({ room: 'a', sender: alice, kind: 'delete', body: '', ref: seqs[8]! });
    const got = first.hits.map((h) => h.event.seq);
    let before = first.next;
    for (let n = 0; before !== undefined && n < 20; n++) {
      const p = page(before);
      expect(p.examined).toBeLessThanOrEqual(2 * rows);
      got.push(...p.hits.map((h) => h.event.seq));
      before = p.next;
    }
    expect(got).toEqual([...seqs].reverse());

    // A cursor of another room's newest doc: pages with no hits walk down past that room's docs,
    // each bounded, then the room's older docs follow.
    const busyTop = (db.prepare("SELECT max(id) AS id FROM search_docs WHERE room = 'busy'").get() as { id: number })
      .id;
    const older: number[] = [];
    let empty = 0;
    let cursor: number | undefined = busyTop;
    for (let n = 0; cursor !== undefined && n < 20; n++) {
      const p = page(cursor, 10);
      expect(p.examined).toBeLessThanOrEqual(2 * rows);
      if (p.hits.length === 0 && p.next !== undefined) empty++;
      older.push(...p.hits.map((h) => h.event.seq));
      cursor = p.next;
    }
    expect(older).toEqual(seqs.slice(0, 6).reverse());
    expect(empty).toBeGreaterThan(0);
  });

  it('answers the queries that used a dropped index by index searches, never a scan of a log', () => {
    const db = openSqlite(':memory:');
    dbs.push(db);
    const params = { room: 'r', read: 1, user: 'u', top: 9, lowSeq: 2, rows: 5, before: 7 };
    const plan = (sql: string) => {
      const used = Object.fromEntries(Object.entries(params).filter(([k]) => sql.includes(`@${k}`)));
      return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(used) as { detail: string }[]).map((r) => r.detail);
    };
    // What each table is read by (a subquery's own rows are not a table).
    const searches = (sql: string) => plan(sql).filter((d) => /^(SEARCH|SCAN) (?!\(subquery)/.test(d));
    expect(searches(`SELECT 1 ${UNREAD_MESSAGES} LIMIT 100`)).toEqual([
      'SEARCH s USING COVERING INDEX search_docs_by_seq (room=? AND seq>?)',
      'SEARCH e USING PRIMARY KEY (room=? AND seq=?)',
    ]);
    expect(searches(WINDOW(true))).toEqual(['SEARCH d USING COVERING INDEX search_docs_by_seq (room=? AND seq<?)']);
    expect(searches(SCANNED(true))).toEqual(['SEARCH d USING INDEX search_docs_by_seq (room=? AND seq>? AND seq<?)']);
    expect(searches(CURSOR_DOC)).toEqual(['SEARCH search_docs USING INTEGER PRIMARY KEY (rowid=?)']);
    expect(searches(ROOM_BELOW)).toEqual(['SEARCH search_docs USING INTEGER PRIMARY KEY (rowid<?)']);
    expect(
      // sqlite-room-log.ts `deleted` (events_by_ref, dropped, was never its index).
      searches("SELECT 1 FROM events WHERE room = @room AND ref = @read AND kind = 'delete' LIMIT 1"),
    ).toEqual(['SEARCH events USING COVERING INDEX events_by_ref_kind (room=? AND ref=? AND kind=?)']);
  });
});
