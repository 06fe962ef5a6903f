/**
 * Full-text search for the SQLite store: an FTS5 trigram index over the current text of every
 * message. What is indexed is decided above (core/room-log/search-doc.ts); `apply` writes it to
 * search_docs inside each append's transaction. The FTS table follows search_docs lazily
 * (migration 015): `catchUp` indexes, in a transaction of its own, every doc above the mark
 * search_indexed.upto, so FTS5's cost at COMMIT stays off the append's commit. A search catches up
 * first, so it sees every committed message; an edit or delete of an indexed doc updates the
 * index at once (015's triggers).
 *
 * Every page has a fixed bound on its work, whatever the query and the data (issue 10, finding 4):
 * - nothing is read for a user who is a member of no room (or not of the named room);
 * - the index is asked only for rows holding a few distinct trigrams of the longer terms, never
 *   for phrases, so it never verifies positions (a phrase of 198 × "aaa" did, for seconds);
 * - at most `rows` candidate messages are examined per page, in every room, readable or not, and
 *   text is read only for the readable ones;
 * - every term is checked in JS against at most `text` characters per page in all
 *   (body length × terms checked), linear-time substring search;
 * - short terms (no trigram) scan the newest messages before the cursor under the same caps (in
 *   one room, when the cursor's doc is gone, after reading at most `rows` ids to find where).
 * A page that stops at a cap says where to continue (`next`), possibly with fewer hits, even none.
 */
import type Database from 'better-sqlite3';
import type { SearchChange } from '../../core/room-log/search-doc.ts';
import { pickTrigrams, SEARCH_BUDGET, type SearchBudget } from '../../search/budget.ts';
import type { SearchPage, SearchQuery } from '../search-index.ts';
import { toEvent, type EventRow } from '../event-row.ts';
import { bodyOfSearchText } from '../../core/room-log/search-doc.ts';

/** A page and the work it did (the handler sends the page; tests assert the work). */
export interface SqliteSearchPage extends SearchPage {
  /** Candidate rows read from the index or the scan. */
  readonly examined: number;
  /** Characters compared. */
  readonly compared: number;
}

interface CandidateRow {
  cursor: number;
  room: string;
  seq: number;
  /** Null for a room the user cannot read: its text is never read. */
  current: string | null;
}

interface Params {
  user: string;
  before: number;
  rows: number;
  match?: string;
  room?: string;
  low?: number;
  /** One room's scan: the docs below this seq, and down to lowSeq. */
  top?: number;
  lowSeq?: number;
}

/** An FTS5 string literal: the trigram is one phrase, so operators, columns, NEAR, * and ^ are plain text. */
const phrase = (term: string): string => `"${term.replaceAll('"', '""')}"`;

/** The user's rooms: checked in SQL on every candidate, so a kick takes effect on the next search. */
const READABLE = 'd.room IN (SELECT m.room FROM members m WHERE m.user_id = @user)';

/** Candidates from the index: rows holding every picked trigram, newest first, at most @rows. */
const INDEXED = (oneRoom: boolean): string => `SELECT d.id AS cursor, d.room, d.seq,
    CASE WHEN ${oneRoom ? 'd.room = @room' : READABLE} THEN d.body END AS current
  FROM (SELECT rowid FROM search_fts WHERE search_fts MATCH @match AND rowid < @before ORDER BY rowid DESC LIMIT @rows) f
  JOIN search_docs d ON d.id = f.rowid
  ORDER BY d.id DESC`;

/*
 * One room's docs are walked by (room, seq), the index the appends keep anyway (migration 016):
 * within a room ids and seqs grow together, so "id below the cursor" is "seq below the cursor
 * doc's seq" (@top).
 */

/** The newest @rows messages before the cursor (of the room, or of every room): the scan's window. */
export const WINDOW = (oneRoom: boolean): string =>
  oneRoom
    ? `SELECT min(id) AS low, min(seq) AS lowSeq, count(*) AS n FROM (
        SELECT d.id, d.seq FROM search_docs d INDEXED BY search_docs_by_seq WHERE d.room = @room AND d.seq < @top
        ORDER BY d.seq DESC LIMIT @rows)`
    : `SELECT min(id) AS low, count(*) AS n FROM (
        SELECT d.id FROM search_docs d WHERE d.id < @before ORDER BY d.id DESC LIMIT @rows)`;

