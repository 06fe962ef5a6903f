/**
 * The SQLite store in the calling thread: one SQLite file in WAL mode, with group commit (every
 * write goes through it). One object made of one part per port (../store.ts); each part only
 * reads and writes, the rules are in src/server/core/room-log/. The server runs it in a worker
 * thread (worker-store.ts), so the commits' fsyncs never block the event loop; tests and tools
 * may use it directly.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { Receipt, RoomInfo, RoomRole, UserRef } from '../../../protocol/index.ts';
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
  UnreadMessages,
  UserLogPage,
} from '../store.ts';
import { GroupCommit } from './group-commit.ts';
import { SqliteAccounts } from './sqlite-accounts.ts';
import { SqliteAppend } from './sqlite-append.ts';
import { SqliteBlocks } from './sqlite-blocks.ts';
import { openSqlite } from './sqlite-db.ts';
import { SqliteFiles } from './sqlite-files.ts';
import { UnchangedReads } from './unchanged-reads.ts';
import { SqliteLastSeen } from './sqlite-last-seen.ts';
import { SqliteRoomLog } from './sqlite-room-log.ts';
import { SqliteRooms } from './sqlite-rooms.ts';
import { SqliteSearch } from './sqlite-search.ts';
import { SqliteUserLog } from './sqlite-user-log.ts';

export { openSqlite } from './sqlite-db.ts';
export { toEvent, type EventRow } from '../event-row.ts';
export { hashToken } from './sqlite-accounts.ts';

/** The FTS index catches up this long after a commit that added docs (sqlite-search.ts)… */
const INDEX_DELAY_MS = 250;
/** …or at once, off the commit's path, when this many docs wait. */
const INDEX_AT_ONCE = 500;

export interface SqliteStoreConnection {
  readonly db: Database.Database;
  /** A read-only connection (the worker store's reads): its owner catches the search index up. */
  readonly readOnly?: boolean;
}

export class SqliteStore implements Store {
  readonly #db: Database.Database;
  readonly #readOnly: boolean;
  #indexTimer: NodeJS.Timeout | undefined;
  #indexSoon: NodeJS.Immediate | undefined;
  readonly #commit: GroupCommit;
  readonly #log: SqliteRoomLog;
  readonly #rooms: SqliteRooms;
  readonly #accounts: SqliteAccounts;
  readonly #files: SqliteFiles;
  /** The per-user log and read watermarks (migration 008). */
  readonly #userLog: SqliteUserLog;
  readonly #search: SqliteSearch;
  /** Presence: last seen times and room peers (migration 011). */
  readonly #lastSeen: SqliteLastSeen;
  /** Who blocks whom (migration 013). */
  readonly #blocks: SqliteBlocks;
  /** Rooms, receipts and room members, read again only once something was written. */
  readonly #unchanged: UnchangedReads;

