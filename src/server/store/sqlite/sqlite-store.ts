/** Embedded default store: one SQLite file in WAL mode, with group commit. */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { nanoid } from 'nanoid';
import type {
  EventKind,
  FileRef,
  RoomEvent,
  RoomInfo,
  RoomRole,
  RoomVisibility,
  Receipt,
  UnreadCounts,
  UserRef,
} from '../../../protocol/index.ts';
import { isDmName, isWrittenKind } from '../../../protocol/index.ts';
import type {
  Account,
  AppendInput,
  AppendResult,
  CreateRoomOptions,
  DmResult,
  DmSpec,
  HistoryPage,
  HistoryQuery,
  LastSeen,
  MemberPage,
  MessageState,
  NewAccount,
  ReadResult,
  RefreshResult,
  SearchPage,
  SearchQuery,
  Store,
  StoredFile,
  UserLogEntry,
  UserLogPage,
} from '../store.ts';
import { SqliteUserLog } from './sqlite-user-log.ts';
import { SqliteSearch } from './sqlite-search.ts';
import { SqliteLastSeen } from './sqlite-last-seen.ts';
import { SqliteRooms } from './sqlite-rooms.ts';

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);

interface RoomRow {
  name: string;
  title: string;
  epoch: string;
  head: number;
  created_at: number;
  visibility: string;
  owner_id: string | null;
  /** Migration 009. */
  topic: string;
}

export interface EventRow {
  room: string;
  seq: number;
  id: string;
  cid: string | null;
  sender_id: string;
  sender_nick: string;
  kind: string;
  body: string;
  ref: number | null;
  target_id: string | null;
  target_nick: string | null;
  /** JSON FileRef of image / file messages (migration 006). */
  file: string | null;
  /** The seq a message replies to (migration 010). */
  reply: number | null;
  ts: number;
}

interface FileRow {
  id: string;
  room: string;
  uploader_id: string;
  name: string;
  size: number;
  type: string;
  width: number | null;
  height: number | null;
  thumb: number;
  created_at: number;
}

const toFile = (r: FileRow): StoredFile => ({
  id: r.id,
  name: r.name,
  size: r.size,
  type: r.type,
  ...(r.width === null || r.height === null ? {} : { width: r.width, height: r.height }),
  ...(r.thumb ? { thumb: true } : {}),
  room: r.room,
  uploaderId: r.uploader_id,
  createdAt: r.created_at,
});

interface AccountRow {
  id: string;
  username: string;
  password_hash: string;
  created_at: number;
}

interface RefreshRow {
  user_id: string;
  session_id: string;
  expires_at: number;
  revoked_at: number | null;
  /** Of its login session (migration 005). */
  ended_at: number | null;
}

const toAccount = (r: AccountRow): Account => ({
  id: r.id,
  username: r.username,
  passwordHash: r.password_hash,
  createdAt: r.created_at,
});

/** One write waiting for the next group commit: an append, or a user-log write (markRead). */
interface Pending {
  readonly run: () => unknown;
  readonly resolve: (r: never) => void;
  readonly reject: (e: unknown) => void;
}

const toRoom = (r: RoomRow): RoomInfo => ({
  name: r.name,
  title: r.title,
  epoch: r.epoch,
  head: r.head,
  createdAt: r.created_at,
  visibility: r.visibility as RoomVisibility,
  ...(r.topic ? { topic: r.topic } : {}),
});

export const toEvent = (r: EventRow): RoomEvent => ({
  room: r.room,
  seq: r.seq,
  id: r.id,
  ...(r.cid === null ? {} : { cid: r.cid }),
  sender: { id: r.sender_id, nick: r.sender_nick },
  kind: r.kind as EventKind,
  body: r.body,
  ...(r.ref === null ? {} : { ref: r.ref }),
  ...(r.target_id === null ? {} : { target: { id: r.target_id, nick: r.target_nick ?? r.target_id } }),
  ...(r.file === null ? {} : { file: JSON.parse(r.file) as FileRef }),
  ...(r.reply === null || r.reply === undefined ? {} : { reply: r.reply }),
  ts: r.ts,
});

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('base64url');

