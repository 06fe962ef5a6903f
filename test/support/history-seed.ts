/**
 * A big room for history tests and benchmarks: `count` text messages from one sender, spread evenly
 * over the `span` ms up to `end`. The room and its first message go through the Store; the rest in
 * one SQL statement (indexed for search when a store next opens the file: its catch-up runs at start) and the room's head is set: a
 * couple of seconds for 100,000, where as many appends through the Store take 10–30 s here.
 */
import { join } from 'node:path';
import { SqliteStore, openSqlite } from '../../src/server/store/sqlite/sqlite-store.ts';

export interface BigRoom {
  readonly room: string;
  readonly count: number;
  readonly end: number;
  readonly span: number;
  /** Bodies for some seqs; the others are "message <seq>". */
  readonly bodies?: Readonly<Record<number, string>>;
}

/** The timestamp of message `seq` of the room. */
export function tsOf(r: BigRoom, seq: number): number {
  return r.end - (r.count - seq) * Math.floor(r.span / r.count);
}

/** Seeds the room into the database under `dataDir` (before the server starts). Returns the ms taken. */
export async function seedBigRoom(dataDir: string, r: BigRoom): Promise<number> {
  const t0 = performance.now();
  const store = new SqliteStore(dataDir);
  await store.createRoom(r.room, r.room);
  await store.append({ room: r.room, sender: { id: 'seeder-id', nick: 'seeder' }, kind: 'text', body: 'message 1' });
  await store.close();
  const db = openSqlite(join(dataDir, 'parley.db'));
  db.transaction(() => {
    db.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM n WHERE i < @count)
       INSERT INTO events (room, seq, id, sender_id, sender_nick, kind, body, ts)
       SELECT @room, i, 'seed-' || i, 'seeder-id', 'seeder', 'text',
         coalesce(json_extract(@bodies, '$."' || i || '"'), 'message ' || i), @end - (@count - i) * @step
       FROM n`,
    ).run({
      room: r.room,
      count: r.count,
      end: r.end,
      step: Math.floor(r.span / r.count),
      bodies: JSON.stringify(r.bodies ?? {}),
    });
    // Indexed for search as the store's appends would (core/room-log/search-doc.ts).
    db.prepare(
      'INSERT INTO search_docs (room, seq, body) SELECT room, seq, body FROM events WHERE room = ? AND seq > 1 ORDER BY seq',
    ).run(r.room);
    db.prepare('UPDATE events SET ts = ? WHERE room = ? AND seq = 1').run(tsOf(r, 1), r.room);
    db.prepare('UPDATE rooms SET head = ? WHERE name = ?').run(r.count, r.room);
  })();
  db.close();
  return performance.now() - t0;
}
