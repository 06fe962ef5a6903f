/**
 * The PostgreSQL half of the per-user log and read watermarks. Entries are appended inside the
 * transaction of the room event (postgres-append.ts) or read mark that causes them; each user's
 * head row is locked (in user-id order) so `seq = head + 1` holds per user across nodes. What to
 * write is decided in core/room-log/ (user-events.ts, read-marker.ts).
 */
import type { EventKind, Receipt, UserEvent, UserEventKind } from '../../../protocol/index.ts';
import type { UserLogWrite } from '../../core/room-log/plan.ts';
import { decideRead } from '../../core/room-log/read-marker.ts';
import type { ReadResult, UnreadMessages, UserLogEntry, UserLogPage } from '../user-log.ts';
import type { PgDb, Queryable } from './postgres-db.ts';
import { HAS_ACCOUNT, NICK_OF, userRef } from './postgres-rows.ts';

interface UserEventRow {
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
 * Appends the entries, in order, each at its user's head + 1. Call inside a transaction: each
 * user's head row is created or locked (ids in order, so two transactions never wait on each
 * other in a circle) and moved by that user's count of entries.
 */
export async function appendUserLog(c: Queryable, writes: readonly UserLogWrite[]): Promise<UserLogEntry[]> {
  if (writes.length === 0) return [];
  const counts = new Map<string, number>();
  for (const w of writes) counts.set(w.user, (counts.get(w.user) ?? 0) + 1);
  const next = new Map<string, number>();
  for (const user of [...counts.keys()].sort()) {
    const n = counts.get(user)!;
    const { rows } = await c.query<{ head: number }>(
      `INSERT INTO user_heads (user_id, head) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET head = user_heads.head + excluded.head RETURNING head`,
      [user, n],
    );
    next.set(user, rows[0]!.head - n + 1);
  }
  const ts = Date.now();
  const entries = writes.map((w): UserLogEntry => {
    const seq = next.get(w.user)!;
    next.set(w.user, seq + 1);
    return { user: w.user, event: { ...w.event, seq, ts } };
  });
  const cols = 10;
  const values: unknown[] = [];
  const tuples = entries.map(({ user, event: e }, i) => {
    values.push(user, e.seq, e.kind, e.room, e.read ?? null, e.cause ?? null, e.ref ?? null);
    values.push(e.by?.id ?? null, e.by?.nick ?? null, e.ts);
    return `(${Array.from({ length: cols }, (_, k) => `$${i * cols + k + 1}`).join(', ')})`;
  });
  await c.query(
    `INSERT INTO user_events (user_id, seq, kind, room, read, cause, ref, by_id, by_nick, ts) VALUES ${tuples.join(', ')}`,
    values,
  );
  return entries;
}

/**
 * Messages of `m` that count as unread: after the watermark, not the user's own, not deleted.
 * `m` has `room` and `read`; $1 is the user.
 */
const UNREAD_MESSAGES = (m: string): string => `FROM events e
  WHERE e.room = ${m}.room AND e.seq > ${m}.read AND e.kind IN ('text', 'image', 'file') AND e.sender_id <> $1
    AND NOT EXISTS (SELECT 1 FROM events d WHERE d.room = e.room AND d.ref = e.seq AND d.kind = 'delete')`;

export class PgUserLog {
  readonly #db: PgDb;
  /** Per user: settles when the user's last read on this node has. */
  readonly #reads = new Map<string, Promise<void>>();

  constructor(db: PgDb) {
    this.#db = db;
  }

