/**
 * Full-text search for the SQLite store: an FTS5 trigram index over the current text of every
 * message (migration 007 keeps it in step with the log through triggers, inside each append's
 * transaction). Terms of three or more characters go through the index. Shorter ones (a
 * two-character Chinese word, "go") have no trigram; they are checked with LIKE — alongside the
 * index when the query also has a longer term, else over a bounded window of the newest
 * messages per page, so one request never scans a whole large log.
 */
import type Database from 'better-sqlite3';
import type { RoomEvent } from '../../protocol/index.ts';
import { charLength } from '../search/query.ts';
import type { EventRow } from './sqlite-store.ts';
import type { SearchPage, SearchQuery } from './store.ts';

/** Messages one page of a query without a three-character term looks at, at most. */
export const SCAN_WINDOW = 20_000;

interface HitRow extends EventRow {
  cursor: number;
  current: string;
}

interface Params {
  user: string;
  before: number;
  limit: number;
  match?: string;
  room?: string;
  low?: number;
  [like: `like${number}`]: string;
}

/** An FTS5 string literal: the term is one phrase, so operators, columns, NEAR, * and ^ are plain text. */
const phrase = (term: string): string => `"${term.replaceAll('"', '""')}"`;

/** A LIKE pattern for "contains term" (with ESCAPE '\'). */
const contains = (term: string): string => `%${term.replace(/[\\%_]/g, '\\$&')}%`;

/**
 * Authorization is part of every query: only rooms the user is a member of now. (`+d.room` keeps
 * the planner on the id order, so a scan stops as soon as it has a page.)
 */
const readable = (oneRoom: boolean): string =>
  oneRoom
    ? 'd.room = @room AND EXISTS (SELECT 1 FROM members m WHERE m.room = @room AND m.user_id = @user)'
    : '+d.room IN (SELECT m.room FROM members m WHERE m.user_id = @user)';

const SELECT = 'SELECT e.*, d.id AS cursor, d.body AS current';
const EVENT = 'JOIN events e ON e.room = d.room AND e.seq = d.seq';

/** Statements by query shape: index or window scan, how many LIKE terms, one room or all. */
function hitsSql(indexed: boolean, likes: number, oneRoom: boolean): string {
  const where = [readable(oneRoom), ...Array.from({ length: likes }, (_, i) => `d.body LIKE @like${i} ESCAPE '\\'`)];
  // CROSS JOIN keeps the index as the outer loop: it yields matches newest first and stops at the limit.
  if (indexed) {
    return `${SELECT} FROM search_fts f CROSS JOIN search_docs d ON d.id = f.rowid ${EVENT}
      WHERE search_fts MATCH @match AND f.rowid < @before AND ${where.join(' AND ')}
      ORDER BY f.rowid DESC LIMIT @limit`;
  }
  return `${SELECT} FROM search_docs d ${EVENT}
    WHERE d.id < @before AND d.id >= @low AND ${where.join(' AND ')}
    ORDER BY d.id DESC LIMIT @limit`;
}

/**
 * The window a scan page covers: the newest SCAN_WINDOW messages before the cursor (of the room,
 * or of all rooms, readable or not, so the work is bounded however the user's rooms are spread).
 */
function windowSql(oneRoom: boolean, size: number): string {
  return `SELECT min(id) AS low, count(*) AS n FROM (
    SELECT d.id FROM search_docs d WHERE d.id < @before ${oneRoom ? 'AND d.room = @room' : ''}
    ORDER BY d.id DESC LIMIT ${size}
  )`;
}

export class SqliteSearch {
  readonly #db: Database.Database;
  readonly #toEvent: (row: EventRow) => RoomEvent;
  readonly #window: number;
  readonly #statements = new Map<string, Database.Statement<[Params], unknown>>();

  constructor(db: Database.Database, toEvent: (row: EventRow) => RoomEvent, window: number = SCAN_WINDOW) {
    this.#db = db;
    this.#toEvent = toEvent;
    this.#window = Math.max(1, Math.floor(window));
  }

  search(q: SearchQuery): SearchPage {
    const long = q.terms.filter((t) => charLength(t) >= 3);
    const short = q.terms.filter((t) => charLength(t) < 3);
    const oneRoom = q.room !== undefined;
    const params: Params = { user: q.userId, before: q.before ?? Number.MAX_SAFE_INTEGER, limit: q.limit + 1 };
    if (q.room !== undefined) params.room = q.room;
    short.forEach((t, i) => (params[`like${i}`] = contains(t)));
    let windowFull = false;
    if (long.length > 0) params.match = long.map(phrase).join(' ');
    else {
      const sql = () => windowSql(oneRoom, this.#window);
      const win = this.#prepare<{ low: number | null; n: number }>(`window:${oneRoom}`, sql).get(params);
      if (!win || win.low === null) return { hits: [] };
      params.low = win.low;
      windowFull = win.n >= this.#window;
    }
    const key = `hits:${long.length > 0}:${short.length}:${oneRoom}`;
    const rows = this.#prepare<HitRow>(key, () => hitsSql(long.length > 0, short.length, oneRoom)).all(params);
    const hits = rows
      .slice(0, q.limit)
      .map((r) => ({ event: { ...this.#toEvent(r), body: r.current }, cursor: r.cursor }));
    if (rows.length > q.limit) return { hits, next: hits[hits.length - 1]?.cursor };
    // The window ended before the log did: older messages are for the next page.
    return windowFull && params.low !== undefined ? { hits, next: params.low } : { hits };
  }

  #prepare<Row>(key: string, sql: () => string): Database.Statement<[Params], Row> {
    let stmt = this.#statements.get(key);
    if (!stmt) {
      stmt = this.#db.prepare<[Params], unknown>(sql());
      this.#statements.set(key, stmt);
    }
    return stmt as Database.Statement<[Params], Row>;
  }
}