/** Candidates of a scan: that window, with text only for readable rooms. */
export const SCANNED = (oneRoom: boolean): string =>
  oneRoom
    ? `SELECT d.id AS cursor, d.room, d.seq, d.body AS current FROM search_docs d INDEXED BY search_docs_by_seq
      WHERE d.room = @room AND d.seq < @top AND d.seq >= @lowSeq ORDER BY d.seq DESC`
    : `SELECT d.id AS cursor, d.room, d.seq, CASE WHEN ${READABLE} THEN d.body END AS current
      FROM search_docs d WHERE d.id < @before AND d.id >= @low ORDER BY d.id DESC`;

/** The cursor's doc: in its room, the docs before it are those of a lower seq. */
export const CURSOR_DOC = 'SELECT room, seq FROM search_docs WHERE id = @before';

/** The cursor's doc gone (deleted since) or of another room: the room's newest among the @rows docs before it. */
export const ROOM_BELOW = `SELECT max(CASE WHEN room = @room THEN seq END) AS seq, min(id) AS low, count(*) AS n FROM (
    SELECT id, room, seq FROM search_docs WHERE id < @before ORDER BY id DESC LIMIT @rows)`;

const MEMBER_OF_ANY = 'SELECT 1 FROM members WHERE user_id = @user LIMIT 1';
const MEMBER_OF = 'SELECT 1 FROM members WHERE user_id = @user AND room = @room';

export interface SqliteSearchOptions {
  /** False on a read-only connection: `search` reads the index as it is (its caller catches it up). */
  readonly catchUp?: boolean;
}

export class SqliteSearch {
  readonly #db: Database.Database;
  readonly #budget: SearchBudget;
  readonly #catchUpFirst: boolean;
  readonly #statements = new Map<string, Database.Statement<[Params], unknown>>();
  readonly #event: Database.Statement<[string, number], EventRow>;
  readonly #write;
  readonly #index;
  /** Docs added since the last catch-up (an estimate: a rolled-back add counts too). */
  #added = 0;

