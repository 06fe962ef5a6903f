/**
 * The server's SQLite store: writes run in a worker thread (store-worker.ts) that owns the writing
 * connection and the group commit, so no commit or fsync blocks the event loop; the writes of one
 * tick leave in one message, their outcomes come back in one per commit. Reads run here, on a
 * second connection (WAL readers never wait for the writer): a commit becomes visible to them only
 * after its fsync, so nothing is read before it is durable, and a write's outcome arrives after
 * its commit, so what a caller wrote it then reads.
 *
 * If the worker dies (a crash, out of memory), every write sent to it rejects — it may or may not
 * have committed, so it is never acknowledged; a client's resend with the same id is idempotent —
 * the death is logged and a new worker takes over. After MAX_DEATHS within DEATH_WINDOW_MS the
 * store gives up: writes reject, reads go on.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import type { Receipt, RoomInfo, RoomRole, UserRef } from '../../../protocol/index.ts';
import type { Logger } from '../../log.ts';
import type * as S from '../store.ts';
import { openSqlite } from './sqlite-db.ts';
import { SqliteStore } from './sqlite-store.ts';
import { bundledWorker } from './worker-bundle.ts';
import {
  fromWire,
  type Call,
  type FromWorker,
  type ToWorker,
  type WorkerInit,
  type WriteMethod,
} from './worker-protocol.ts';

const MAX_DEATHS = 5;
const DEATH_WINDOW_MS = 60_000;

export interface WorkerStoreOptions {
  /** Hears a worker's death. Without it, deaths are written to stderr. */
  readonly log?: Pick<Logger, 'error'>;
}

interface Waiting {
  readonly resolve: (v: never) => void;
  readonly reject: (e: unknown) => void;
}

/** A write whose outcome is unknown: its worker stopped before answering. */
export class StoreWorkerError extends Error {
  override readonly name = 'StoreWorkerError';
}

/** The worker: its .js build in dist/, or from the .ts sources a bundle of them (worker-bundle.ts). */
function spawnWorker(init: WorkerInit): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = new URL(fromSource ? './store-worker.ts' : './store-worker.js', import.meta.url);
  return new Worker(fromSource ? bundledWorker(entry) : entry, { workerData: init });
}

export class SqliteWorkerStore implements S.Store {
  readonly #dataDir: string;
  readonly #log: Pick<Logger, 'error'> | undefined;
  readonly #db: Database.Database;
  /** The read side: the same parts as SqliteStore, on this thread's read-only connection. */
  readonly #reader: SqliteStore;
  #worker!: Worker;
  #nextId = 1;
  #outbox: Call[] = [];
  #scheduled = false;
  readonly #waiting = new Map<number, Waiting>();
  #deaths: number[] = [];
  #failed: Error | undefined;
  #closing: Promise<void> | undefined;
  #crash: 'now' | 'after-commit' | undefined;

  constructor(dataDir: string, options: WorkerStoreOptions = {}) {
    this.#dataDir = dataDir;
    this.#log = options.log;
    mkdirSync(dataDir, { recursive: true });
    // Opened and migrated here, before the worker opens its own connection to the same file.
    this.#db = openSqlite(join(dataDir, 'parley.db'));
    this.#db.pragma('query_only = ON');
    this.#reader = new SqliteStore({ db: this.#db, readOnly: true });
    this.#start();
  }