  /**
   * Moves the watermark forward (clamped to the head) and logs it (read-marker.ts), in one
   * transaction. A user's reads on this node commit in the order they were asked (each waits for
   * the one before), as in the SQLite engine: a burst of reads moves the watermark step by step.
   */
  markRead(room: string, user: string, seq: number): Promise<ReadResult> {
    const previous = this.#reads.get(user) ?? Promise.resolve();
    const read = previous.then(() => this.#markRead(room, user, seq));
    const tail = read.then(
      () => undefined,
      () => undefined,
    );
    this.#reads.set(user, tail);
    void tail.then(() => {
      if (this.#reads.get(user) === tail) this.#reads.delete(user);
    });
    return read;
  }

  #markRead(room: string, user: string, seq: number): Promise<ReadResult> {
    return this.#db.tx(async (c) => {
      // The membership row stays locked: two reads of one member apply one after the other.
      const { rows } = await c.query<{ read: number; head: number }>(
        `SELECT m.read_seq AS read, r.head AS head FROM members m JOIN rooms r ON r.name = m.room
         WHERE m.room = $1 AND m.user_id = $2 FOR UPDATE OF m`,
        [room, user],
      );
      const membership = rows[0];
      const roomExists =
        membership !== undefined || (await c.query('SELECT 1 FROM rooms WHERE name = $1', [room])).rows.length > 0;
      const d = decideRead(room, seq, { roomExists, membership });
      if (d.status !== 'move') return d;
      await c.query('UPDATE members SET read_seq = $1 WHERE room = $2 AND user_id = $3', [d.read, room, user]);
      const [entry] = await appendUserLog(c, [{ user, event: d.entry }]);
      return { status: 'moved', read: d.read, entry: entry! };
    });
  }

  async page(user: string, after: number, limit: number): Promise<UserLogPage> {
    const { rows } = await this.#db.query<UserEventRow>(
      'SELECT seq, kind, room, read, cause, ref, by_id, by_nick, ts FROM user_events WHERE user_id = $1 AND seq > $2 ORDER BY seq ASC LIMIT $3',
      [user, after, limit + 1],
    );
    return { events: rows.slice(0, limit).map(toUserEvent), more: rows.length > limit };
  }

  async head(user: string): Promise<number> {
    const { rows } = await this.#db.query<{ head: number }>('SELECT head FROM user_heads WHERE user_id = $1', [user]);
    return rows[0]?.head ?? 0;
  }

  /** In `room`, or in every room the user is a member of (none for a non-member): two queries in all. */
  async unreadMessages(
    user: string,
    room: string | undefined,
    bounds: { cap: number; scan: number },
  ): Promise<UnreadMessages[]> {
    const counted = await this.#db.query<{ room: string; read: number; head: number; unread: number }>(
      `SELECT k.room, k.read, k.head, (SELECT count(*) FROM (SELECT 1 ${UNREAD_MESSAGES('k')} LIMIT $3) x) AS unread
       FROM (SELECT m.room, m.read_seq AS read, r.head FROM members m JOIN rooms r ON r.name = m.room
             WHERE m.user_id = $1 AND ($2::text IS NULL OR m.room = $2)) k
       ORDER BY k.room COLLATE "C"`,
      [user, room ?? null, bounds.cap],
    );
    const unread = counted.rows.filter((r) => r.unread > 0);
    const texts = new Map<string, string[]>();
    const senders = new Map<string, string[]>();
    if (unread.length > 0) {
      // The texts where mentions may be, newest first; the mention rule itself is core/room-log/unread.ts.
      const { rows } = await this.#db.query<{ room: string; body: string; sender: string }>(
        `SELECT k.room, t.body, t.sender FROM unnest($2::text[], $3::bigint[]) AS k (room, read)
         CROSS JOIN LATERAL (
           SELECT e.seq, coalesce((SELECT x.body FROM events x WHERE x.room = e.room AND x.ref = e.seq AND x.kind = 'edit'
                                   ORDER BY x.seq DESC LIMIT 1), e.body) AS body, e.sender_id AS sender
           ${UNREAD_MESSAGES('k')} ORDER BY e.seq DESC LIMIT $4) t
         WHERE strpos(t.body, '@') > 0
         ORDER BY k.room, t.seq DESC`,
        [user, unread.map((r) => r.room), unread.map((r) => r.read), bounds.scan],
      );
      for (const r of rows) {
        texts.set(r.room, [...(texts.get(r.room) ?? []), r.body]);
        senders.set(r.room, [...(senders.get(r.room) ?? []), r.sender]);
      }
    }
    return counted.rows.map((r) => ({ ...r, texts: texts.get(r.room) ?? [], senders: senders.get(r.room) ?? [] }));
  }

  async receipts(room: string, limit: number): Promise<Receipt[]> {
    const { rows } = await this.#db.query<{ user_id: string; nick: string; read: number; account: boolean }>(
      `SELECT m.user_id, m.read_seq AS read, ${NICK_OF('m.user_id')} AS nick, ${HAS_ACCOUNT('m.user_id')} AS account
       FROM members m WHERE m.room = $1 AND m.read_seq > 0 ORDER BY m.read_seq DESC, m.user_id COLLATE "C" DESC LIMIT $2`,
      [room, limit],
    );
    return rows.map((r) => ({ user: userRef(r.user_id, r.nick, r.account), seq: r.read }));
  }
}
