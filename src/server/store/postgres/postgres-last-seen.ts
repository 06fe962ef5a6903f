/** The PostgreSQL half of presence: "last seen" times that survive restarts, and who shares a room with whom. */
import type { UserRef } from '../../../protocol/index.ts';
import type { LastSeen, LastSeenStore } from '../last-seen.ts';
import type { PgDb } from './postgres-db.ts';

export class PgLastSeen implements LastSeenStore {
  readonly #db: PgDb;

  constructor(db: PgDb) {
    this.#db = db;
  }

  async setLastSeen(user: UserRef, ts: number): Promise<void> {
    await this.#db.query(
      'INSERT INTO last_seen (user_id, nick, ts) VALUES ($1, $2, $3) ON CONFLICT (user_id) DO UPDATE SET nick = excluded.nick, ts = excluded.ts',
      [user.id, user.nick, ts],
    );
  }

  async setLastSeenMany(seen: readonly LastSeen[]): Promise<void> {
    // One statement; an upsert may touch a row only once, so the last entry per user wins here.
    const byId = new Map(seen.map((s) => [s.user.id, s]));
    if (byId.size === 0) return;
    const rows = [...byId.values()];
    await this.#db.query(
      `INSERT INTO last_seen (user_id, nick, ts)
       SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])
       ON CONFLICT (user_id) DO UPDATE SET nick = excluded.nick, ts = excluded.ts`,
      [rows.map((r) => r.user.id), rows.map((r) => r.user.nick), rows.map((r) => r.ts)],
    );
  }

  async lastSeen(userIds: readonly string[]): Promise<Map<string, LastSeen>> {
    const ids = [...new Set(userIds)];
    const { rows } = await this.#db.query<{ user_id: string; nick: string; ts: number }>(
      'SELECT user_id, nick, ts FROM last_seen WHERE user_id = ANY ($1::text[])',
      [ids],
    );
    const byId = new Map(rows.map((r) => [r.user_id, r]));
    const out = new Map<string, LastSeen>();
    // In the order asked, as the SQLite engine answers.
    for (const id of ids) {
      const r = byId.get(id);
      if (r) out.set(id, { user: { id: r.user_id, nick: r.nick }, ts: r.ts });
    }
    return out;
  }

  async roomPeers(userId: string): Promise<string[]> {
    const { rows } = await this.#db.query<{ user_id: string }>(
      `SELECT DISTINCT o.user_id FROM members m JOIN members o ON o.room = m.room
       WHERE m.user_id = $1 AND o.user_id <> $1`,
      [userId],
    );
    return rows.map((r) => r.user_id);
  }
}
