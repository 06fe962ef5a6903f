/**
 * The PostgreSQL room log: rooms, appends (grouped across rooms, postgres-group-commit.ts, each
 * under its room's row lock, postgres-append.ts), history, and opening DMs.
 */
import type { RoomInfo } from '../../../protocol/index.ts';
import { DM_ROOM, dmTaken } from '../../core/room-log/dm.ts';
import type {
  AppendInput,
  AppendResult,
  CreateRoomOptions,
  DmResult,
  DmSpec,
  HistoryPage,
  HistoryQuery,
  MessageState,
  RoomLogStore,
} from '../room-log.ts';
import { appendIn } from './postgres-append.ts';
import type { PgDb } from './postgres-db.ts';
import { GroupCommit } from './postgres-group-commit.ts';
import { addDmUsers, getRoom, insertRoom, isDmUser, type PgRooms } from './postgres-rooms.ts';
import { EVENT_COLUMNS, toEvent, type EventRow } from '../event-row.ts';

export class PgRoomLog implements RoomLogStore {
  readonly #db: PgDb;
  readonly #rooms: PgRooms;
  readonly #commit: GroupCommit;

  constructor(db: PgDb, rooms: PgRooms) {
    this.#db = db;
    this.#rooms = rooms;
    this.#commit = new GroupCommit(db);
  }

  createRoom(name: string, title: string, options: CreateRoomOptions = {}): Promise<RoomInfo | undefined> {
    return insertRoom(this.#db, name, title, options);
  }

  getRoom(name: string): Promise<RoomInfo | undefined> {
    return getRoom(this.#db, name);
  }

  listRooms(userId?: string): Promise<RoomInfo[]> {
    // '' is never a user id: without one, only public rooms.
    return this.#rooms.list(userId ?? '');
  }

  append(input: AppendInput): Promise<AppendResult> {
    return this.#commit.append(input);
  }

  /** Resolves when the appends in flight have settled. */
  idle(): Promise<void> {
    return this.#commit.idle();
  }

  /** In one transaction: the room, who it is between, and the opener's join. */
  openDm(spec: DmSpec): Promise<DmResult> {
    return this.#db.tx(async (c): Promise<DmResult> => {
      const created = (await insertRoom(c, spec.name, spec.title, DM_ROOM)) !== undefined;
      if (created) await addDmUsers(c, spec.name, [spec.opener, ...spec.others]);
      else if (dmTaken(created, await isDmUser(c, spec.name, spec.opener.id))) {
        const room = (await getRoom(c, spec.name, false)) as RoomInfo;
        return { room, created: false, events: [], userEvents: [], taken: true };
      }
      // Only the opener joins now: the others hear of it with its first message (core/room-log/dm.ts).
      const r = await appendIn(c, { room: spec.name, sender: spec.opener, kind: 'join', body: '' });
      const appended = r.status === 'appended';
      return {
        room: (await getRoom(c, spec.name, true, true)) as RoomInfo,
        created,
        events: appended ? [r.event] : [],
        userEvents: appended ? (r.userEvents ?? []) : [],
      };
    });
  }

  async history(room: string, q: HistoryQuery): Promise<HistoryPage> {
    const upper = q.before ?? Number.MAX_SAFE_INTEGER;
    if (q.after !== undefined) {
      const { rows } = await this.#db.query<EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM events WHERE room = $1 AND seq > $2 AND seq < $3 ORDER BY seq ASC LIMIT $4`,
        [room, q.after, upper, q.limit + 1],
      );
      return { events: rows.slice(0, q.limit).map(toEvent), more: rows.length > q.limit };
    }
    const { rows } = await this.#db.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE room = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3`,
      [room, upper, q.limit + 1],
    );
    return { events: rows.slice(0, q.limit).reverse().map(toEvent), more: rows.length > q.limit };
  }

  async heads(rooms: readonly string[]): Promise<Map<string, number>> {
    if (rooms.length === 0) return new Map();
    const { rows } = await this.#db.query<{ name: string; head: number }>(
      'SELECT name, head FROM rooms WHERE name = ANY ($1::text[])',
      [[...new Set(rooms)]],
    );
    return new Map(rows.map((r) => [r.name, r.head]));
  }

  async message(room: string, seq: number): Promise<MessageState | undefined> {
    const { rows } = await this.#db.query<EventRow & { deleted: boolean }>(
      `SELECT ${EVENT_COLUMNS}, EXISTS (SELECT 1 FROM events d WHERE d.room = e.room AND d.ref = e.seq AND d.kind = 'delete') AS deleted
       FROM events e WHERE e.room = $1 AND e.seq = $2`,
      [room, seq],
    );
    const row = rows[0];
    return row && { event: toEvent(row), deleted: row.deleted };
  }
}
