/**
 * The SQLite half of an append: read the state the core asks for (core/room-log/state.ts), let
 * the core decide (decide-append.ts), write what it decided. Synchronous: it runs inside the
 * group-commit transaction (group-commit.ts), which holds the write lock until commit, so what
 * was read stays true until the write lands.
 */
import type Database from 'better-sqlite3';
import { nanoid } from 'nanoid';
import type { RoomRole, RoomVisibility } from '../../../protocol/index.ts';
import { appendNeeds, decideAppend } from '../../core/room-log/decide-append.ts';
import type { Effect, EventWrite } from '../../core/room-log/plan.ts';
import type { AppendState, DmPerson, PersonState, RoomState } from '../../core/room-log/state.ts';
import type { AppendInput, AppendResult } from '../room-log.ts';
import type { UserLogEntry } from '../user-log.ts';
import { EVENT_COLUMNS, eventValues, toEvent, type EventRow } from '../event-row.ts';
import type { SqliteSearch } from './sqlite-search.ts';
import type { SqliteUserLog } from './sqlite-user-log.ts';

interface PersonRow {
  role: string | null;
  banned: number;
  dm_user: number;
}

interface RoomRow {
  visibility: string;
  owner_id: string | null;
  head: number;
  title: string;
  topic: string;
}

/** A person's standing in a room, by subqueries on @room and @user. */
const PERSON = `(SELECT role FROM members WHERE room = @room AND user_id = @user) AS role,
  EXISTS (SELECT 1 FROM bans WHERE room = @room AND user_id = @user) AS banned,
  EXISTS (SELECT 1 FROM dm_users WHERE room = @room AND user_id = @user) AS dm_user`;

const toPerson = (r: PersonRow): PersonState => ({
  member: r.role !== null,
  banned: r.banned === 1,
  ...(r.role === null ? {} : { role: r.role as RoomRole }),
  dmUser: r.dm_user === 1,
});

export class SqliteAppend {
  readonly #stmt;
  readonly #userLog: SqliteUserLog;
  readonly #search: SqliteSearch;

