/**
 * The PostgreSQL store: every port of ../store.ts on one pooled database (node-postgres), for
 * several nodes sharing one store. Appends lock their room's row, so seqs stay gap-free whichever
 * node appends; the rules are in src/server/core/room-log/, as for the SQLite engine. The
 * constructor is synchronous: it starts the migrations (postgres-migrate.ts), which every method
 * awaits.
 */
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
import { PgAccounts } from './postgres-accounts.ts';
import { PgDb, type PgOptions } from './postgres-db.ts';
import { PgFiles } from './postgres-files.ts';
import { PgBlocks } from './postgres-blocks.ts';
import { PgLastSeen } from './postgres-last-seen.ts';
import { PgRoomLog } from './postgres-room-log.ts';
import { PgRooms } from './postgres-rooms.ts';
import { PgSearch } from './postgres-search.ts';
import { PgUserLog } from './postgres-user-log.ts';

export type PostgresStoreOptions = PgOptions;

export class PostgresStore implements Store {
  readonly #db: PgDb;
  readonly #log: PgRoomLog;
  readonly #rooms: PgRooms;
  readonly #accounts: PgAccounts;
  readonly #files: PgFiles;
  readonly #userLog: PgUserLog;
  readonly #search: PgSearch;
  readonly #lastSeen: PgLastSeen;
  readonly #blocks: PgBlocks;

  constructor(options: PostgresStoreOptions) {
    this.#db = new PgDb(options);
    this.#rooms = new PgRooms(this.#db);
    this.#log = new PgRoomLog(this.#db, this.#rooms);
    this.#accounts = new PgAccounts(this.#db);
    this.#files = new PgFiles(this.#db);
    this.#userLog = new PgUserLog(this.#db);
    this.#search = new PgSearch(this.#db);
    this.#lastSeen = new PgLastSeen(this.#db);
    this.#blocks = new PgBlocks(this.#db);
  }

  /** Resolves once the migrations ran (every method waits for it anyway); rejects when they failed. */
  ready(): Promise<void> {
    return this.#db.ready;
  }

  // Room log.
  createRoom(name: string, title: string, options?: CreateRoomOptions): Promise<RoomInfo | undefined> {
    return this.#log.createRoom(name, title, options);
  }
  getRoom(name: string): Promise<RoomInfo | undefined> {
    return this.#log.getRoom(name);
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
  findUser(userId: string): Promise<UserRef | undefined> {
    return this.#accounts.findUser(userId);
  }
  createSession(user: UserRef, token?: string): Promise<string> {
    return this.#accounts.createSession(user, token);
  }
  findSession(token: string): Promise<UserRef | undefined> {
    return this.#accounts.findSession(token);
  }
  createAccount(account: NewAccount): Promise<Account | undefined> {
    return this.#accounts.createAccount(account);
  }
  findAccount(username: string): Promise<Account | undefined> {
    return this.#accounts.findAccount(username);
  }
  getAccount(id: string): Promise<Account | undefined> {
    return this.#accounts.getAccount(id);
  }
  setDisplayName(userId: string, name: string | undefined): Promise<boolean> {
    return this.#accounts.setDisplayName(userId, name);
  }
  createLoginSession(userId: string, refreshToken: string, expiresAt: number): Promise<string> {
    return this.#accounts.createLoginSession(userId, refreshToken, expiresAt);
  }
  rotateRefreshToken(token: string, next: string, expiresAt: number, now?: number): Promise<RefreshResult> {
    return this.#accounts.rotateRefreshToken(token, next, expiresAt, now);
  }
  endLoginSessions(refreshToken: string, all?: boolean, now?: number): Promise<string[]> {
    return this.#accounts.endLoginSessions(refreshToken, all, now);
  }
  loginSessionActive(sessionId: string): Promise<boolean> {
    return this.#accounts.loginSessionActive(sessionId);
  }

  // File records.
  createFile(file: StoredFile): Promise<void> {
    return this.#files.createFile(file);
  }
  getFile(id: string): Promise<StoredFile | undefined> {
    return this.#files.getFile(id);
  }
  deleteFile(id: string): Promise<boolean> {
    return this.#files.deleteFile(id);
  }

  // User log.
  markRead(room: string, userId: string, seq: number): Promise<ReadResult> {
    return this.#userLog.markRead(room, userId, seq);
  }
  userLog(userId: string, after: number, limit: number): Promise<UserLogPage> {
    return this.#userLog.page(userId, after, limit);
  }
  userHead(userId: string): Promise<number> {
    return this.#userLog.head(userId);
  }
  unreadMessages(
    userId: string,
    room: string | undefined,
    bounds: { cap: number; scan: number },
  ): Promise<UnreadMessages[]> {
    return this.#userLog.unreadMessages(userId, room, bounds);
  }
  receipts(room: string, limit: number): Promise<Receipt[]> {
    return this.#userLog.receipts(room, limit);
  }

  // Search.
  search(query: SearchQuery): Promise<SearchPage> {
    return this.#search.search(query);
  }

  // Last seen.
  roomPeers(userId: string): Promise<string[]> {
    return this.#lastSeen.roomPeers(userId);
  }
  setLastSeen(user: UserRef, ts: number): Promise<void> {
    return this.#lastSeen.setLastSeen(user, ts);
  }
  setLastSeenMany(seen: readonly LastSeen[]): Promise<void> {
    return this.#lastSeen.setLastSeenMany(seen);
  }
  lastSeen(userIds: readonly string[]): Promise<Map<string, LastSeen>> {
    return this.#lastSeen.lastSeen(userIds);
  }

  // Blocks.
  block(blocker: string, blocked: UserRef): Promise<boolean> {
    return this.#blocks.block(blocker, blocked);
  }
  unblock(blocker: string, blocked: string): Promise<boolean> {
    return this.#blocks.unblock(blocker, blocked);
  }
  blocked(blocker: string): Promise<UserRef[]> {
    return this.#blocks.blocked(blocker);
  }
  blockers(userId: string, among: readonly string[]): Promise<string[]> {
    return this.#blocks.blockers(userId, among);
  }
  blockedBy(userId: string): Promise<string[]> {
    return this.#blocks.blockedBy(userId);
  }

  /** Waits for the appends in flight, then ends the pool. */
  async close(): Promise<void> {
    await this.#log.idle();
    await this.#db.close();
  }
}
