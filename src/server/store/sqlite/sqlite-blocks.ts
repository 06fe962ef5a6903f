/** The SQLite part of the blocks port (migration 013). */
import type Database from 'better-sqlite3';
import type { UserRef } from '../../../protocol/index.ts';

export class SqliteBlocks {
  readonly #stmt;

  constructor(db: Database.Database) {
    this.#stmt = {
      insert: db.prepare('INSERT INTO blocks (blocker, blocked, nick, ts) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING'),
      remove: db.prepare('DELETE FROM blocks WHERE blocker = ? AND blocked = ?'),
      list: db.prepare<[string], { blocked: string; nick: string; account: number; name: string | null }>(
        `SELECT b.blocked, b.nick, a.id IS NOT NULL AS account, a.display_name AS name
           FROM blocks b LEFT JOIN accounts a ON a.id = b.blocked WHERE b.blocker = ? ORDER BY b.ts, b.blocked`,
      ),
      blockers: db.prepare<[string], { blocker: string }>('SELECT blocker FROM blocks WHERE blocked = ?'),
    };
  }

  block(blocker: string, blocked: UserRef): boolean {
    return this.#stmt.insert.run(blocker, blocked.id, blocked.nick, Date.now()).changes > 0;
  }

  unblock(blocker: string, blocked: string): boolean {
    return this.#stmt.remove.run(blocker, blocked).changes > 0;
  }

  blocked(blocker: string): UserRef[] {
    return this.#stmt.list
      .all(blocker)
      .map((r): UserRef =>
        r.account
          ? { id: r.blocked, nick: r.nick, ...(r.name === null ? {} : { name: r.name }) }
          : { id: r.blocked, nick: r.nick, guest: true },
      );
  }

  blockers(userId: string, among: readonly string[]): string[] {
    if (among.length === 0) return [];
    const wanted = new Set(among);
    return this.#stmt.blockers
      .all(userId)
      .map((r) => r.blocker)
      .filter((id) => wanted.has(id));
  }

  blockedBy(userId: string): string[] {
    return this.#stmt.blockers.all(userId).map((r) => r.blocker);
  }
}