  constructor(db: Database.Database, budget: Partial<SearchBudget> = {}, options: SqliteSearchOptions = {}) {
    this.#db = db;
    this.#budget = { ...SEARCH_BUDGET, ...budget };
    this.#catchUpFirst = options.catchUp ?? true;
    this.#event = db.prepare('SELECT * FROM events WHERE room = ? AND seq = ?');
    const behind = db.prepare<[], { upto: number; top: number }>(
      'SELECT (SELECT upto FROM search_indexed) AS upto, coalesce((SELECT max(id) FROM search_docs), 0) AS top',
    );
    const index = db.prepare<[number, number]>(
      'INSERT INTO search_fts (rowid, body) SELECT id, body FROM search_docs WHERE id > ? AND id <= ? ORDER BY id',
    );
    const mark = db.prepare<[number]>('UPDATE search_indexed SET upto = ?');
    this.#index = {
      behind,
      // In one transaction: no doc is indexed twice or missed, and the triggers see the new mark.
      run: db.transaction((): number => {
        const { upto, top } = behind.get()!;
        if (top <= upto) return 0;
        const n = index.run(upto, top).changes;
        mark.run(top);
        return n;
      }),
    };
    this.#write = {
      // Above the highest doc and the mark (migration 016: no AUTOINCREMENT): an id at or below
      // the mark counts as indexed, so a new doc must never get one, even after the newest doc
      // was deleted. Every cursor a search handed out is at or below the mark (it caught up first).
      add: db.prepare(
        `INSERT INTO search_docs (id, room, seq, body) VALUES (
           max(coalesce((SELECT max(id) FROM search_docs), 0), (SELECT upto FROM search_indexed)) + 1, ?, ?, ?)`,
      ),
      // An edit that raced past a delete finds no row and changes nothing.
      replace: db.prepare('UPDATE search_docs SET body = ? WHERE room = ? AND seq = ?'),
      remove: db.prepare('DELETE FROM search_docs WHERE room = ? AND seq = ?'),
    };
  }

  /** Applies an index change decided by the core. Call inside the event's transaction. */
  apply(change: SearchChange): void {
    if (change.op === 'add') {
      this.#write.add.run(change.room, change.seq, change.text);
      this.#added++;
    } else if (change.op === 'replace') this.#write.replace.run(change.text, change.room, change.seq);
    else this.#write.remove.run(change.room, change.seq);
  }

  /** Docs added since the last catch-up, to decide when to run it (an estimate). */
  get added(): number {
    return this.#added;
  }

  /** Whether some committed doc is not in the FTS index yet. */
  behind(): boolean {
    const { upto, top } = this.#index.behind.get()!;
    return top > upto;
  }

  /** Indexes every doc above the mark, in a transaction of its own (call outside any). Returns how many. */
  catchUp(): number {
    const n = this.#index.run();
    this.#added = 0;
    return n;
  }

  search(q: SearchQuery): SqliteSearchPage {
    if (this.#catchUpFirst) this.catchUp();
    const oneRoom = q.room !== undefined;
    const params: Params = { user: q.userId, before: q.before ?? Number.MAX_SAFE_INTEGER, rows: this.#budget.rows };
    if (q.room !== undefined) params.room = q.room;
    const none = { hits: [], examined: 0, compared: 0 };
    // Readable rooms first: a user in none reads nothing at all.
    if (!this.#prepare(oneRoom ? MEMBER_OF : MEMBER_OF_ANY).get(params)) return none;

    const trigrams = pickTrigrams(q.terms, this.#budget.trigrams);
    let windowed = false;
    if (trigrams.length > 0) params.match = trigrams.map(phrase).join(' AND ');
    else {
      if (oneRoom) {
        const top = this.#roomTop(params, q.before === undefined);
        if (typeof top !== 'number') return { hits: [], ...top, compared: 0 };
        params.top = top;
      }
      const win = this.#prepare(WINDOW(oneRoom)).get(params) as
        { low: number | null; lowSeq?: number; n: number } | undefined;
      if (!win || win.low === null) return none;
      params.low = win.low;
      if (win.lowSeq !== undefined) params.lowSeq = win.lowSeq;
      windowed = win.n >= this.#budget.rows;
    }
    const needles = q.terms.map((t) => t.toLowerCase());
    const rows = this.#prepare(trigrams.length > 0 ? INDEXED(oneRoom) : SCANNED(oneRoom)).iterate(params);
    const found: CandidateRow[] = [];
    let examined = 0;
    let compared = 0;
    let stoppedAt: number | undefined;
    for (const row of rows as IterableIterator<CandidateRow>) {
      examined++;
      if (row.current !== null) {
        const text = row.current.toLowerCase();
        // every() stops at the first missing term; each check is charged the whole body.
        if (needles.every((n) => ((compared += text.length), text.includes(n)))) found.push(row);
      }
      if (found.length > q.limit) break;
      if (compared >= this.#budget.text || examined >= this.#budget.rows) {
        stoppedAt = row.cursor;
        break;
      }
    }
    const hits = found.slice(0, q.limit).map((r) => {
      const event = this.#event.get(r.room, r.seq);
      if (!event) throw new Error(`search: no event ${r.room}/${r.seq}`);
      const e = toEvent(event);
      // The index holds the caption and an upload's file name; a hit shows the caption.
      return { event: { ...e, body: bodyOfSearchText(r.current ?? '', e.file?.name) }, cursor: r.cursor };
    });
    const page = { examined, compared };
    if (found.length > q.limit) return { hits, next: hits[hits.length - 1]!.cursor, ...page };
    if (stoppedAt !== undefined) return { hits, next: stoppedAt, ...page };
    // The scan's window ended before the log did: older messages are for the next page.
    if (windowed && params.low !== undefined) return { hits, next: params.low, ...page };
    return { hits, ...page };
  }

  /**
   * One room's scan: the seq its docs before the cursor are below. Or, when no doc of the room is
   * among the @rows docs before a cursor whose doc is gone, an empty page continuing below them.
   */
  #roomTop(params: Params, first: boolean): number | { examined: number; next?: number } {
    if (first) return Number.MAX_SAFE_INTEGER;
    const doc = this.#prepare(CURSOR_DOC).get(params) as { room: string; seq: number } | undefined;
    if (doc !== undefined && doc.room === params.room) return doc.seq;
    const below = this.#prepare(ROOM_BELOW).get(params) as { seq: number | null; low: number | null; n: number };
    if (below.seq !== null) return below.seq + 1;
    return below.n >= params.rows && below.low !== null
      ? { examined: below.n, next: below.low }
      : { examined: below.n };
  }

  #prepare(sql: string): Database.Statement<[Params], unknown> {
    let stmt = this.#statements.get(sql);
    if (!stmt) {
      stmt = this.#db.prepare<[Params], unknown>(sql);
      this.#statements.set(sql, stmt);
    }
    return stmt;
  }
}