  constructor(db: Database.Database, userLog: SqliteUserLog, search: SqliteSearch) {
    this.#userLog = userLog;
    this.#search = search;
    this.#stmt = {
      room: db.prepare<[string], RoomRow>('SELECT visibility, owner_id, head, title, topic FROM rooms WHERE name = ?'),
      // The room and the sender in one statement: most appends read both (fewer steps per append).
      roomAndSender: db.prepare<{ room: string; user: string }, RoomRow & PersonRow>(
        `SELECT visibility, owner_id, head, title, topic, ${PERSON} FROM rooms WHERE name = @room`,
      ),
      byCid: db.prepare<[string, string, string], EventRow>(
        'SELECT * FROM events WHERE room = ? AND sender_id = ? AND cid = ?',
      ),
      person: db.prepare<{ room: string; user: string }, PersonRow>(`SELECT ${PERSON}`),
      dmPeople: db.prepare<[string], { user_id: string; nick: string; member: number; banned: number }>(
        `SELECT d.user_id, d.nick,
           EXISTS (SELECT 1 FROM members m WHERE m.room = d.room AND m.user_id = d.user_id) AS member,
           EXISTS (SELECT 1 FROM bans b WHERE b.room = d.room AND b.user_id = d.user_id) AS banned
         FROM dm_users d WHERE d.room = ?`,
      ),
      setHead: db.prepare('UPDATE rooms SET head = ? WHERE name = ?'),
      insertEvent: db.prepare(
        `INSERT INTO events (${EVENT_COLUMNS}) VALUES (${EVENT_COLUMNS.split(',')
          .map(() => '?')
          .join(', ')})`,
      ),
      addMember: db.prepare('INSERT INTO members (room, user_id, joined_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
      removeMember: db.prepare('DELETE FROM members WHERE room = ? AND user_id = ?'),
      addBan: db.prepare('INSERT INTO bans (room, user_id, banned_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
      removeBan: db.prepare('DELETE FROM bans WHERE room = ? AND user_id = ?'),
      setRole: db.prepare('UPDATE members SET role = ? WHERE room = ? AND user_id = ?'),
      setTitle: db.prepare('UPDATE rooms SET title = ? WHERE name = ?'),
      setTopic: db.prepare('UPDATE rooms SET topic = ? WHERE name = ?'),
      setRead: db.prepare('UPDATE members SET read_seq = ? WHERE room = ? AND user_id = ?'),
    };
  }

  /** One append, inside the caller's transaction. */
  append(input: AppendInput): AppendResult {
    const decision = decideAppend(input, this.#read(input), { id: () => nanoid(), now: Date.now() });
    if (decision.status === 'quiet') {
      // Membership without a room event (a large room): the head stays.
      for (const effect of decision.effects) this.#apply(decision.room, effect, decision.now);
      return { status: 'quiet', userEvents: decision.userLog.map((u) => this.#userLog.append(u.user, u.event)) };
    }
    if (decision.status !== 'append') return decision;
    const userEvents: UserLogEntry[] = [];
    for (const w of decision.writes) userEvents.push(...this.#write(w));
    const events = decision.writes.map((w) => w.event);
    const event = events[events.length - 1]!;
    this.#stmt.setHead.run(event.seq, event.room);
    return {
      status: 'appended',
      event,
      ...(events.length > 1 ? { before: events.slice(0, -1) } : {}),
      ...(userEvents.length > 0 ? { userEvents } : {}),
    };
  }

  #read(input: AppendInput): AppendState {
    const needs = appendNeeds(input);
    const row = needs.sender
      ? this.#stmt.roomAndSender.get({ room: input.room, user: input.sender.id })
      : this.#stmt.room.get(input.room);
    const room: RoomState | undefined = row && {
      visibility: row.visibility as RoomVisibility,
      ...(row.owner_id === null ? {} : { ownerId: row.owner_id }),
      head: row.head,
      title: row.title,
      topic: row.topic,
    };
    const prior =
      needs.prior && input.cid !== undefined && this.#stmt.byCid.get(input.room, input.sender.id, input.cid);
    if (!room) return { room, ...(prior ? { prior: toEvent(prior) } : {}) };
    return {
      room,
      ...(prior ? { prior: toEvent(prior) } : {}),
      ...(needs.sender ? { sender: toPerson(row as RoomRow & PersonRow) } : {}),
      ...(needs.target && input.target ? { target: this.#person(input.room, input.target.id) } : {}),
      ...(needs.dmPeople ? { dmPeople: this.#dmPeople(input.room) } : {}),
    };
  }

  #person(room: string, user: string): PersonState {
    return toPerson(this.#stmt.person.get({ room, user }) as PersonRow);
  }

  #dmPeople(room: string): DmPerson[] {
    return this.#stmt.dmPeople.all(room).map((r) => ({
      user: { id: r.user_id, nick: r.nick },
      member: r.member === 1,
      banned: r.banned === 1,
    }));
  }

  /** Writes one event with its effects, user-log entries and search change. */
  #write(w: EventWrite): UserLogEntry[] {
    const e = w.event;
    this.#stmt.insertEvent.run(...eventValues(e));
    for (const effect of w.effects) this.#apply(e.room, effect, e.ts);
    if (w.search) this.#search.apply(w.search);
    return w.userLog.map((u) => this.#userLog.append(u.user, u.event));
  }

  #apply(room: string, effect: Effect, ts: number): void {
    const s = this.#stmt;
    switch (effect.kind) {
      case 'add_member':
        s.addMember.run(room, effect.user, ts);
        return;
      case 'remove_member':
        s.removeMember.run(room, effect.user);
        return;
      case 'add_ban':
        s.addBan.run(room, effect.user, ts);
        return;
      case 'remove_ban':
        s.removeBan.run(room, effect.user);
        return;
      case 'set_role':
        s.setRole.run(effect.role, room, effect.user);
        return;
      case 'set_title':
        s.setTitle.run(effect.title, room);
        return;
      case 'set_topic':
        s.setTopic.run(effect.topic, room);
        return;
      case 'set_read':
        s.setRead.run(effect.seq, room, effect.user);
    }
  }
}
