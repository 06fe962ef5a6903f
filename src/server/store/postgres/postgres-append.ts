/**
 * The PostgreSQL half of an append, inside a transaction: lock the room's row (SELECT … FOR
 * UPDATE), read the state the core asks for (core/room-log/state.ts), let the core decide
 * (decide-append.ts), write what it decided. The row lock is held until commit, so appends to one
 * room from any number of nodes take turns and `seq = head + 1` stays gap-free; appends to other
 * rooms run in parallel.
 */
import { nanoid } from 'nanoid';
import type { RoomRole, RoomVisibility } from '../../../protocol/index.ts';
import { appendNeeds, decideAppend } from '../../core/room-log/decide-append.ts';
import type { Effect, EventWrite, UserLogWrite } from '../../core/room-log/plan.ts';
import type { AppendState, DmPerson, PersonState, RoomState } from '../../core/room-log/state.ts';
import type { AppendInput, AppendResult } from '../room-log.ts';
import type { UserLogEntry } from '../user-log.ts';
import type { Queryable } from './postgres-db.ts';
import { EVENT_COLUMNS, eventValues, toEvent, type EventRow } from '../event-row.ts';
import { applySearch } from './postgres-search.ts';
import { appendUserLog } from './postgres-user-log.ts';

interface LockedRoom {
  name: string;
  visibility: string;
  owner_id: string | null;
  head: number;
  title: string;
  topic: string;
}

const toState = (r: LockedRoom): RoomState => ({
  visibility: r.visibility as RoomVisibility,
  ...(r.owner_id === null ? {} : { ownerId: r.owner_id }),
  head: r.head,
  title: r.title,
  topic: r.topic,
});

/**
 * Locks the rooms' rows until commit, in name order (every transaction locks in that order, so
 * none waits on another in a circle), and reads them; a room that does not exist is absent.
 */
export async function lockRooms(c: Queryable, rooms: readonly string[]): Promise<Map<string, RoomState>> {
  const { rows } = await c.query<LockedRoom>(
    'SELECT name, visibility, owner_id, head, title, topic FROM rooms WHERE name = ANY ($1::text[]) ORDER BY name FOR UPDATE',
    [[...new Set(rooms)]],
  );
  return new Map(rows.map((r) => [r.name, toState(r)]));
}

/** Locks the room's row until commit and reads it; undefined when there is no such room. */
export async function lockRoom(c: Queryable, room: string): Promise<RoomState | undefined> {
  const { rows } = await c.query<LockedRoom>(
    'SELECT name, visibility, owner_id, head, title, topic FROM rooms WHERE name = $1 FOR UPDATE',
    [room],
  );
  return rows[0] && toState(rows[0]);
}

/** One append, inside the caller's transaction. */
export async function appendIn(c: Queryable, input: AppendInput): Promise<AppendResult> {
  const decision = decideAppend(input, await readState(c, input), { id: () => nanoid(), now: Date.now() });
  if (decision.status === 'quiet') {
    // Membership without a room event (a large room): the head stays.
    for (const effect of decision.effects) await applyEffect(c, decision.room, effect, decision.now);
    return { status: 'quiet', userEvents: await appendUserLog(c, decision.userLog) };
  }
  if (decision.status !== 'append') return decision;
  for (const w of decision.writes) await writeEvent(c, w);
  const events = decision.writes.map((w) => w.event);
  const event = events[events.length - 1]!;
  await c.query('UPDATE rooms SET head = $1 WHERE name = $2', [event.seq, event.room]);
  // User-log entries last, each user's head row locked in id order (no deadlock between appends).
  const userEvents: UserLogEntry[] = await appendUserLog(
    c,
    decision.writes.flatMap((w): UserLogWrite[] => [...w.userLog]),
  );
  return {
    status: 'appended',
    event,
    ...(events.length > 1 ? { before: events.slice(0, -1) } : {}),
    ...(userEvents.length > 0 ? { userEvents } : {}),
  };
}