export function openSqlite(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // FULL: a commit survives power loss, which is what "durable before ack" promises.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const files = readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d+_.*\.sql$/.test(f))
    .sort();
  for (const file of files) {
    const version = Number.parseInt(file, 10);
    if (version <= current) continue;
    const sql = readFileSync(new URL(file, MIGRATIONS_DIR), 'utf8');
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${version}`);
    })();
  }
}

export class SqliteStore implements Store {
  readonly #db: Database.Database;
  #pending: Pending[] = [];
  #flushScheduled = false;
  readonly #stmt;
  readonly #search: SqliteSearch;
  /** The per-user log and read watermarks (migration 008). */
  readonly #userLog: SqliteUserLog;
  /** Presence: last seen times and room peers (migration 011). */
  readonly #lastSeen: SqliteLastSeen;
  /** Topics, member lists and DMs (migration 009). */
  readonly #rooms: SqliteRooms;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.#db = openSqlite(join(dataDir, 'parley.db'));
    const db = this.#db;
    this.#search = new SqliteSearch(db, toEvent);
    this.#userLog = new SqliteUserLog(db);
    this.#lastSeen = new SqliteLastSeen(db);
    this.#rooms = new SqliteRooms(db);
    this.#stmt = {
      insertRoom: db.prepare(
        'INSERT INTO rooms (name, title, epoch, head, created_at, visibility, owner_id) VALUES (?, ?, ?, 0, ?, ?, ?) ON CONFLICT DO NOTHING',
      ),
      getRoom: db.prepare<[string], RoomRow>('SELECT * FROM rooms WHERE name = ?'),
      listRooms: db.prepare<[{ user: string }], RoomRow>(
        `SELECT * FROM rooms r WHERE r.visibility = 'public' OR r.owner_id = @user
           OR EXISTS (SELECT 1 FROM members m WHERE m.room = r.name AND m.user_id = @user) ORDER BY name`,
      ),
      bumpHead: db.prepare<[string], { head: number }>(
        'UPDATE rooms SET head = head + 1 WHERE name = ? RETURNING head',
      ),
      byCid: db.prepare<[string, string, string], EventRow>(
        'SELECT * FROM events WHERE room = ? AND sender_id = ? AND cid = ?',
      ),
      insertEvent: db.prepare(
        'INSERT INTO events (room, seq, id, cid, sender_id, sender_nick, kind, body, ref, target_id, target_nick, ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      bySeq: db.prepare<[string, number], EventRow>('SELECT * FROM events WHERE room = ? AND seq = ?'),
      deleted: db.prepare<[string, number], { one: number }>(
        "SELECT 1 AS one FROM events WHERE room = ? AND ref = ? AND kind = 'delete' LIMIT 1",
      ),
      after: db.prepare<[string, number, number, number], EventRow>(
        'SELECT * FROM events WHERE room = ? AND seq > ? AND seq < ? ORDER BY seq ASC LIMIT ?',
      ),
      before: db.prepare<[string, number, number, number], EventRow>(
        'SELECT * FROM events WHERE room = ? AND seq > ? AND seq < ? ORDER BY seq DESC LIMIT ?',
      ),
      addMember: db.prepare('INSERT INTO members (room, user_id, joined_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
      removeMember: db.prepare('DELETE FROM members WHERE room = ? AND user_id = ?'),
      isMember: db.prepare<[string, string], { one: number }>(
        'SELECT 1 AS one FROM members WHERE room = ? AND user_id = ?',
      ),
      memberRole: db.prepare<[string, string], { role: string }>(
        'SELECT role FROM members WHERE room = ? AND user_id = ?',
      ),
      setRole: db.prepare('UPDATE members SET role = ? WHERE room = ? AND user_id = ? AND role <> ?'),
      addBan: db.prepare('INSERT INTO bans (room, user_id, banned_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
      removeBan: db.prepare('DELETE FROM bans WHERE room = ? AND user_id = ?'),
      isBanned: db.prepare<[string, string], { one: number }>(
        'SELECT 1 AS one FROM bans WHERE room = ? AND user_id = ?',
      ),
      userById: db.prepare<[string], { user_id: string; nick: string }>(
        'SELECT user_id, nick FROM sessions WHERE user_id = ? ORDER BY created_at DESC LIMIT 1',
      ),
      insertSession: db.prepare('INSERT INTO sessions (token_hash, user_id, nick, created_at) VALUES (?, ?, ?, ?)'),
      findSession: db.prepare<[string], { user_id: string; nick: string }>(
        'SELECT user_id, nick FROM sessions WHERE token_hash = ?',
      ),
      insertAccount: db.prepare(
        'INSERT INTO accounts (id, username, username_key, password_hash, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
      ),
      accountByKey: db.prepare<[string], AccountRow>('SELECT * FROM accounts WHERE username_key = ?'),
      accountById: db.prepare<[string], AccountRow>('SELECT * FROM accounts WHERE id = ?'),
      insertRefresh: db.prepare(
        'INSERT INTO refresh_tokens (token_hash, user_id, created_at, expires_at, session_id) VALUES (?, ?, ?, ?, ?)',
      ),
      findRefresh: db.prepare<[string], RefreshRow>(
        `SELECT t.user_id, t.session_id, t.expires_at, t.revoked_at, s.ended_at
           FROM refresh_tokens t JOIN login_sessions s ON s.id = t.session_id WHERE t.token_hash = ?`,
      ),
      revokeRefresh: db.prepare('UPDATE refresh_tokens SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL'),
      insertLoginSession: db.prepare('INSERT INTO login_sessions (id, user_id, created_at) VALUES (?, ?, ?)'),
      endLoginSession: db.prepare<[number, string], { id: string }>(
        'UPDATE login_sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL RETURNING id',
      ),
      endUserLoginSessions: db.prepare<[number, string], { id: string }>(
        'UPDATE login_sessions SET ended_at = ? WHERE user_id = ? AND ended_at IS NULL RETURNING id',
      ),
      revokeSessionRefresh: db.prepare(
        'UPDATE refresh_tokens SET revoked_at = ? WHERE session_id = ? AND revoked_at IS NULL',
      ),
      revokeUserRefresh: db.prepare(
        'UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL',
      ),
      loginSessionLive: db.prepare<[string], { one: number }>(
        'SELECT 1 AS one FROM login_sessions WHERE id = ? AND ended_at IS NULL',
      ),
      insertFile: db.prepare(
        'INSERT INTO files (id, room, uploader_id, name, size, type, width, height, thumb, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      getFile: db.prepare<[string], FileRow>('SELECT * FROM files WHERE id = ?'),
      deleteFile: db.prepare('DELETE FROM files WHERE id = ?'),
      setEventFile: db.prepare('UPDATE events SET file = ? WHERE room = ? AND seq = ?'),
      setEventReply: db.prepare('UPDATE events SET reply = ? WHERE room = ? AND seq = ?'),
    };
  }

  async createRoom(name: string, title: string, options: CreateRoomOptions = {}): Promise<RoomInfo | undefined> {
    const { visibility = 'public', ownerId = null } = options;
    const info = this.#stmt.insertRoom.run(name, title, nanoid(12), Date.now(), visibility, ownerId);
    return info.changes === 1 ? this.getRoom(name) : undefined;
  }

  async getRoom(name: string): Promise<RoomInfo | undefined> {
    const row = this.#stmt.getRoom.get(name);
    return row && this.#rooms.decorate(toRoom(row));
  }

  async listRooms(userId?: string): Promise<RoomInfo[]> {
    // '' is never a user id: without one, only public rooms.
    return this.#stmt.listRooms.all({ user: userId ?? '' }).map((r) => this.#rooms.decorate(toRoom(r), true));
  }

  async roleOf(room: string, userId: string): Promise<RoomRole | undefined> {
    if (this.#stmt.getRoom.get(room)?.owner_id === userId) return 'owner';
    return this.#stmt.memberRole.get(room, userId)?.role as RoomRole | undefined;
  }

  async isBanned(room: string, userId: string): Promise<boolean> {
    return this.#stmt.isBanned.get(room, userId) !== undefined;
  }

  async findUser(userId: string): Promise<UserRef | undefined> {
    const row = this.#stmt.userById.get(userId);
    if (row) return { id: row.user_id, nick: row.nick };
    const account = await this.getAccount(userId);
    return account && { id: account.id, nick: account.username };
  }

  append(input: AppendInput): Promise<AppendResult> {
    return this.#enqueue(() => this.#appendReaching(input));
  }

  markRead(room: string, userId: string, seq: number): Promise<ReadResult> {
    return this.#enqueue(() => this.#userLog.markRead(room, userId, seq));
  }

  async userLog(userId: string, after: number, limit: number): Promise<UserLogPage> {
    return this.#userLog.page(userId, after, limit);
  }

  async userHead(userId: string): Promise<number> {
    return this.#userLog.head(userId);
  }

  async unread(user: UserRef, room?: string): Promise<UnreadCounts[]> {
    return this.#userLog.unread(user, room);
  }

  async receipts(room: string, limit: number): Promise<Receipt[]> {
    return this.#userLog.receipts(room, limit);
  }

  openDm(spec: DmSpec): Promise<DmResult> {
    return this.#enqueue(() => this.#openDm(spec));
  }

  async members(room: string, limit: number): Promise<MemberPage> {
    return this.#rooms.members(room, limit);
  }

  /** Inside the group-commit transaction: the room, who it is between, and their memberships. */
  #openDm(spec: DmSpec): DmResult {
    const created =
      this.#stmt.insertRoom.run(spec.name, spec.title, nanoid(12), Date.now(), 'private', null).changes === 1;
    if (created) this.#rooms.addDmUsers(spec.name, [spec.opener, ...spec.others]);
    else if (!this.#rooms.isDmUser(spec.name, spec.opener.id)) {
      // The name is another room's (one created before DM names were reserved): leave it alone.
      return {
        room: toRoom(this.#stmt.getRoom.get(spec.name) as RoomRow),
        created: false,
        events: [],
        userEvents: [],
        taken: true,
      };
    }
    // Only the opener joins now: the others hear of it with its first message (#appendReaching).
    const r = this.#appendOne({ room: spec.name, sender: spec.opener, kind: 'join', body: '' });
    const appended = r.status === 'appended';
    const row = this.#stmt.getRoom.get(spec.name) as RoomRow;
    return {
      room: this.#rooms.decorate(toRoom(row), true),
      created,
      events: appended ? [r.event] : [],
      userEvents: appended ? (r.userEvents ?? []) : [],
    };
  }

  /**
   * A written message (text, image, file) to a DM first makes each of its people who is not a
   * member one again (an `invite` from the writer), in the same transaction, so the message is theirs to read. A resend of a
   * stored message appends nothing, so it adds nobody either.
   */
  #appendReaching(input: AppendInput): AppendResult {
    // Only DM names can have people to reach: every other message goes straight in.
    if (!isWrittenKind(input.kind) || !isDmName(input.room)) return this.#appendOne(input);
    if (input.cid !== undefined && this.#stmt.byCid.get(input.room, input.sender.id, input.cid)) {
      return this.#appendOne(input);
    }
    const outsiders = this.#rooms.dmOutsiders(input.room).filter((u) => u.id !== input.sender.id);
    if (outsiders.length === 0) return this.#appendOne(input);
    const before: RoomEvent[] = [];
    const userEvents: UserLogEntry[] = [];
    for (const target of outsiders) {
      const r = this.#appendOne({ room: input.room, sender: input.sender, kind: 'invite', body: '', target });
      if (r.status !== 'appended') continue;
      before.push(r.event);
      if (r.userEvents) userEvents.push(...r.userEvents);
    }
    const result = this.#appendOne(input);
    if (result.status !== 'appended') return result;
    if (result.userEvents) userEvents.push(...result.userEvents);
    return { ...result, before, ...(userEvents.length > 0 ? { userEvents } : {}) };
  }

  async roomPeers(userId: string): Promise<string[]> {
    return this.#lastSeen.peers(userId);
  }

  async setLastSeen(user: UserRef, ts: number): Promise<void> {
    this.#lastSeen.set(user, ts);
  }

  async lastSeen(userIds: readonly string[]): Promise<Map<string, LastSeen>> {
    return this.#lastSeen.get(userIds);
  }

  #enqueue<T>(run: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#pending.push({ run, resolve: resolve as (r: never) => void, reject });
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        // Group commit: every append of this tick shares one transaction and one fsync.
        setImmediate(() => this.#flush());
      }
    });
  }

  #flush(): void {
    this.#flushScheduled = false;
    const batch = this.#pending;
    this.#pending = [];
    let results: unknown[];
    try {
      results = this.#db.transaction(() => batch.map((p) => p.run()))();
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    batch.forEach((p, i) => p.resolve(results[i] as never));
  }

  #appendOne(input: AppendInput): AppendResult {
    if (input.cid !== undefined) {
      const prior = this.#stmt.byCid.get(input.room, input.sender.id, input.cid);
      if (prior) {
        const same =
          prior.kind === input.kind &&
          prior.body === input.body &&
          prior.ref === (input.ref ?? null) &&
          prior.target_id === (input.target?.id ?? null) &&
          prior.reply === (input.reply ?? null) &&
          (prior.file === null ? undefined : (JSON.parse(prior.file) as FileRef).id) === input.file?.id;
        return same ? { status: 'duplicate', event: toEvent(prior) } : { status: 'conflict' };
      }
    }
    if (input.kind === 'join' || input.kind === 'leave') {
      // Membership and its log event are one write. (Checked first: members references rooms.)
      const room = this.#stmt.getRoom.get(input.room);
      if (!room) return { status: 'no_room' };
      if (input.kind === 'join' && this.#mayNotJoin(room, input.sender.id)) return { status: 'forbidden' };
      const changed =
        input.kind === 'join'
          ? this.#stmt.addMember.run(input.room, input.sender.id, Date.now()).changes
          : this.#stmt.removeMember.run(input.room, input.sender.id).changes;
      if (changed === 0) return { status: 'unchanged' };
    }
    // A ban is appended for non-members too; only a member's ban is an `unmember` in their user log.
    const targetWasMember =
      input.kind !== 'ban' ||
      (input.target !== undefined && this.#stmt.isMember.get(input.room, input.target.id) !== undefined);
    if (input.target !== undefined) {
      if (!this.#stmt.getRoom.get(input.room)) return { status: 'no_room' };
      if (this.#moderate(input.room, input.kind, input.target.id, input.body) === 0) return { status: 'unchanged' };
    }
    if (input.kind === 'rename' || input.kind === 'topic') {
      if (!this.#stmt.getRoom.get(input.room)) return { status: 'no_room' };
      if (!this.#rooms.setMeta(input.room, input.kind, input.body)) return { status: 'unchanged' };
    }
    const bumped = this.#stmt.bumpHead.get(input.room);
    if (!bumped) return { status: 'no_room' };
    const event: RoomEvent = {
      room: input.room,
      seq: bumped.head,
      id: nanoid(),
      ...(input.cid === undefined ? {} : { cid: input.cid }),
      sender: { id: input.sender.id, nick: input.sender.nick },
      kind: input.kind,
      body: input.body,
      ...(input.ref === undefined ? {} : { ref: input.ref }),
      ...(input.target === undefined ? {} : { target: { id: input.target.id, nick: input.target.nick } }),
      ...(input.file === undefined ? {} : { file: input.file }),
      ...(input.reply === undefined ? {} : { reply: input.reply }),
      ts: Date.now(),
    };
    this.#stmt.insertEvent.run(
      event.room,
      event.seq,
      event.id,
      input.cid ?? null,
      event.sender.id,
      event.sender.nick,
      event.kind,
      event.body,
      input.ref ?? null,
      input.target?.id ?? null,
      input.target?.nick ?? null,
      event.ts,
    );
    if (input.file !== undefined) this.#stmt.setEventFile.run(JSON.stringify(input.file), event.room, event.seq);
    if (input.reply !== undefined) this.#stmt.setEventReply.run(input.reply, event.room, event.seq);
    const userEvents = this.#userLog.onRoomEvent(event, targetWasMember);
    return { status: 'appended', event, ...(userEvents.length > 0 ? { userEvents } : {}) };
  }

  /** Checked in the join's transaction, so a ban or kick racing a join always wins. */
  #mayNotJoin(room: RoomRow, userId: string): boolean {
    if (this.#stmt.isBanned.get(room.name, userId)) return true;
    if (room.visibility !== 'private' || room.owner_id === userId) return false;
    // The people a DM is between may always come back to it (src/server/handlers/dm.ts).
    return this.#stmt.isMember.get(room.name, userId) === undefined && !this.#rooms.isDmUser(room.name, userId);
  }

  /** Applies a moderation change; returns how many rows changed (0: nothing to append). */
  #moderate(room: string, kind: EventKind, userId: string, body: string): number {
    const s = this.#stmt;
    switch (kind) {
      case 'invite':
        return s.addMember.run(room, userId, Date.now()).changes;
      case 'kick':
        return s.removeMember.run(room, userId).changes;
      case 'ban': {
        const banned = s.addBan.run(room, userId, Date.now()).changes;
        return s.removeMember.run(room, userId).changes + banned;
      }
      case 'unban':
        return s.removeBan.run(room, userId).changes;
      case 'role':
        return s.setRole.run(body, room, userId, body).changes;
      default:
        return 1;
    }
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

  async message(room: string, seq: number): Promise<MessageState | undefined> {
    const row = this.#stmt.bySeq.get(room, seq);
    return row && { event: toEvent(row), deleted: this.#stmt.deleted.get(room, seq) !== undefined };
  }

  async isMember(room: string, userId: string): Promise<boolean> {
    return this.#stmt.isMember.get(room, userId) !== undefined;
  }

  async createSession(user: UserRef, token: string = randomBytes(24).toString('base64url')): Promise<string> {
    this.#stmt.insertSession.run(hashToken(token), user.id, user.nick, Date.now());
    return token;
  }

  async findSession(token: string): Promise<UserRef | undefined> {
    const row = this.#stmt.findSession.get(hashToken(token));
    return row && { id: row.user_id, nick: row.nick };
  }

  async createAccount(account: NewAccount): Promise<Account | undefined> {
    const { id, username, passwordHash } = account;
    const info = this.#stmt.insertAccount.run(id, username, username.toLowerCase(), passwordHash, Date.now());
    return info.changes === 1 ? this.getAccount(id) : undefined;
  }

  async findAccount(username: string): Promise<Account | undefined> {
    const row = this.#stmt.accountByKey.get(username.toLowerCase());
    return row && toAccount(row);
  }

  async getAccount(id: string): Promise<Account | undefined> {
    const row = this.#stmt.accountById.get(id);
    return row && toAccount(row);
  }

  async createLoginSession(userId: string, refreshToken: string, expiresAt: number): Promise<string> {
    const id = randomBytes(12).toString('base64url');
    const now = Date.now();
    this.#db.transaction(() => {
      this.#stmt.insertLoginSession.run(id, userId, now);
      this.#stmt.insertRefresh.run(hashToken(refreshToken), userId, now, expiresAt, id);
    })();
    return id;
  }

  async rotateRefreshToken(token: string, next: string, expiresAt: number, now = Date.now()): Promise<RefreshResult> {
    return this.#db.transaction((): RefreshResult => {
      const row = this.#stmt.findRefresh.get(hashToken(token));
      if (!row || row.ended_at !== null) return { status: 'invalid' };
      if (row.revoked_at !== null) {
        // A rotated token came back: it may have been stolen. End every login of this user.
        return { status: 'replayed', userId: row.user_id, ended: this.#endUserSessions(row.user_id, now) };
      }
      if (row.expires_at <= now) return { status: 'invalid' };
      this.#stmt.revokeRefresh.run(now, hashToken(token));
      this.#stmt.insertRefresh.run(hashToken(next), row.user_id, now, expiresAt, row.session_id);
      return { status: 'rotated', userId: row.user_id, sessionId: row.session_id };
    })();
  }

  async endLoginSessions(refreshToken: string, all = false, now = Date.now()): Promise<string[]> {
    return this.#db.transaction((): string[] => {
      const row = this.#stmt.findRefresh.get(hashToken(refreshToken));
      if (!row) return [];
      if (all) return this.#endUserSessions(row.user_id, now);
      const ended = this.#stmt.endLoginSession.all(now, row.session_id).map((r) => r.id);
      this.#stmt.revokeSessionRefresh.run(now, row.session_id);
      return ended;
    })();
  }

  /** Ends every live login session of the user and revokes all of the user's refresh tokens. */
  #endUserSessions(userId: string, now: number): string[] {
    const ended = this.#stmt.endUserLoginSessions.all(now, userId).map((r) => r.id);
    this.#stmt.revokeUserRefresh.run(now, userId);
    return ended;
  }

  async loginSessionActive(sessionId: string): Promise<boolean> {
    return this.#stmt.loginSessionLive.get(sessionId) !== undefined;
  }

  async createFile(f: StoredFile): Promise<void> {
    const dims = f.width !== undefined && f.height !== undefined ? [f.width, f.height] : [null, null];
    this.#stmt.insertFile.run(
      f.id,
      f.room,
      f.uploaderId,
      f.name,
      f.size,
      f.type,
      ...dims,
      f.thumb ? 1 : 0,
      f.createdAt,
    );
  }

  async getFile(id: string): Promise<StoredFile | undefined> {
    const row = this.#stmt.getFile.get(id);
    return row && toFile(row);
  }

  async deleteFile(id: string): Promise<boolean> {
    return this.#stmt.deleteFile.run(id).changes === 1;
  }

  async search(query: SearchQuery): Promise<SearchPage> {
    return this.#search.search(query);
  }

  async close(): Promise<void> {
    // Appends queued in this tick still commit before the file closes.
    if (this.#pending.length > 0) this.#flush();
    this.#db.close();
  }
}