  #start(): void {
    const worker = spawnWorker({ dataDir: this.#dataDir });
    if (this.#waiting.size === 0) worker.unref();
    worker.on('message', (msg: FromWorker) => this.#receive(msg));
    worker.on('error', (err) => this.#report(err));
    worker.on('exit', (code) => this.#exited(worker, code));
    this.#worker = worker;
  }

  #report(err: unknown): void {
    if (this.#log) this.#log.error({ err }, 'store worker failed');
    else console.error('parley: store worker failed:', err);
  }

  #exited(worker: Worker, code: number): void {
    if (worker !== this.#worker) return;
    if (this.#closing) {
      this.#rejectWaiting(new StoreWorkerError('the store closed before the write was answered'));
      return;
    }
    // It may have committed some of these: never acknowledge them.
    this.#rejectWaiting(new StoreWorkerError(`the store worker stopped (exit ${code}); the write may not be durable`));
    this.#report(new StoreWorkerError(`store worker exited with code ${code}`));
    const now = Date.now();
    this.#deaths = [...this.#deaths.filter((t) => now - t < DEATH_WINDOW_MS), now];
    if (this.#deaths.length >= MAX_DEATHS) {
      this.#fail(new StoreWorkerError(`the store worker died ${MAX_DEATHS} times in a minute; writes are refused`));
      return;
    }
    try {
      this.#start();
    } catch (err) {
      this.#fail(new StoreWorkerError(`the store worker could not be restarted: ${String(err)}`));
      return;
    }
    // Writes queued but never sent go to the new worker.
    if (this.#outbox.length > 0) this.#schedule();
  }

  /** No more workers: what waits and what comes rejects; reads go on. */
  #fail(err: StoreWorkerError): void {
    this.#failed = err;
    this.#report(err);
    for (const w of this.#waiting.values()) w.reject(err);
    this.#outbox = [];
    this.#waiting.clear();
  }

  #rejectWaiting(err: Error): void {
    const unsent = new Set(this.#outbox.map(([id]) => id));
    for (const [id, w] of this.#waiting) {
      if (unsent.has(id)) continue;
      this.#waiting.delete(id);
      w.reject(err);
    }
    if (this.#waiting.size === 0) this.#worker.unref();
  }

  #receive(msg: FromWorker): void {
    if (msg.t !== 'outcomes') return;
    for (const [id, ok, value] of msg.outcomes) {
      const w = this.#waiting.get(id);
      if (!w) continue;
      this.#waiting.delete(id);
      if (ok === 1) w.resolve(value as never);
      else w.reject(fromWire(value));
    }
    if (this.#waiting.size === 0) this.#worker.unref();
  }

  #call<M extends WriteMethod>(method: M, args: Parameters<SqliteStore[M]>): ReturnType<SqliteStore[M]> {
    return new Promise((resolve, reject) => {
      if (this.#failed || this.#closing) {
        reject(this.#failed ?? new StoreWorkerError('the store is closed'));
        return;
      }
      const id = this.#nextId++;
      this.#waiting.set(id, { resolve, reject });
      this.#outbox.push([id, method, args]);
      if (this.#waiting.size === 1) this.#worker.ref();
      this.#schedule();
    }) as ReturnType<SqliteStore[M]>;
  }

  /** The writes of this tick leave together, when the tick's I/O callbacks are done. */
  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => this.#send());
  }

  #send(): void {
    this.#scheduled = false;
    if (this.#outbox.length === 0) return;
    const message: ToWorker = { t: 'calls', calls: this.#outbox, ...(this.#crash ? { crash: this.#crash } : {}) };
    this.#outbox = [];
    this.#crash = undefined;
    this.#worker.postMessage(message);
  }

  /**
   * Tests only: the worker gets the writes queued now (or, when none are, the next ones) and dies
   * before committing them (`now`) or right after, before answering (`after-commit`).
   */
  crashWorkerForTest(when: 'now' | 'after-commit'): void {
    this.#crash = when;
    if (this.#outbox.length > 0) this.#send();
  }

  // Room log.
  createRoom(name: string, title: string, options?: S.CreateRoomOptions): Promise<RoomInfo | undefined> {
    return this.#call('createRoom', [name, title, options]);
  }
  getRoom(name: string): Promise<RoomInfo | undefined> {
    return this.#reader.getRoom(name);
  }
  listRooms(userId?: string): Promise<RoomInfo[]> {
    return this.#reader.listRooms(userId);
  }
  append(input: S.AppendInput): Promise<S.AppendResult> {
    return this.#call('append', [input]);
  }
  history(room: string, query: S.HistoryQuery): Promise<S.HistoryPage> {
    return this.#reader.history(room, query);
  }
  heads(rooms: readonly string[]): Promise<Map<string, number>> {
    return this.#reader.heads(rooms);
  }
  message(room: string, seq: number): Promise<S.MessageState | undefined> {
    return this.#reader.message(room, seq);
  }
  openDm(spec: S.DmSpec): Promise<S.DmResult> {
    return this.#call('openDm', [spec]);
  }

  // Membership.
  roleOf(room: string, userId: string): Promise<RoomRole | undefined> {
    return this.#reader.roleOf(room, userId);
  }
  isBanned(room: string, userId: string): Promise<boolean> {
    return this.#reader.isBanned(room, userId);
  }
  isMember(room: string, userId: string): Promise<boolean> {
    return this.#reader.isMember(room, userId);
  }
  members(room: string, limit: number): Promise<S.MemberPage> {
    return this.#reader.members(room, limit);
  }

  // Accounts and sessions.
  findUser(userId: string): Promise<UserRef | undefined> {
    return this.#reader.findUser(userId);
  }
  createSession(user: UserRef, token?: string): Promise<string> {
    return this.#call('createSession', [user, token]);
  }
  findSession(token: string): Promise<UserRef | undefined> {
    return this.#reader.findSession(token);
  }
  createAccount(account: S.NewAccount): Promise<S.Account | undefined> {
    return this.#call('createAccount', [account]);
  }
  findAccount(username: string): Promise<S.Account | undefined> {
    return this.#reader.findAccount(username);
  }
  getAccount(id: string): Promise<S.Account | undefined> {
    return this.#reader.getAccount(id);
  }
  setDisplayName(userId: string, name: string | undefined): Promise<boolean> {
    return this.#call('setDisplayName', [userId, name]);
  }
  createLoginSession(userId: string, refreshToken: string, expiresAt: number): Promise<string> {
    return this.#call('createLoginSession', [userId, refreshToken, expiresAt]);
  }
  rotateRefreshToken(token: string, next: string, expiresAt: number, now?: number): Promise<S.RefreshResult> {
    return this.#call('rotateRefreshToken', [token, next, expiresAt, now]);
  }
  endLoginSessions(refreshToken: string, all?: boolean, now?: number): Promise<string[]> {
    return this.#call('endLoginSessions', [refreshToken, all, now]);
  }
  loginSessionActive(sessionId: string): Promise<boolean> {
    return this.#reader.loginSessionActive(sessionId);
  }

  // File records.
  createFile(file: S.StoredFile): Promise<void> {
    return this.#call('createFile', [file]);
  }
  getFile(id: string): Promise<S.StoredFile | undefined> {
    return this.#reader.getFile(id);
  }
  deleteFile(id: string): Promise<boolean> {
    return this.#call('deleteFile', [id]);
  }

  // User log.
  markRead(room: string, userId: string, seq: number): Promise<S.ReadResult> {
    return this.#call('markRead', [room, userId, seq]);
  }
  userLog(userId: string, after: number, limit: number): Promise<S.UserLogPage> {
    return this.#reader.userLog(userId, after, limit);
  }
  userHead(userId: string): Promise<number> {
    return this.#reader.userHead(userId);
  }
  unreadMessages(
    userId: string,
    room: string | undefined,
    bounds: { cap: number; scan: number },
  ): Promise<S.UnreadMessages[]> {
    return this.#reader.unreadMessages(userId, room, bounds);
  }
  receipts(room: string, limit: number): Promise<Receipt[]> {
    return this.#reader.receipts(room, limit);
  }

  // Search.
  async search(query: S.SearchQuery): Promise<S.SearchPage> {
    // The worker indexes lazily: when the index lags what is committed, it catches up first, so
    // the search finds every message already acknowledged. With no worker left (writes refused)
    // or while closing (the close catches up), the index as it is.
    if (!this.#failed && !this.#closing && this.#reader.searchBehind()) await this.#call('catchUpSearch', []);
    return this.#reader.search(query);
  }

  // Last seen.
  roomPeers(userId: string): Promise<string[]> {
    return this.#reader.roomPeers(userId);
  }
  setLastSeen(user: UserRef, ts: number): Promise<void> {
    return this.#call('setLastSeen', [user, ts]);
  }
  setLastSeenMany(seen: readonly S.LastSeen[]): Promise<void> {
    return this.#call('setLastSeenMany', [seen]);
  }
  lastSeen(userIds: readonly string[]): Promise<Map<string, S.LastSeen>> {
    return this.#reader.lastSeen(userIds);
  }

  // Blocks: writes in the worker, reads here.
  block(blocker: string, blocked: UserRef): Promise<boolean> {
    return this.#call('block', [blocker, blocked]);
  }
  unblock(blocker: string, blocked: string): Promise<boolean> {
    return this.#call('unblock', [blocker, blocked]);
  }
  blocked(blocker: string): Promise<UserRef[]> {
    return this.#reader.blocked(blocker);
  }
  blockers(userId: string, among: readonly string[]): Promise<string[]> {
    return this.#reader.blockers(userId, among);
  }
  blockedBy(userId: string): Promise<string[]> {
    return this.#reader.blockedBy(userId);
  }

  /** What is queued commits in the worker, then both connections close. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    const worker = this.#worker;
    if (!this.#failed) {
      this.#send();
      const closed = new Promise<void>((resolve) => {
        worker.on('message', (msg: FromWorker) => msg.t === 'closed' && resolve());
        worker.once('exit', () => resolve());
      });
      worker.ref();
      worker.postMessage({ t: 'close' } satisfies ToWorker);
      await closed;
      await worker.terminate();
    }
    this.#rejectWaiting(new StoreWorkerError('the store closed before the write was answered'));
    await this.#reader.close();
  }
}
