/**
 * The SQLite half of room settings (title, topic), member lists and direct messages
 * (migration 009). Write methods are synchronous and run inside SqliteStore's group-commit
 * transaction, next to the room event that causes them.
 */
import type Database from 'better-sqlite3';
import type { Member, RoomInfo, RoomMetaKind, RoomRole, UserRef } from '../../../protocol/index.ts';

interface MemberRow {
  user_id: string;
  role: string;
  is_owner: number;
  nick: string;
}

export class SqliteRooms {
  readonly #stmt;

  constructor(db: Database.Database) {
    this.#stmt = {
      setTitle: db.prepare('UPDATE rooms SET title = ? WHERE name = ? AND title <> ?'),
      setTopic: db.prepare('UPDATE rooms SET topic = ? WHERE name = ? AND topic <> ?'),
      count: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM members WHERE room = ?'),
      dmUsers: db.prepare<[string], { user_id: string; nick: string }>(
        'SELECT user_id, nick FROM dm_users WHERE room = ? ORDER BY nick, user_id',
      ),
      isDmUser: db.prepare<[string, string], { one: number }>(
        'SELECT 1 AS one FROM dm_users WHERE room = ? AND user_id = ?',
      ),
      addDmUser: db.prepare('INSERT INTO dm_users (room, user_id, nick) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
      // Banned people are left out (a DM has no moderators today, but a ban always wins).
      dmOutsiders: db.prepare<[string], { user_id: string; nick: string }>(
        `SELECT d.user_id, d.nick FROM dm_users d WHERE d.room = ?
           AND NOT EXISTS (SELECT 1 FROM members m WHERE m.room = d.room AND m.user_id = d.user_id)
           AND NOT EXISTS (SELECT 1 FROM bans b WHERE b.room = d.room AND b.user_id = d.user_id)
         ORDER BY d.nick, d.user_id`,
      ),
      // The nickname: the user's latest session, else the account's username.
      members: db.prepare<[string, number], MemberRow>(
        `SELECT m.user_id, m.role, (r.owner_id IS m.user_id) AS is_owner,
           coalesce((SELECT s.nick FROM sessions s WHERE s.user_id = m.user_id ORDER BY s.created_at DESC LIMIT 1),
                    (SELECT a.username FROM accounts a WHERE a.id = m.user_id), m.user_id) AS nick
         FROM members m JOIN rooms r ON r.name = m.room
         WHERE m.room = ? ORDER BY is_owner DESC, m.joined_at, m.user_id LIMIT ?`,
      ),
    };
  }

  /** Applies a rename or topic change; false when the value is already that (nothing to append). */
  setMeta(room: string, kind: RoomMetaKind, value: string): boolean {
    const stmt = kind === 'rename' ? this.#stmt.setTitle : this.#stmt.setTopic;
    return stmt.run(value, room, value).changes > 0;
  }

  /**
   * The room with, for a DM, the people it is between, and with `count` its member count (for
   * listings: a count walks the room's members, too much for every getRoom of a big room).
   */
  decorate(room: RoomInfo, count = false): RoomInfo {
    const dm = this.#stmt.dmUsers.all(room.name).map((r): UserRef => ({ id: r.user_id, nick: r.nick }));
    const members = count ? { members: this.#stmt.count.get(room.name)?.n ?? 0 } : {};
    return { ...room, ...members, ...(dm.length > 0 ? { dm } : {}) };
  }

  isDmUser(room: string, userId: string): boolean {
    return this.#stmt.isDmUser.get(room, userId) !== undefined;
  }

  /** The people of a DM who are not members of it now (none for a room that is not a DM). */
  dmOutsiders(room: string): UserRef[] {
    return this.#stmt.dmOutsiders.all(room).map((r): UserRef => ({ id: r.user_id, nick: r.nick }));
  }

  addDmUsers(room: string, users: readonly UserRef[]): void {
    for (const u of users) this.#stmt.addDmUser.run(room, u.id, u.nick);
  }

  members(room: string, limit: number): { members: Member[]; more: boolean } {
    const rows = this.#stmt.members.all(room, limit + 1);
    const members = rows.slice(0, limit).map((r): Member => ({
      user: { id: r.user_id, nick: r.nick },
      role: r.is_owner ? 'owner' : (r.role as RoomRole),
    }));
    return { members, more: rows.length > limit };
  }
}
