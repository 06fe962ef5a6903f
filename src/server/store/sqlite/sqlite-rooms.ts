/**
 * The SQLite half of rooms and memberships: room rows (title, topic: migration 009), member
 * lists, roles, bans and the people of direct messages. Memberships, bans and roles are written
 * only by appends (sqlite-append.ts); this file reads them.
 */
import type Database from 'better-sqlite3';
import { nanoid } from 'nanoid';
import { isDmName, type Member, type RoomInfo, type RoomRole, type UserRef } from '../../../protocol/index.ts';
import { roleIn } from '../../core/room-log/membership.ts';
import type { MemberPage, MembershipStore } from '../membership.ts';
import type { CreateRoomOptions } from '../room-log.ts';
import { toRoom, type RoomRow } from '../event-row.ts';

interface MemberRow {
  user_id: string;
  role: string;
  is_owner: number;
  nick: string;
  account: number;
  name: string | null;
}

export class SqliteRooms implements MembershipStore {
  readonly #stmt;

  constructor(db: Database.Database) {
    this.#stmt = {
      insertRoom: db.prepare(
        'INSERT INTO rooms (name, title, epoch, head, created_at, visibility, owner_id) VALUES (?, ?, ?, 0, ?, ?, ?) ON CONFLICT DO NOTHING',
      ),
      getRoom: db.prepare<[string], RoomRow>('SELECT * FROM rooms WHERE name = ?'),
      listRooms: db.prepare<[{ user: string }], RoomRow>(
        `SELECT * FROM rooms r WHERE r.visibility = 'public' OR r.owner_id = @user
           OR EXISTS (SELECT 1 FROM members m WHERE m.room = r.name AND m.user_id = @user) ORDER BY name`,
      ),
      isMember: db.prepare<[string, string], { one: number }>(
        'SELECT 1 AS one FROM members WHERE room = ? AND user_id = ?',
      ),
      memberRole: db.prepare<[string, string], { role: string }>(
        'SELECT role FROM members WHERE room = ? AND user_id = ?',
      ),
      isBanned: db.prepare<[string, string], { one: number }>(
        'SELECT 1 AS one FROM bans WHERE room = ? AND user_id = ?',
      ),
      count: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM members WHERE room = ?'),
      dmUsers: db.prepare<[string], { user_id: string; nick: string; name: string | null }>(
        `SELECT d.user_id, d.nick, a.display_name AS name FROM dm_users d LEFT JOIN accounts a ON a.id = d.user_id
           WHERE d.room = ? ORDER BY d.nick, d.user_id`,
      ),
      isDmUser: db.prepare<[string, string], { one: number }>(
        'SELECT 1 AS one FROM dm_users WHERE room = ? AND user_id = ?',
      ),
      addDmUser: db.prepare('INSERT INTO dm_users (room, user_id, nick) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
      // The nickname: the user's latest session, else the account's username.
      members: db.prepare<[string, number], MemberRow>(
        `SELECT m.user_id, m.role, (r.owner_id IS m.user_id) AS is_owner,
           coalesce((SELECT s.nick FROM sessions s WHERE s.user_id = m.user_id ORDER BY s.created_at DESC LIMIT 1),
                    (SELECT a.username FROM accounts a WHERE a.id = m.user_id), m.user_id) AS nick,
           a.id IS NOT NULL AS account, a.display_name AS name
         FROM members m JOIN rooms r ON r.name = m.room LEFT JOIN accounts a ON a.id = m.user_id
         WHERE m.room = ? ORDER BY is_owner DESC, m.joined_at, m.user_id LIMIT ?`,
      ),
    };
  }

  /** Inserts the room with head 0 and a new epoch; false when the name is taken. */
  create(name: string, title: string, options: CreateRoomOptions = {}): boolean {
    const { visibility = 'public', ownerId = null } = options;
    return this.#stmt.insertRoom.run(name, title, nanoid(12), Date.now(), visibility, ownerId).changes === 1;
  }

  /** The room; `decorated` adds a DM's people, `count` its member count too. */
  get(name: string, decorated = true, count = false): RoomInfo | undefined {
    const row = this.#stmt.getRoom.get(name);
    if (!row) return undefined;
    return decorated ? this.#decorate(toRoom(row), count) : toRoom(row);
  }

  list(userId: string): RoomInfo[] {
    return this.#stmt.listRooms.all({ user: userId }).map((r) => this.#decorate(toRoom(r), true));
  }

  /**
   * The room with, for a DM, the people it is between, and with `count` its member count (for
   * listings: a count walks the room's members, too much for every getRoom of a big room).
   */
  #decorate(room: RoomInfo, count: boolean): RoomInfo {
    // Only DM names have people (addDmUsers): other rooms skip the query (every join reads its room).
    const dm = isDmName(room.name)
      ? this.#stmt.dmUsers
          .all(room.name)
          .map((r): UserRef => ({ id: r.user_id, nick: r.nick, ...(r.name === null ? {} : { name: r.name }) }))
      : [];
    const members = count ? { members: this.#stmt.count.get(room.name)?.n ?? 0 } : {};
    return { ...room, ...members, ...(dm.length > 0 ? { dm } : {}) };
  }

  isDmUser(room: string, userId: string): boolean {
    return this.#stmt.isDmUser.get(room, userId) !== undefined;
  }

  addDmUsers(room: string, users: readonly UserRef[]): void {
    for (const u of users) this.#stmt.addDmUser.run(room, u.id, u.nick);
  }

  async roleOf(room: string, userId: string): Promise<RoomRole | undefined> {
    const owner = this.#stmt.getRoom.get(room)?.owner_id ?? undefined;
    return roleIn(owner, userId, this.#stmt.memberRole.get(room, userId)?.role as RoomRole | undefined);
  }

  async isBanned(room: string, userId: string): Promise<boolean> {
    return this.#stmt.isBanned.get(room, userId) !== undefined;
  }

  async isMember(room: string, userId: string): Promise<boolean> {
    return this.#stmt.isMember.get(room, userId) !== undefined;
  }

  async members(room: string, limit: number): Promise<MemberPage> {
    const rows = this.#stmt.members.all(room, limit + 1);
    const members = rows.slice(0, limit).map((r): Member => ({
      user: r.account
        ? { id: r.user_id, nick: r.nick, ...(r.name === null ? {} : { name: r.name }) }
        : { id: r.user_id, nick: r.nick, guest: true },
      role: r.is_owner ? 'owner' : (r.role as RoomRole),
    }));
    const more = rows.length > limit;
    // Counted only when the list stops short: otherwise the list is every member.
    return { members, more, total: more ? (this.#stmt.count.get(room)?.n ?? 0) : members.length };
  }
}
