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
      // Plucked: ids as strings, no object per row (a room's peers are often hundreds).
      rooms: db.prepare<[string], string>('SELECT room FROM members WHERE user_id = ?').pluck(),
      members: db.prepare<[string], string>('SELECT user_id FROM members WHERE room = ?').pluck(),
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

  /**
   * Everyone who shares a room with the user, from each room's members: `members` may answer from
   * what it read before (unchanged-reads.ts), so the 100 members of a room resuming after a restart
   * read its members once, not 100 times.
   */
  peers(userId: string, members: (room: string, read: () => readonly string[]) => readonly string[]): string[] {
    const peers = new Set<string>();
    for (const room of this.#stmt.rooms.all(userId)) {
      for (const id of members(room, () => this.#stmt.members.all(room))) peers.add(id);
    }
    peers.delete(userId);
    return [...peers];
  }
}