async function readState(c: Queryable, input: AppendInput): Promise<AppendState> {
  const needs = appendNeeds(input);
  const room = await lockRoom(c, input.room);
  let prior;
  if (needs.prior && input.cid !== undefined) {
    const { rows } = await c.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE room = $1 AND sender_id = $2 AND cid = $3`,
      [input.room, input.sender.id, input.cid],
    );
    prior = rows[0] && toEvent(rows[0]);
  }
  if (!room) return { room, ...(prior ? { prior } : {}) };
  return {
    room,
    ...(prior ? { prior } : {}),
    ...(needs.sender ? { sender: await person(c, input.room, input.sender.id) } : {}),
    ...(needs.target && input.target ? { target: await person(c, input.room, input.target.id) } : {}),
    ...(needs.dmPeople ? { dmPeople: await dmPeople(c, input.room) } : {}),
  };
}

async function person(c: Queryable, room: string, user: string): Promise<PersonState> {
  const { rows } = await c.query<{ role: string | null; banned: boolean; dm_user: boolean }>(
    `SELECT (SELECT role FROM members WHERE room = $1 AND user_id = $2) AS role,
       EXISTS (SELECT 1 FROM bans WHERE room = $1 AND user_id = $2) AS banned,
       EXISTS (SELECT 1 FROM dm_users WHERE room = $1 AND user_id = $2) AS dm_user`,
    [room, user],
  );
  const r = rows[0]!;
  return {
    member: r.role !== null,
    banned: r.banned,
    ...(r.role === null ? {} : { role: r.role as RoomRole }),
    dmUser: r.dm_user,
  };
}

async function dmPeople(c: Queryable, room: string): Promise<DmPerson[]> {
  const { rows } = await c.query<{ user_id: string; nick: string; member: boolean; banned: boolean }>(
    `SELECT d.user_id, d.nick,
       EXISTS (SELECT 1 FROM members m WHERE m.room = d.room AND m.user_id = d.user_id) AS member,
       EXISTS (SELECT 1 FROM bans b WHERE b.room = d.room AND b.user_id = d.user_id) AS banned
     FROM dm_users d WHERE d.room = $1`,
    [room],
  );
  return rows.map((r) => ({ user: { id: r.user_id, nick: r.nick }, member: r.member, banned: r.banned }));
}

const INSERT_EVENT = `INSERT INTO events (${EVENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`;

/** Writes one event with its effects and search change (its user-log entries come after). */
async function writeEvent(c: Queryable, w: EventWrite): Promise<void> {
  const e = w.event;
  await c.query(INSERT_EVENT, eventValues(e));
  for (const effect of w.effects) await applyEffect(c, e.room, effect, e.ts);
  if (w.search) await applySearch(c, w.search);
}

async function applyEffect(c: Queryable, room: string, effect: Effect, ts: number): Promise<void> {
  switch (effect.kind) {
    case 'add_member':
      await c.query('INSERT INTO members (room, user_id, joined_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
        room,
        effect.user,
        ts,
      ]);
      return;
    case 'remove_member':
      await c.query('DELETE FROM members WHERE room = $1 AND user_id = $2', [room, effect.user]);
      return;
    case 'add_ban':
      await c.query('INSERT INTO bans (room, user_id, banned_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
        room,
        effect.user,
        ts,
      ]);
      return;
    case 'remove_ban':
      await c.query('DELETE FROM bans WHERE room = $1 AND user_id = $2', [room, effect.user]);
      return;
    case 'set_role':
      await c.query('UPDATE members SET role = $1 WHERE room = $2 AND user_id = $3', [effect.role, room, effect.user]);
      return;
    case 'set_title':
      await c.query('UPDATE rooms SET title = $1 WHERE name = $2', [effect.title, room]);
      return;
    case 'set_topic':
      await c.query('UPDATE rooms SET topic = $1 WHERE name = $2', [effect.topic, room]);
      return;
    case 'set_read':
      await c.query('UPDATE members SET read_seq = $1 WHERE room = $2 AND user_id = $3', [
        effect.seq,
        room,
        effect.user,
      ]);
  }
}
