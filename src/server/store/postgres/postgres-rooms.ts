/**
 * The PostgreSQL half of rooms and memberships: room rows, member lists, roles, bans and the
 * people of direct messages. Memberships, bans and roles are written only by appends
 * (postgres-append.ts); this file reads them.
 */
import { nanoid } from 'nanoid';
import type { Member, RoomInfo, RoomRole, UserRef } from '../../../protocol/index.ts';
import { roleIn } from '../../core/room-log/membership.ts';
import type { MemberPage, MembershipStore } from '../membership.ts';
import type { CreateRoomOptions } from '../room-log.ts';
import type { PgDb, Queryable } from './postgres-db.ts';
import { toRoom, type RoomRow } from '../event-row.ts';
import { NICK_OF, userRef } from './postgres-rows.ts';

interface DecoratedRow extends RoomRow {
  /** A DM's people by nickname then id; null for other rooms. */
  dm: UserRef[] | null;
  members?: number;
}

const ROOM = 'r.name, r.title, r.epoch, r.head, r.created_at, r.visibility, r.owner_id, r.topic';
// json_strip_nulls: an account without a display name (and every guest) has no `name`.
const DM = `(SELECT json_agg(json_strip_nulls(json_build_object('id', d.user_id, 'nick', d.nick, 'name', a.display_name))
     ORDER BY d.nick COLLATE "C", d.user_id COLLATE "C")
   FROM dm_users d LEFT JOIN accounts a ON a.id = d.user_id WHERE d.room = r.name) AS dm`;
const COUNT = '(SELECT count(*) FROM members m WHERE m.room = r.name) AS members';

const decorate = (r: DecoratedRow): RoomInfo => ({
  ...toRoom(r),
  ...(r.members === undefined ? {} : { members: r.members }),
  ...(r.dm && r.dm.length > 0 ? { dm: r.dm } : {}),
});

/** Inserts the room with head 0 and a new epoch; its row, or undefined when the name is taken. */
export async function insertRoom(
  c: Queryable,
  name: string,
  title: string,
  options: CreateRoomOptions = {},
): Promise<RoomInfo | undefined> {
  const { visibility = 'public', ownerId = null } = options;
  const { rows } = await c.query<RoomRow>(
    `INSERT INTO rooms AS r (name, title, epoch, head, created_at, visibility, owner_id) VALUES ($1, $2, $3, 0, $4, $5, $6)
     ON CONFLICT DO NOTHING RETURNING ${ROOM}`,
    [name, title, nanoid(12), Date.now(), visibility, ownerId],
  );
  return rows[0] && toRoom(rows[0]);
}

/** The room; `decorated` adds a DM's people, `count` its member count too. */
export async function getRoom(
  c: Queryable,
  name: string,
  decorated = true,
  count = false,
): Promise<RoomInfo | undefined> {
  const extra = decorated ? `, ${DM}${count ? `, ${COUNT}` : ''}` : '';
  const { rows } = await c.query<DecoratedRow>(`SELECT ${ROOM}${extra} FROM rooms r WHERE r.name = $1`, [name]);
  return rows[0] && decorate(rows[0]);
}

export async function isDmUser(c: Queryable, room: string, userId: string): Promise<boolean> {
  return (await c.query('SELECT 1 FROM dm_users WHERE room = $1 AND user_id = $2', [room, userId])).rows.length > 0;
}

export async function addDmUsers(c: Queryable, room: string, users: readonly UserRef[]): Promise<void> {
  for (const u of users) {
    await c.query('INSERT INTO dm_users (room, user_id, nick) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
      room,
      u.id,
      u.nick,
    ]);
  }
}

export class PgRooms implements MembershipStore {
  readonly #db: PgDb;

  constructor(db: PgDb) {
    this.#db = db;
  }

  /** Public rooms, and the private rooms the user owns or is a member of, with counts, by name. */
  async list(userId: string): Promise<RoomInfo[]> {
    const { rows } = await this.#db.query<DecoratedRow>(
      `SELECT ${ROOM}, ${DM}, ${COUNT} FROM rooms r
       WHERE r.visibility = 'public' OR r.owner_id = $1
         OR EXISTS (SELECT 1 FROM members m WHERE m.room = r.name AND m.user_id = $1)
       ORDER BY r.name COLLATE "C"`,
      [userId],
    );
    return rows.map(decorate);
  }

  async roleOf(room: string, userId: string): Promise<RoomRole | undefined> {
    const { rows } = await this.#db.query<{ owner_id: string | null; role: string | null }>(
      `SELECT r.owner_id, (SELECT m.role FROM members m WHERE m.room = r.name AND m.user_id = $2) AS role
       FROM rooms r WHERE r.name = $1`,
      [room, userId],
    );
    const r = rows[0];
    return roleIn(r?.owner_id ?? undefined, userId, (r?.role ?? undefined) as RoomRole | undefined);
  }

  async isBanned(room: string, userId: string): Promise<boolean> {
    return (
      (await this.#db.query('SELECT 1 FROM bans WHERE room = $1 AND user_id = $2', [room, userId])).rows.length > 0
    );
  }

  async isMember(room: string, userId: string): Promise<boolean> {
    const { rows } = await this.#db.query('SELECT 1 FROM members WHERE room = $1 AND user_id = $2', [room, userId]);
    return rows.length > 0;
  }

  async members(room: string, limit: number): Promise<MemberPage> {
    const { rows } = await this.#db.query<{
      user_id: string;
      role: string;
      is_owner: boolean;
      nick: string;
      account: boolean;
      name: string | null;
    }>(
      `SELECT m.user_id, m.role, (r.owner_id IS NOT DISTINCT FROM m.user_id) AS is_owner, ${NICK_OF('m.user_id')} AS nick,
         a.id IS NOT NULL AS account, a.display_name AS name
       FROM members m JOIN rooms r ON r.name = m.room LEFT JOIN accounts a ON a.id = m.user_id
       WHERE m.room = $1 ORDER BY is_owner DESC, m.joined_at, m.user_id COLLATE "C" LIMIT $2`,
      [room, limit + 1],
    );
    const members = rows.slice(0, limit).map((r): Member => ({
      user: userRef(r.user_id, r.nick, r.account, r.name),
      role: r.is_owner ? 'owner' : (r.role as RoomRole),
    }));
    const more = rows.length > limit;
    // Counted only when the list stops short: otherwise the list is every member.
    if (!more) return { members, more, total: members.length };
    const count = await this.#db.query<{ n: string }>('SELECT count(*) AS n FROM members WHERE room = $1', [room]);
    return { members, more, total: Number(count.rows[0]?.n ?? 0) };
  }
}
