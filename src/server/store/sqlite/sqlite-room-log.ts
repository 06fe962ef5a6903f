/**
 * The SQLite room log: rooms, appends (through group commit, sqlite-append.ts), history, and
 * opening DMs. Writes run inside the shared group-commit transaction.
 */
import type Database from 'better-sqlite3';
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
import { toEvent, type EventRow } from '../event-row.ts';
import type { GroupCommit } from './group-commit.ts';
import type { SqliteAppend } from './sqlite-append.ts';
import type { SqliteRooms } from './sqlite-rooms.ts';

export class SqliteRoomLog implements RoomLogStore {
  readonly #commit: GroupCommit;
  readonly #rooms: SqliteRooms;
  readonly #append: SqliteAppend;
  readonly #stmt;

  constructor(db: Database.Database, commit: GroupCommit, rooms: SqliteRooms, append: SqliteAppend) {
    this.#commit = commit;
    this.#rooms = rooms;
    this.#append = append;
    this.#stmt = {
      bySeq: db.prepare<[string, number], EventRow>('SELECT * FROM events WHERE room = ? AND seq = ?'),
      deleted: db.prepare<[string, number], { one: number }>(
        "SELECT 1 AS one FROM events WHERE room = ? AND ref = ? AND kind = 'delete' LIMIT 1",
      ),
      after: db.prepare<[string, number, number, number], EventRow>(
        'SELECT * FROM events WHERE room = ? AND seq > ? AND seq < ? ORDER BY seq ASC LIMIT ?',
      ),
      heads: db.prepare<[string], { name: string; head: number }>(
        'SELECT name, head FROM rooms WHERE name IN (SELECT value FROM json_each(?))',
      ),
      before: db.prepare<[string, number, number, number], EventRow>(
        'SELECT * FROM events WHERE room = ? AND seq > ? AND seq < ? ORDER BY seq DESC LIMIT ?',
      ),
    };
  }

  createRoom(name: string, title: string, options: CreateRoomOptions = {}): Promise<RoomInfo | undefined> {
    return this.#commit.run(() => (this.#rooms.create(name, title, options) ? this.#rooms.get(name) : undefined));
  }

  async getRoom(name: string): Promise<RoomInfo | undefined> {
    return this.#rooms.get(name);
  }

  async listRooms(userId?: string): Promise<RoomInfo[]> {
    // '' is never a user id: without one, only public rooms.
    return this.#rooms.list(userId ?? '');
  }

  append(input: AppendInput): Promise<AppendResult> {
    return this.#commit.run(() => this.#append.append(input));
  }

  openDm(spec: DmSpec): Promise<DmResult> {
    return this.#commit.run(() => this.#openDm(spec));
  }

  /** Inside the group-commit transaction: the room, who it is between, and the opener's join. */
  #openDm(spec: DmSpec): DmResult {
    const created = this.#rooms.create(spec.name, spec.title, DM_ROOM);
    if (created) this.#rooms.addDmUsers(spec.name, [spec.opener, ...spec.others]);
    else if (dmTaken(created, this.#rooms.isDmUser(spec.name, spec.opener.id))) {
      const room = this.#rooms.get(spec.name, false) as RoomInfo;
      return { room, created: false, events: [], userEvents: [], taken: true };
    }
    // Only the opener joins now: the others hear of it with its first message (core/room-log/dm.ts).
    const r = this.#append.append({ room: spec.name, sender: spec.opener, kind: 'join', body: '' });
    const appended = r.status === 'appended';
    return {
      room: this.#rooms.get(spec.name, true, true) as RoomInfo,
      created,
      events: appended ? [r.event] : [],
      userEvents: appended ? (r.userEvents ?? []) : [],
    };
  }

  async history(room: string, q: HistoryQuery): Promise<HistoryPage> {
    const upper = q.before ?? Number.MAX_SAFE_INTEGER;
    if (q.after !== undefined) {
      const rows = this.#stmt.after.all(room, q.after, upper, q.limit + 1);
      return { events: rows.slice(0, q.limit).map(toEvent), more: rows.length > q.limit };
    }
    const rows = this.#stmt.before.all(room, 0, upper, q.limit + 1);
    return { events: rows.slice(0, q.limit).reverse().map(toEvent), more: rows.length > q.limit };
  }

  async heads(rooms: readonly string[]): Promise<Map<string, number>> {
    const heads = new Map<string, number>();
    if (rooms.length === 0) return heads;
    for (const { name, head } of this.#stmt.heads.all(JSON.stringify(rooms))) heads.set(name, head);
    return heads;
  }

  async message(room: string, seq: number): Promise<MessageState | undefined> {
    const row = this.#stmt.bySeq.get(room, seq);
    return row && { event: toEvent(row), deleted: this.#stmt.deleted.get(room, seq) !== undefined };
  }
}
