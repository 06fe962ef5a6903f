/**
 * The SQLite half of presence (migration 011): "last seen" times that survive restarts, and who
 * shares a room with whom (the people allowed to see a user's status).
 */
import type Database from 'better-sqlite3';
import type { UserRef } from '../../../protocol/index.ts';
import type { LastSeen } from '../last-seen.ts';

export class SqliteLastSeen {
  readonly #stmt;

  constructor(db: Database.Database) {
    this.#stmt = {
      upsert: db.prepare(
        'INSERT INTO last_seen (user_id, nick, ts) VALUES (?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET nick = excluded.nick, ts = excluded.ts',
      ),
      get: db.prepare<[string], { user_id: string; nick: string; ts: number }>(
        'SELECT user_id, nick, ts FROM last_seen WHERE user_id = ?',
      ),
      // Plucked: ids as strings, no object per row (a hello's peers are often hundreds; half the time).
      peers: db
        .prepare<[string, string], string>(
          `SELECT DISTINCT o.user_id FROM members m JOIN members o ON o.room = m.room
           WHERE m.user_id = ? AND o.user_id <> ?`,
        )
        .pluck(),
    };
  }

  set(user: UserRef, ts: number): void {
    this.#stmt.upsert.run(user.id, user.nick, ts);
  }

  setMany(seen: readonly LastSeen[]): void {
    for (const { user, ts } of seen) this.#stmt.upsert.run(user.id, user.nick, ts);
  }

  get(userIds: readonly string[]): Map<string, LastSeen> {
    const out = new Map<string, LastSeen>();
    for (const id of new Set(userIds)) {
      const row = this.#stmt.get.get(id);
      if (row) out.set(id, { user: { id: row.user_id, nick: row.nick }, ts: row.ts });
    }
    return out;
  }

  peers(userId: string): string[] {
    return this.#stmt.peers.all(userId, userId);
  }
}