  /** `dataDir`: the directory of parley.db (opened and migrated here); or an open, migrated connection. */
  constructor(source: string | SqliteStoreConnection) {
    let db: Database.Database;
    if (typeof source === 'string') {
      mkdirSync(source, { recursive: true });
      db = openSqlite(join(source, 'parley.db'));
    } else db = source.db;
    this.#db = db;
    this.#readOnly = typeof source !== 'string' && source.readOnly === true;
    this.#commit = new GroupCommit(db, () => this.#afterCommit());
    this.#rooms = new SqliteRooms(db);
    this.#userLog = new SqliteUserLog(db);
    this.#search = new SqliteSearch(db, {}, { catchUp: !this.#readOnly });
    // Docs a previous run committed but did not index (it stopped before its catch-up).
    if (!this.#readOnly) this.#search.catchUp();
    this.#log = new SqliteRoomLog(db, this.#commit, this.#rooms, new SqliteAppend(db, this.#userLog, this.#search));
    this.#accounts = new SqliteAccounts(db);
    this.#files = new SqliteFiles(db);
    this.#lastSeen = new SqliteLastSeen(db);
    this.#blocks = new SqliteBlocks(db);
    this.#unchanged = new UnchangedReads(db);
  }

  // Room log.
  createRoom(name: string, title: string, options?: CreateRoomOptions): Promise<RoomInfo | undefined> {
    return this.#log.createRoom(name, title, options);
  }
  async getRoom(name: string): Promise<RoomInfo | undefined> {
    // Kept until the next write: a join reads its room twice, and a storm of resumes writes nothing.
    // Shared by every caller until then: RoomInfo is read-only.
    return this.#unchanged.get(`room\n${name}`, () => this.#rooms.get(name));
  }
  listRooms(userId?: string): Promise<RoomInfo[]> {
    return this.#log.listRooms(userId);
  }
  append(input: AppendInput): Promise<AppendResult> {
    return this.#log.append(input);
  }
  history(room: string, query: HistoryQuery): Promise<HistoryPage> {
    return this.#log.history(room, query);
  }
  heads(rooms: readonly string[]): Promise<Map<string, number>> {
    return this.#log.heads(rooms);
  }
  message(room: string, seq: number): Promise<MessageState | undefined> {
    return this.#log.message(room, seq);
  }
  openDm(spec: DmSpec): Promise<DmResult> {
    return this.#log.openDm(spec);
  }

  // Membership.
  roleOf(room: string, userId: string): Promise<RoomRole | undefined> {
    return this.#rooms.roleOf(room, userId);
  }
  isBanned(room: string, userId: string): Promise<boolean> {
    return this.#rooms.isBanned(room, userId);
  }
  isMember(room: string, userId: string): Promise<boolean> {
    return this.#rooms.isMember(room, userId);
  }
  members(room: string, limit: number): Promise<MemberPage> {
    return this.#rooms.members(room, limit);
  }

  // Accounts and sessions.
  async findUser(userId: string): Promise<UserRef | undefined> {
    return this.#accounts.findUser(userId);
  }
  createSession(user: UserRef, token?: string): Promise<string> {
    return this.#commit.run(() => this.#accounts.createSession(user, token));
  }
  async findSession(token: string): Promise<UserRef | undefined> {
    return this.#accounts.findSession(token);
  }
  createAccount(account: NewAccount): Promise<Account | undefined> {
    return this.#commit.run(() => this.#accounts.createAccount(account));
  }
  async findAccount(username: string): Promise<Account | undefined> {
    return this.#accounts.findAccount(username);
  }
  async getAccount(id: string): Promise<Account | undefined> {
    return this.#accounts.getAccount(id);
  }
  setDisplayName(userId: string, name: string | undefined): Promise<boolean> {
    return this.#commit.run(() => this.#accounts.setDisplayName(userId, name));
  }
  createLoginSession(userId: string, refreshToken: string, expiresAt: number): Promise<string> {
    return this.#commit.run(() => this.#accounts.createLoginSession(userId, refreshToken, expiresAt));
  }
  rotateRefreshToken(token: string, next: string, expiresAt: number, now?: number): Promise<RefreshResult> {
    return this.#commit.run(() => this.#accounts.rotateRefreshToken(token, next, expiresAt, now));
  }
  endLoginSessions(refreshToken: string, all?: boolean, now?: number): Promise<string[]> {
    return this.#commit.run(() => this.#accounts.endLoginSessions(refreshToken, all, now));
  }
  async loginSessionActive(sessionId: string): Promise<boolean> {
    return this.#accounts.loginSessionActive(sessionId);
  }

  // File records.
  createFile(file: StoredFile): Promise<void> {
    return this.#commit.run(() => this.#files.createFile(file));
  }
  async getFile(id: string): Promise<StoredFile | undefined> {
    return this.#files.getFile(id);
  }
  deleteFile(id: string): Promise<boolean> {
    return this.#commit.run(() => this.#files.deleteFile(id));
  }

  // User log.
  markRead(room: string, userId: string, seq: number): Promise<ReadResult> {
    return this.#commit.run(() => this.#userLog.markRead(room, userId, seq));
  }
  async userLog(userId: string, after: number, limit: number): Promise<UserLogPage> {
    return this.#userLog.page(userId, after, limit);
  }
  async userHead(userId: string): Promise<number> {
    return this.#userLog.head(userId);
  }
  async unreadMessages(
    userId: string,
    room: string | undefined,
    bounds: { cap: number; scan: number },
  ): Promise<UnreadMessages[]> {
    return this.#userLog.unreadMessages(userId, room, bounds);
  }
  async receipts(room: string, limit: number): Promise<Receipt[]> {
    // A copy: the kept answer is shared by every join until the next write.
    return this.#unchanged.get(`receipts\n${limit}\n${room}`, () => this.#userLog.receipts(room, limit)).slice();
  }

  // Search.
  async search(query: SearchQuery): Promise<SearchPage> {
    // Catches the index up first (unless read-only), so every committed message is found.
    return this.#search.search(query);
  }
  /** Whether the FTS index lags the committed messages (the worker store asks before a search). */
  searchBehind(): boolean {
    return this.#search.behind();
  }
  /** Brings the FTS index up to date now, in a transaction of its own. Returns the docs indexed. */
  async catchUpSearch(): Promise<number> {
    return this.#catchUp();
  }

  #catchUp(): number {
    clearTimeout(this.#indexTimer);
    clearImmediate(this.#indexSoon);
    this.#indexTimer = this.#indexSoon = undefined;
    return this.#search.catchUp();
  }

  /** After a commit that added docs: index them soon, never on the commit's own path. */
  #afterCommit(): void {
    const added = this.#search.added;
    if (added === 0 || this.#readOnly) return;
    const later = () => {
      try {
        this.#catchUp();
      } catch {
        // The next commit or search tries again; a search reports the error to its caller.
      }
    };
    if (added >= INDEX_AT_ONCE) this.#indexSoon ??= setImmediate(later);
    else this.#indexTimer ??= setTimeout(later, INDEX_DELAY_MS).unref();
  }

  // Last seen.
  async roomPeers(userId: string): Promise<string[]> {
    // One check that nothing changed for all of the user's rooms (peers() reads them in one go).
    const kept = this.#unchanged.current();
    return this.#lastSeen.peers(userId, (room, read) => kept(`members\n${room}`, read));
  }
  setLastSeen(user: UserRef, ts: number): Promise<void> {
    return this.#commit.run(() => this.#lastSeen.set(user, ts));
  }
  setLastSeenMany(seen: readonly LastSeen[]): Promise<void> {
    return this.#commit.run(() => this.#lastSeen.setMany(seen));
  }
  async lastSeen(userIds: readonly string[]): Promise<Map<string, LastSeen>> {
    return this.#lastSeen.get(userIds);
  }

  // Blocks.
  block(blocker: string, blocked: UserRef): Promise<boolean> {
    return this.#commit.run(() => this.#blocks.block(blocker, blocked));
  }
  unblock(blocker: string, blocked: string): Promise<boolean> {
    return this.#commit.run(() => this.#blocks.unblock(blocker, blocked));
  }
  async blocked(blocker: string): Promise<UserRef[]> {
    return this.#blocks.blocked(blocker);
  }
  async blockers(userId: string, among: readonly string[]): Promise<string[]> {
    return this.#blocks.blockers(userId, among);
  }
  async blockedBy(userId: string): Promise<string[]> {
    return this.#blocks.blockedBy(userId);
  }

  async close(): Promise<void> {
    // Appends queued in this tick still commit before the file closes, and get indexed.
    this.#commit.flush();
    if (this.#db.open && !this.#readOnly) this.#catchUp();
    this.#db.close();
  }
}
