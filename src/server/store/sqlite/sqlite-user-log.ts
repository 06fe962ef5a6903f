/**
 * The SQLite half of the per-user log and read watermarks (migration 008). Its write methods are
 * synchronous and run inside SqliteStore's group-commit transaction, next to the room event
 * that causes them. What to write is decided in core/room-log/ (user-events.ts, read-marker.ts).
 */
import type Database from 'better-sqlite3';
import type { EventKind, Receipt, UserEvent, UserEventKind } from '../../../protocol/index.ts';
import { decideRead } from '../../core/room-log/read-marker.ts';
import type { UserEventInput } from '../../core/room-log/user-events.ts';
import type { ReadResult, UnreadMessages, UserLogEntry, UserLogPage } from '../user-log.ts';

interface UserEventRow {
  user_id: string;
  seq: number;
  kind: string;
  room: string;
  read: number | null;
  cause: string | null;
  ref: number | null;
  by_id: string | null;
  by_nick: string | null;
  ts: number;
}

const toUserEvent = (r: UserEventRow): UserEvent => ({
  seq: r.seq,
  kind: r.kind as UserEventKind,
  room: r.room,
  ...(r.read === null ? {} : { read: r.read }),
  ...(r.cause === null ? {} : { cause: r.cause as EventKind }),
  ...(r.ref === null ? {} : { ref: r.ref }),
  ...(r.by_id === null ? {} : { by: { id: r.by_id, nick: r.by_nick ?? r.by_id } }),
  ts: r.ts,
});

/**
 * Messages that count as unread: not yours, not deleted. `@read` is the watermark. search_docs
 * holds exactly the messages (text, image, file) not deleted (core/room-log/search-doc.ts), in the
 * append's own transaction (only the FTS index behind it is lazy), so its (room, seq) index walks
 * just them, with no delete to look up (migration 016). Named, and joined in this order, so a count
 * never walks a room's whole log.
 */
export const UNREAD_MESSAGES = `FROM search_docs s INDEXED BY search_docs_by_seq CROSS JOIN events e
  WHERE s.room = @room AND s.seq > @read AND e.room = s.room AND e.seq = s.seq AND e.sender_id <> @user`;

/**
 * A statement with its LIMIT written in, made once per limit: SQLite runs `LIMIT ?` markedly slower
 * than a literal limit (≈ 20 µs more for the unread count, here). The limits are the callers'
 * constants (UNREAD_CAP, MENTION_SCAN_MAX, RECEIPTS_MAX), so each cache holds one statement.
 */
function limited<S>(cache: Map<number, S>, limit: number, make: (limit: number) => S): S {
  if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError(`bad limit ${limit}`);
  let stmt = cache.get(limit);
  if (!stmt) cache.set(limit, (stmt = make(limit)));
  return stmt;
}

export class SqliteUserLog {
  readonly #db: Database.Database;
  readonly #stmt;
  readonly #countUnread = new Map<
    number,
    Database.Statement<{ room: string; read: number; user: string }, { n: number }>
  >();
  readonly #mentionTexts = new Map<
    number,
    Database.Statement<{ room: string; read: number; user: string }, { body: string; sender: string }>
  >();
  readonly #receipts = new Map<
    number,
    Database.Statement<[string], { user_id: string; nick: string; read: number; account: number }>
  >();

