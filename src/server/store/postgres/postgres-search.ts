/**
 * Full-text search for the PostgreSQL store (migrations/002_search.sql): a pg_trgm GIN index over
 * the lower-cased current text of every message, for English and Chinese alike (any substring of
 * three or more characters). It answers as the SQLite engine does (sqlite/sqlite-search.ts), with
 * the same bounds on the work of one page:
 * - nothing is read for a user who is a member of no room (or not of the named room);
 * - the index is asked for rows holding a few distinct trigrams of the longer terms (never whole
 *   terms), newest first, at most `rows` per page, in every room, text only for readable ones;
 * - each term is checked in JavaScript against at most `text` characters per page in all;
 * - short terms (no trigram) scan the newest `rows` messages before the cursor.
 * A page that stops at a cap says where to continue (`next`), possibly with fewer hits, even none.
 */
import type { SearchChange } from '../../core/room-log/search-doc.ts';
import type { SearchPage, SearchQuery } from '../search-index.ts';
import { pickTrigrams, SEARCH_BUDGET, type SearchBudget } from '../../search/budget.ts';
import type { PgDb, Queryable } from './postgres-db.ts';
import { EVENT_COLUMNS, toEvent, type EventRow } from '../event-row.ts';
import { bodyOfSearchText } from '../../core/room-log/search-doc.ts';

/** A page and the work it did. */
export interface PgSearchPage extends SearchPage {
  readonly examined: number;
  readonly compared: number;
}

interface CandidateRow {
  cursor: number;
  room: string;
  seq: number;
  /** Null for a room the user cannot read: its text is never read. */
  current: string | null;
}

/** Applies an index change decided by the core. Call inside the event's transaction. */
export async function applySearch(c: Queryable, change: SearchChange): Promise<void> {
  if (change.op === 'add') {
    await c.query('INSERT INTO search_docs (room, seq, body, folded) VALUES ($1, $2, $3, $4)', [
      change.room,
      change.seq,
      change.text,
      change.text.toLowerCase(),
    ]);
  } else if (change.op === 'replace') {
    // An edit that raced past a delete finds no row and changes nothing.
    await c.query('UPDATE search_docs SET body = $1, folded = $2 WHERE room = $3 AND seq = $4', [
      change.text,
      change.text.toLowerCase(),
      change.room,
      change.seq,
    ]);
  } else {
    await c.query('DELETE FROM search_docs WHERE room = $1 AND seq = $2', [change.room, change.seq]);
  }
}

/** A LIKE pattern matching `s` anywhere, its wildcards and escape character taken literally. */
const containing = (s: string): string => `%${s.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;

// $1 user, $2 before, $3 rows, $4 room (or null), $5… one LIKE pattern per trigram (the index serves each).
const READABLE = `CASE WHEN ($4::text IS NULL AND d.room IN (SELECT m.room FROM members m WHERE m.user_id = $1))
    OR d.room = $4 THEN d.body END AS current`;
const INDEXED = (patterns: number): string => `SELECT d.id AS cursor, d.room, d.seq, ${READABLE}
  FROM search_docs d WHERE d.id < $2 AND ($4::text IS NULL OR d.room = $4)
    ${Array.from({ length: patterns }, (_, i) => `AND d.folded LIKE $${i + 5}`).join(' ')}
  ORDER BY d.id DESC LIMIT $3`;
const SCANNED = `SELECT d.id AS cursor, d.room, d.seq, ${READABLE}
  FROM search_docs d WHERE d.id < $2 AND ($4::text IS NULL OR d.room = $4)
  ORDER BY d.id DESC LIMIT $3`;

export class PgSearch {
  readonly #db: PgDb;
  readonly #budget: SearchBudget;

  constructor(db: PgDb, budget: Partial<SearchBudget> = {}) {
    this.#db = db;
    this.#budget = { ...SEARCH_BUDGET, ...budget };
  }

  async search(q: SearchQuery): Promise<PgSearchPage> {
    const none = { hits: [], examined: 0, compared: 0 };
    // PostgreSQL text never holds NUL, so no message contains such a term (and it cannot be a parameter).
    if (q.terms.some((t) => t.includes('\u0000'))) return none;
    const member = await this.#db.query(
      'SELECT 1 FROM members WHERE user_id = $1 AND ($2::text IS NULL OR room = $2) LIMIT 1',
      [q.userId, q.room ?? null],
    );
    // Readable rooms first: a user in none reads nothing at all.
    if (member.rows.length === 0) return none;

    const trigrams = pickTrigrams(q.terms, this.#budget.trigrams);
    const before = q.before ?? Number.MAX_SAFE_INTEGER;
    const params = [q.userId, before, this.#budget.rows, q.room ?? null];
    const { rows } =
      trigrams.length > 0
        ? await this.#db.query<CandidateRow>(INDEXED(trigrams.length), [...params, ...trigrams.map(containing)])
        : await this.#db.query<CandidateRow>(SCANNED, params);
    // The scan's window is full: older messages are for the next page.
    const windowed = trigrams.length === 0 && rows.length >= this.#budget.rows;

    const needles = q.terms.map((t) => t.toLowerCase());
    const found: CandidateRow[] = [];
    let examined = 0;
    let compared = 0;
    let stoppedAt: number | undefined;
    for (const row of rows) {
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
    const hits = await this.#hits(found.slice(0, q.limit));
    const page = { examined, compared };
    if (found.length > q.limit) return { hits, next: hits[hits.length - 1]!.cursor, ...page };
    if (stoppedAt !== undefined) return { hits, next: stoppedAt, ...page };
    if (windowed) return { hits, next: rows[rows.length - 1]!.cursor, ...page };
    return { hits, ...page };
  }

  /** The hits' events, with `body` their current text. */
  async #hits(found: readonly CandidateRow[]): Promise<PgSearchPage['hits']> {
    if (found.length === 0) return [];
    const { rows } = await this.#db.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events
       WHERE (room, seq) IN (SELECT * FROM unnest($1::text[], $2::bigint[]))`,
      [found.map((r) => r.room), found.map((r) => r.seq)],
    );
    const byKey = new Map(rows.map((r) => [`${r.seq}\u0000${r.room}`, r]));
    return found.map((r) => {
      const event = byKey.get(`${r.seq}\u0000${r.room}`);
      if (!event) throw new Error(`search: no event ${r.room}/${r.seq}`);
      const e = toEvent(event);
      // The index holds the caption and an upload's file name; a hit shows the caption.
      return { event: { ...e, body: bodyOfSearchText(r.current ?? '', e.file?.name) }, cursor: r.cursor };
    });
  }
}