  constructor(db: Database.Database) {
    this.#db = db;
    this.#stmt = {
      bumpHead: db.prepare<[string], { head: number }>(
        'INSERT INTO user_heads (user_id, head) VALUES (?, 1) ON CONFLICT (user_id) DO UPDATE SET head = head + 1 RETURNING head',
      ),
      head: db.prepare<[string], { head: number }>('SELECT head FROM user_heads WHERE user_id = ?'),
      insert: db.prepare(
        'INSERT INTO user_events (user_id, seq, kind, room, read, cause, ref, by_id, by_nick, ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      after: db.prepare<[string, number, number], UserEventRow>(
        'SELECT * FROM user_events WHERE user_id = ? AND seq > ? ORDER BY seq ASC LIMIT ?',
      ),
      setRead: db.prepare('UPDATE members SET read_seq = ? WHERE room = ? AND user_id = ?'),
      membership: db.prepare<[string, string], { read: number; head: number }>(
        'SELECT m.read_seq AS read, r.head AS head FROM members m JOIN rooms r ON r.name = m.room WHERE m.room = ? AND m.user_id = ?',
      ),
      roomExists: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM rooms WHERE name = ?'),
      memberRooms: db.prepare<[string], { room: string; read: number; head: number }>(
        'SELECT m.room AS room, m.read_seq AS read, r.head AS head FROM members m JOIN rooms r ON r.name = m.room WHERE m.user_id = ? ORDER BY m.room',
      ),
    };
  }

  #countUnreadStmt(cap: number) {
    return limited(this.#countUnread, cap, (n) =>
      this.#db.prepare<{ room: string; read: number; user: string }, { n: number }>(
        `SELECT COUNT(*) AS n FROM (SELECT 1 ${UNREAD_MESSAGES} LIMIT ${n})`,
      ),
    );
  }

  /** The texts where mentions may be; the mention rule itself is core/room-log/unread.ts. */
  #mentionTextsStmt(scan: number) {
    return limited(this.#mentionTexts, scan, (n) =>
      this.#db.prepare<{ room: string; read: number; user: string }, { body: string; sender: string }>(
        `SELECT body, sender FROM (
           SELECT COALESCE((SELECT x.body FROM events x INDEXED BY events_by_ref_kind WHERE x.room = e.room AND x.ref = e.seq AND x.kind = 'edit'
                            ORDER BY x.seq DESC LIMIT 1), e.body) AS body, e.sender_id AS sender
           ${UNREAD_MESSAGES} ORDER BY s.seq DESC LIMIT ${n})
         WHERE instr(body, '@') > 0`,
      ),
    );
  }

  #receiptsStmt(limit: number) {
    return limited(this.#receipts, limit, (n) =>
      this.#db.prepare<[string], { user_id: string; nick: string; read: number; account: number }>(
        `SELECT m.user_id, m.read_seq AS read,
           COALESCE((SELECT s.nick FROM sessions s WHERE s.user_id = m.user_id ORDER BY s.created_at DESC LIMIT 1),
                    (SELECT a.username FROM accounts a WHERE a.id = m.user_id), m.user_id) AS nick,
           EXISTS (SELECT 1 FROM accounts a WHERE a.id = m.user_id) AS account
         FROM members m WHERE m.room = ? AND m.read_seq > 0 ORDER BY m.read_seq DESC LIMIT ${n}`,
      ),
    );
  }

  /** Appends one entry to the user's log (seq = head + 1). Call inside a transaction. */
  append(user: string, input: UserEventInput): UserLogEntry {
    const { head } = this.#stmt.bumpHead.get(user) as { head: number };
    const event: UserEvent = { ...input, seq: head, ts: Date.now() };
    this.#stmt.insert.run(
      user,
      head,
      event.kind,
      event.room,
      event.read ?? null,
      event.cause ?? null,
      event.ref ?? null,
      event.by?.id ?? null,
      event.by?.nick ?? null,
      event.ts,
    );
    return { user, event };
  }

  /** Moves the watermark forward (clamped to the head) and logs it (read-marker.ts). Call inside a transaction. */
  markRead(room: string, user: string, seq: number): ReadResult {
    const membership = this.#stmt.membership.get(room, user);
    const d = decideRead(room, seq, {
      roomExists: membership !== undefined || this.#stmt.roomExists.get(room) !== undefined,
      membership,
    });
    if (d.status !== 'move') return d;
    this.#stmt.setRead.run(d.read, room, user);
    return { status: 'moved', read: d.read, entry: this.append(user, d.entry) };
  }

  page(user: string, after: number, limit: number): UserLogPage {
    const rows = this.#stmt.after.all(user, after, limit + 1);
    return { events: rows.slice(0, limit).map(toUserEvent), more: rows.length > limit };
  }

  head(user: string): number {
    return this.#stmt.head.get(user)?.head ?? 0;
  }

  /** In `room`, or in every room the user is a member of (none for a non-member). */
  unreadMessages(user: string, room: string | undefined, bounds: { cap: number; scan: number }): UnreadMessages[] {
    const rows =
      room === undefined
        ? this.#stmt.memberRooms.all(user)
        : [this.#stmt.membership.get(room, user)].flatMap((r) => (r ? [{ room, ...r }] : []));
    if (rows.length === 0) return [];
    const count = this.#countUnreadStmt(bounds.cap);
    return rows.map((r) => {
      const q = { room: r.room, read: r.read, user };
      const unread = (count.get(q) as { n: number }).n;
      const found = unread === 0 ? [] : this.#mentionTextsStmt(bounds.scan).all(q);
      const texts = found.map((t) => t.body);
      const senders = found.map((t) => t.sender);
      return { room: r.room, read: r.read, head: r.head, unread, texts, senders };
    });
  }

  receipts(room: string, limit: number): Receipt[] {
    return this.#receiptsStmt(limit)
      .all(room)
      .map((r) => ({
        user: r.account ? { id: r.user_id, nick: r.nick } : { id: r.user_id, nick: r.nick, guest: true },
        seq: r.read,
      }));
  }
}
