/**
 * The Parley client: one explicit connection state machine that owns the transport, the
 * heartbeat, the rooms it has joined (re-joined after every reconnect), the outbox of
 * unacknowledged writes (persisted through an OutboxStore), and every pending request.
 */
import type {
  AckFrame,
  FileRef,
  ClientFrame,
  ClientFrameOf,
  ErrorFrame,
  EventFrame,
  JoinedFrame,
  Receipt,
  RoomEvent,
  RoomInfo,
  ServerFrame,
  ServerFrameOf,
  ServerFrameType,
  UserRef,
  UserStatus,
  WelcomeFrame,
  RemovedFrame,
  RoomRole,
} from '../protocol/index.ts';
// Values come from the leaf modules: the protocol index also pulls in the server's schema library.
import { CLOSE, shouldReconnect } from '../protocol/codes.ts';
import { LIMITS, PROTOCOL_VERSION, TYPING_TTL_MS } from '../protocol/limits.ts';
import { TokenBucket } from '../protocol/token-bucket.ts';
import { backoffDelay, DEFAULT_BACKOFF, retryHintMs, type BackoffOptions } from './backoff.ts';
import { ClientError, terminalError } from './errors.ts';
import { Emitter } from './events.ts';
import { Heartbeat } from './heartbeat.ts';
import {
  moderationFrame,
  removedError,
  roleFrame,
  type CreateRoomOptions,
  type ModerationFrame,
} from './moderation.ts';
import { dmFrame, renameFrame, topicFrame, type MemberList } from './room-admin.ts';
import { newId } from './ids.ts';
import { Outbox, toPending, toStored, type OutboxEntry } from './outbox.ts';
import { OutboxPersistence } from './outbox-persistence.ts';
import type { OutboxFrame, StoredOutboxEntry } from './outbox-store.ts';
import { ReadState } from './read-state.ts';
import { RoomTracker } from './room.ts';
import { ABNORMAL_CLOSE, Transport, type WebSocketConstructor } from './transport.ts';
import { tokenExpired } from './token.ts';
import { TypingTracker } from './typing.ts';
import { StatusBook } from './statuses.ts';
import type { Activity } from './activity.ts';
import type { UnreadState } from './unread.ts';
import { searchFrame, toPage, type SearchOptions, type SearchPage } from './search.ts';
import type {
  ClientEvents,
  ClientOptions,
  ConnectionState,
  HistoryQuery,
  ParleyClient,
  PendingEntry,
  SendOptions,
  SendResult,
} from './types.ts';
import { httpBase, LinkCache, sizeOf, uploadFile, type FileLinks, type UploadOptions } from './upload.ts';
import { watchWakeSignals } from './wake.ts';

/** Length of a session token the client proposes (192 random bits). */
const SESSION_ID_CHARS = 32;

/** A connection that stayed up this long resets the backoff. */
const STABLE_MS = 10_000;
const DEFAULT_HEARTBEAT_SLACK_MS = 10_000;
const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;

type Timer = ReturnType<typeof setTimeout>;

/** Frames that carry a request id and get exactly one answer with it. */
type RequestFrame = Extract<
  ClientFrame,
  {
    type:
      | 'create'
      | 'rooms'
      | 'join'
      | 'leave'
      | 'history'
      | 'invite'
      | 'kick'
      | 'ban'
      | 'unban'
      | 'role'
      | 'search'
      | 'sync'
      | 'unread'
      | 'who'
      | 'dm'
      | 'rename'
      | 'topic'
      | 'members';
  }
>;

interface PendingRequest {
  readonly frame: RequestFrame;
  readonly expect: ServerFrameType;
  /** Hold the request until this room's join has completed on the current connection. */
  readonly room: string | undefined;
  /** When the connection drops: send again after reconnect (idempotent), reject, or drop silently. */
  readonly onDrop: 'retry' | 'reject' | 'forget';
  /** When no answer comes in time: reject it, or treat the connection as unusable. */
  readonly onTimeout: 'reject' | 'reconnect';
  readonly resolve: (frame: ServerFrame) => void;
  readonly reject: (error: ClientError) => void;
}

interface RequestOptions {
  room?: string;
  onDrop: PendingRequest['onDrop'];
  onTimeout?: PendingRequest['onTimeout'];
  /** Wait for a connection (true) or fail at once with `disconnected` (false). */
  queue?: boolean;
}

interface RoomState {
  readonly name: string;
  readonly tracker: RoomTracker;
  info: RoomInfo | undefined;
  /** The connection on which the join completed; sends wait until it is the current one. */
  joinedOn: number | undefined;
  /** Request id of the join in flight. */
  joining: string | undefined;
  waiters: { resolve: (info: RoomInfo) => void; reject: (error: ClientError) => void }[];
  /** Token of the running gap fill, so only one runs per room. */
  filling: object | undefined;
  /** Retryable join failures in a row, for spacing out join retries. */
  failures: number;
  retryTimer: Timer | undefined;
  /** Your role: from `joined`, then from `role` events that name you. */
  role: RoomRole | undefined;
}

interface CloseInfo {
  code?: number;
  reason?: string;
}

export class Client implements ParleyClient {
  readonly #url: string;
  readonly #nick: string;
  readonly #Ctor: WebSocketConstructor;
  readonly #backoff: BackoffOptions;
  readonly #slackMs: number;
  readonly #timeoutMs: number;
  readonly #emitter = new Emitter<ClientEvents>();

  #state: ConnectionState = 'idle';
  #user: UserRef | undefined;
  #session: string | undefined;
  #transport: Transport | undefined;
  /** Number of the current connection; answers and joins are tied to one. */
  #conn = 0;
  /** Drops since the last stable connection: the backoff attempt. */
  #failures = 0;
  #heartbeat: Heartbeat | undefined;
  /** reconnect: the backoff wait; welcome: deadline for open + hello; stable: resets the backoff. */
  readonly #timers: { reconnect?: Timer; welcome?: Timer; stable?: Timer } = {};
  #unwatchWake: (() => void) | undefined;
  /** close() was called: nothing can reopen the client. */
  #final = false;

  readonly #rooms = new Map<string, RoomState>();
  readonly #outbox = new Outbox();
  /** Undefined without an OutboxStore option: nothing to load or keep beyond this object. */
  readonly #persistence: OutboxPersistence | undefined;
  /** Stored entries are loaded: until then nothing from the outbox is written (they go first). */
  #outboxReady: boolean;
  /** ClientOptions.userId: the user writes made before the first welcome are stamped with. */
  readonly #userId: string | undefined;
  /** Requests written to the current connection, by id. */
  readonly #inflight = new Map<string, PendingRequest>();
  /** Requests waiting for a connection (or for their room's join), oldest first. */
  #waiting: PendingRequest[] = [];
  /** Answer deadlines of requests and sends on the current connection, by id. */
  readonly #deadlines = new Map<string, Timer>();
  /** Who else is typing, per room; cleared when the link drops. */
  readonly #typists = new TypingTracker(TYPING_TTL_MS, (room, users) => this.#emitter.emit('typing', { room, users }));
  /** The user log, read watermarks, unread counts and receipts (read-state.ts). */
  readonly #read: ReadState;
  /** Presence: known user statuses and this client's activity (statuses.ts). */
  readonly #statuses = new StatusBook({
    emit: (users) => this.#emitter.emit('status', { users }),
    send: (state) => this.#connected() && (this.#transport?.send({ type: 'status', state }), true),
    who: (users) => this.#request({ type: 'who', id: newId(), users }, 'status', { onDrop: 'retry' }),
  });
  /** When this client last sent typing `on`, per room (0: not typing). */
  readonly #typingSentAt = new Map<string, number>();
  /** Delayed resends after retryable send errors. */
  readonly #resendTimers = new Set<Timer>();
  /** Paces writes to the server's write limit (from welcome.limits); none when it sent no limit. */
  #pacer: TokenBucket | undefined;
  /** Set while writes wait for the pacer: a flush runs when it fires. */
  #paceTimer: Timer | undefined;
  /** ClientOptions.token and .refresh (accounts). */
  readonly #tokenSource: ClientOptions['token'];
  readonly #refresh: (() => Promise<string>) | undefined;
  /** A token from refresh(), used for the next connection attempt. */
  #refreshedToken: string | undefined;
  /** Call refresh() before the next connection attempt. */
  #needRefresh = false;
  /** refresh() ran since the last welcome (a failed handshake refreshes at most once). */
  #refreshedInStreak = false;
  /** The current connection attempt got past the handshake. */
  #opened = false;
  /** The token the current connection attempt was made with. */
  #lastToken: string | undefined;
  /** Files over HTTP (upload.ts): signed links per file id, and the server's upload limit. */
  readonly #links: LinkCache;
  readonly #httpBase: string;
  #maxUploadBytes: number | undefined;

  constructor(options: ClientOptions) {
    const Ctor = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!Ctor) {
      throw new ClientError('no_websocket', 'No WebSocket implementation: pass options.WebSocket', false);
    }
    this.#url = options.url;
    this.#nick = options.nick;
    this.#session = options.session;
    this.#Ctor = Ctor;
    this.#backoff = {
      minMs: options.backoff?.minMs ?? DEFAULT_BACKOFF.minMs,
      maxMs: options.backoff?.maxMs ?? DEFAULT_BACKOFF.maxMs,
    };
    this.#slackMs = options.heartbeatSlackMs ?? DEFAULT_HEARTBEAT_SLACK_MS;
    this.#timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.#userId = options.userId;
    this.#tokenSource = options.token;
    this.#refresh = options.refresh;
    this.#httpBase = options.httpUrl?.replace(/\/$/, '') ?? httpBase(options.url);
    this.#links = new LinkCache({ base: this.#httpBase, authorization: () => this.#httpAuthorization() });
    this.#read = new ReadState(
      {
        emit: (event, payload) => this.#emitter.emit(event, payload),
        send: (frame) => this.#connected() && (this.#transport?.send(frame), true),
        sync: (after) =>
          this.#request({ type: 'sync', id: newId(), ...(after === undefined ? {} : { after }) }, 'synced', {
            onDrop: 'forget',
            queue: false,
          }),
        unread: (room) => this.#request({ type: 'unread', id: newId(), room }, 'unread', { onDrop: 'reject' }),
        me: () => this.#user,
      },
      options.userSeq,
    );
    // The default store would be a fresh MemoryOutboxStore: empty, and gone with this object,
    // so skipping it keeps sends written in the same tick, exactly as without persistence.
    this.#outboxReady = options.outbox === undefined;
    if (options.outbox) {
      const persistence = new OutboxPersistence(options.outbox, (e) => this.#emitter.emit('error', e));
      this.#persistence = persistence;
      persistence.load((stored) => this.#restore(stored));
    }
  }

  get state(): ConnectionState {
    return this.#state;
  }

  get user(): UserRef | undefined {
    return this.#user;
  }

  get session(): string | undefined {
    return this.#session;
  }

  on<E extends keyof ClientEvents>(event: E, fn: (payload: ClientEvents[E]) => void): () => void {
    return this.#emitter.on(event, fn);
  }

  connect(): void {
    // While reconnecting, connect() skips the rest of the backoff wait. After the server ended
    // the connection for good it starts over (the app's "try again"); after close() it does nothing.
    if (this.#state === 'closed' && !this.#final) this.#failures = 0;
    else if (this.#state !== 'idle' && this.#state !== 'reconnecting') return;
    this.#open();
  }

  close(): void {
    if (this.#final) return;
    this.#final = true;
    if (this.#state === 'closed') return;
    this.#finish(new ClientError('closed', 'The client was closed', false), {
      code: CLOSE.normal,
      reason: 'client closed',
    });
  }

  get userSeq(): number | undefined {
    return this.#read.userSeq;
  }

  markRead(room: string, seq: number): void {
    this.#read.markRead(room, seq);
  }

  unread(room: string): UnreadState | undefined {
    return this.#read.unread(room);
  }

  unreadAll(): UnreadState[] {
    return this.#read.unreadAll();
  }

  receipts(room: string): Receipt[] {
    return this.#read.receipts(room);
  }

  role(room: string): RoomRole | undefined {
    return this.#rooms.get(room)?.role;
  }

  lastSeq(room: string): number | undefined {
    return this.#rooms.get(room)?.tracker.lastSeq;
  }

  status(userId: string): UserStatus | undefined {
    return this.#statuses.get(userId);
  }

  who(userIds: readonly string[]): Promise<UserStatus[]> {
    return this.#statuses.who(userIds, LIMITS.whoMax);
  }

  setActivity(activity: Activity): void {
    this.#statuses.setActivity(activity);
  }

  get activity(): Activity {
    return this.#statuses.activity;
  }

  typing(room: string, on = true): void {
    const rs = this.#rooms.get(room);
    if (!rs || rs.joinedOn !== this.#conn || !this.#connected()) return;
    const now = Date.now();
    const last = this.#typingSentAt.get(room) ?? 0;
    if (on ? now - last < TYPING_TTL_MS / 2 : last === 0) return;
    this.#typingSentAt.set(room, on ? now : 0);
    this.#transport?.send({ type: 'typing', room, on });
  }

  // ---- requests -------------------------------------------------------------------------

  rooms(): Promise<RoomInfo[]> {
    return this.#request({ type: 'rooms', id: newId() }, 'rooms', { onDrop: 'retry' }).then((f) => {
      this.#read.rooms(f);
      return f.rooms;
    });
  }

  createRoom(name: string, title?: string, options: CreateRoomOptions = {}): Promise<RoomInfo> {
    const id = newId();
    const frame: ClientFrameOf<'create'> = { type: 'create', id, room: name };
    if (title !== undefined) frame.title = title;
    if (options.visibility !== undefined) frame.visibility = options.visibility;
    // Not idempotent (a retry could meet room_exists), so a drop rejects it instead of resending.
    return this.#request(frame, 'room', { onDrop: 'reject' }).then((f) => f.room);
  }

  invite(room: string, user: string): Promise<SendResult> {
    return this.#moderate(moderationFrame('invite', room, user));
  }

  kick(room: string, user: string): Promise<SendResult> {
    return this.#moderate(moderationFrame('kick', room, user));
  }

  ban(room: string, user: string): Promise<SendResult> {
    return this.#moderate(moderationFrame('ban', room, user));
  }

  unban(room: string, user: string): Promise<SendResult> {
    return this.#moderate(moderationFrame('unban', room, user));
  }

  setRole(room: string, user: string, role: 'moderator' | 'member'): Promise<SendResult> {
    return this.#moderate(roleFrame(room, user, role));
  }

  dm(users: readonly string[]): Promise<RoomInfo> {
    // Idempotent on its id (the same pair is always the same room; a group resend finds its room).
    return this.#request(dmFrame(users), 'room', { onDrop: 'retry' }).then((f) => f.room);
  }

  rename(room: string, title: string): Promise<SendResult> {
    return this.#moderate(renameFrame(room, title));
  }

  setTopic(room: string, topic: string): Promise<SendResult> {
    return this.#moderate(topicFrame(room, topic));
  }

  members(room: string): Promise<MemberList> {
    const frame: RequestFrame = { type: 'members', id: newId(), room };
    return this.#request(frame, 'members', { onDrop: 'retry' }).then((f) => ({ members: f.members, more: f.more }));
  }

  /** Moderation frames are idempotent on their id (the server acks a resend with the original seq). */
  #moderate(frame: ModerationFrame | ClientFrameOf<'rename' | 'topic'>): Promise<SendResult> {
    return this.#request(frame, 'ack', { onDrop: 'retry' }).then((f) => ({
      id: f.id,
      room: f.room,
      seq: f.seq,
      ts: f.ts,
      duplicate: f.duplicate,
    }));
  }

  /** Kicked or banned: the server already dropped the room; forget it and fail its queued writes. */
  #onRemoved(frame: RemovedFrame): void {
    const rs = this.#rooms.get(frame.room);
    if (rs) this.#forgetRoom(rs, removedError(frame));
    this.#read.forget(frame.room);
    this.#emitter.emit('removed', { room: frame.room, reason: frame.reason, by: frame.by });
  }

  /** Read-only, so a search cut off by a reconnect is simply sent again. */
  search(q: string, opts: SearchOptions = {}): Promise<SearchPage> {
    return this.#request(searchFrame(q, opts), 'results', { onDrop: 'retry' }).then(toPage);
  }

  history(room: string, q: HistoryQuery = {}): Promise<{ events: RoomEvent[]; more: boolean }> {
    const frame: ClientFrameOf<'history'> = { type: 'history', id: newId(), room };
    if (q.before !== undefined) frame.before = q.before;
    if (q.after !== undefined) frame.after = q.after;
    if (q.limit !== undefined) frame.limit = q.limit;
    return this.#request(frame, 'history', { room, onDrop: 'retry' }).then((f) => ({
      events: f.events,
      more: f.more,
    }));
  }

  join(room: string): Promise<RoomInfo> {
    if (this.#state === 'closed') return Promise.reject(this.#closedError());
    let rs = this.#rooms.get(room);
    if (!rs) {
      rs = newRoomState(room);
      this.#rooms.set(room, rs);
    }
    if (rs.info && rs.joinedOn === this.#conn && this.#connected()) return Promise.resolve(rs.info);
    const state = rs;
    return new Promise((resolve, reject) => {
      state.waiters.push({ resolve, reject });
      if (this.#connected() && state.joining === undefined && state.retryTimer === undefined) this.#sendJoin(state);
    });
  }

  leave(room: string): Promise<void> {
    if (this.#state === 'closed') return Promise.reject(this.#closedError());
    const rs = this.#rooms.get(room);
    if (rs) this.#forgetRoom(rs, new ClientError('not_member', `Left room "${room}"`, false));
    this.#read.forget(room);
    return this.#request({ type: 'leave', id: newId(), room }, 'left', { onDrop: 'retry' }).then(() => undefined);
  }

  send(room: string, body: string, opts: SendOptions = {}): Promise<SendResult> {
    const reply = opts.reply === undefined ? {} : { reply: opts.reply };
    return this.#enqueue({ type: 'send', id: newId(), room, kind: 'text', body, ...reply });
  }

  async upload(room: string, file: Blob | Uint8Array, opts?: UploadOptions): Promise<FileRef> {
    const max = this.#maxUploadBytes;
    if (max !== undefined && sizeOf(file) > max) {
      throw new ClientError('file_too_large', `The file is larger than ${max} bytes`, false);
    }
    const { file: ref, links } = await uploadFile(
      { base: this.#httpBase, authorization: () => this.#httpAuthorization() },
      room,
      file,
      opts,
    );
    this.#links.remember(ref.id, links);
    return ref;
  }

  async sendFile(
    room: string,
    file: FileRef | Blob | Uint8Array,
    caption = '',
    opts?: UploadOptions,
  ): Promise<SendResult> {
    const ref = file instanceof Uint8Array || file instanceof Blob ? await this.upload(room, file, opts) : file;
    // Through the outbox like any send: a resend after a reconnect refers to the same upload.
    return this.#enqueue({
      type: 'send',
      id: newId(),
      room,
      kind: ref.thumb ? 'image' : 'file',
      file: ref.id,
      body: caption,
    });
  }

  fileLinks(fileId: string): Promise<FileLinks> {
    return this.#links.get(fileId);
  }

  /** Who we are over HTTP: the account's current access token, or the guest's session from welcome. */
  async #httpAuthorization(): Promise<string> {
    if (this.#tokenSource !== undefined) {
      const source = this.#tokenSource;
      let token = typeof source === 'function' ? await source() : (this.#refreshedToken ?? this.#lastToken ?? source);
      if (tokenExpired(token) === true && this.#refresh) {
        token = await this.#refresh();
        if (typeof source !== 'function') this.#refreshedToken = token;
      }
      return `Bearer ${token}`;
    }
    if (!this.#user || this.#session === undefined) {
      throw new ClientError('disconnected', 'Not connected yet: files need the session from welcome', true);
    }
    return `Session ${this.#session}`;
  }

  edit(room: string, ref: number, body: string): Promise<SendResult> {
    return this.#enqueue({ type: 'edit', id: newId(), room, ref, body });
  }

  remove(room: string, ref: number): Promise<SendResult> {
    return this.#enqueue({ type: 'delete', id: newId(), room, ref });
  }

  react(room: string, ref: number, emoji: string, on = true): Promise<SendResult> {
    return this.#enqueue({ type: 'react', id: newId(), room, ref, emoji, on });
  }

  pending(): PendingEntry[] {
    return this.#outbox.all().map((e) => toPending(e));
  }

  discard(id: string): boolean {
    const entry = this.#outbox.take(id);
    if (!entry) return false;
    this.#clearDeadline(id);
    this.#persistence?.forget(id);
    entry.settle?.reject(
      new ClientError('discarded', 'The message was discarded before it was acknowledged', false, id),
    );
    this.#emitter.emit('outbox', { change: 'discarded', entry: toPending(entry) });
    return true;
  }

  /** Every write takes this path: outbox, then storage, then the socket once the room is joined. */
  #enqueue(frame: OutboxFrame): Promise<SendResult> {
    if (this.#state === 'closed') return Promise.reject(this.#closedError());
    return new Promise((resolve, reject) => {
      const entry: OutboxEntry = {
        id: frame.id,
        room: frame.room,
        frame,
        createdAt: Date.now(),
        restored: false,
        user: this.#user?.id ?? this.#userId,
        settle: { resolve, reject },
        persisted: this.#persistence === undefined,
        sentOn: undefined,
        failures: 0,
        paused: false,
      };
      this.#outbox.add(entry);
      this.#emitter.emit('outbox', { change: 'added', entry: toPending(entry) });
      if (!this.#persistence) {
        if (this.#canWrite(entry) && this.#paced()) this.#writeEntry(entry);
        return;
      }
      // Stored before the first write: a reload after the write can still resend it.
      this.#persistence.save(toStored(entry), () => {
        entry.persisted = true;
        if (this.#outbox.get(entry.id) === entry && this.#canWrite(entry) && this.#paced()) this.#writeEntry(entry);
      });
    });
  }

  /**
   * Entries an earlier client stored: they go before this client's own, each to its room once
   * that room is joined on the current connection. A room the app never joins again keeps its
   * entries waiting (listed by pending(), kept in storage) until a join or discard().
   */
  #restore(stored: StoredOutboxEntry[]): void {
    if (this.#final) return; // closed before they loaded: they stay stored for the next client
    const entries = stored.map((s): OutboxEntry => ({
      id: s.frame.id,
      room: s.frame.room,
      frame: s.frame,
      createdAt: s.createdAt,
      restored: true,
      user: s.user ?? this.#userId,
      persisted: true,
      sentOn: undefined,
      failures: 0,
      paused: false,
    }));
    for (const entry of this.#outbox.prepend(entries)) {
      this.#emitter.emit('outbox', { change: 'added', entry: toPending(entry) });
    }
    this.#outboxReady = true;
    // Already welcomed on this connection: check them now; otherwise the next welcome does.
    if (this.#connected() && this.#user) this.#checkOwners(this.#user.id);
    this.#flush();
  }

  /**
   * Never write as someone else: entries made as another user (the session was lost and the
   * server made a new guest) fail with user_changed; unstamped ones are bound to this user.
   */
  #checkOwners(userId: string): void {
    for (const entry of this.#outbox.all()) {
      if (entry.user === undefined) {
        entry.user = userId;
        this.#persistence?.save(toStored(entry));
      } else if (entry.user !== userId) {
        const message = 'Not sent: it was written by a user this session no longer is (the session was lost)';
        this.#failEntry(entry, new ClientError('user_changed', message, false, entry.id));
      }
    }
  }

  /** A terminal failure: out of the outbox and storage, the caller told. */
  #failEntry(entry: OutboxEntry, error: ClientError): void {
    this.#outbox.take(entry.id);
    this.#clearDeadline(entry.id);
    this.#persistence?.forget(entry.id);
    entry.settle?.reject(error);
    this.#emitter.emit('outbox', { change: 'failed', entry: toPending(entry, error), error });
  }

  #request<T extends ServerFrameType>(frame: RequestFrame, expect: T, opts: RequestOptions): Promise<ServerFrameOf<T>> {
    if (this.#state === 'closed') return Promise.reject(this.#closedError());
    return new Promise((resolve, reject) => {
      const pending: PendingRequest = {
        frame,
        expect,
        room: opts.room,
        onDrop: opts.onDrop,
        onTimeout: opts.onTimeout ?? 'reject',
        // Safe: #answer only resolves with a frame whose type is `expect`.
        resolve: resolve as (frame: ServerFrame) => void,
        reject,
      };
      if (this.#connected() && this.#gateOpen(opts.room)) this.#dispatch(pending);
      else if (opts.queue ?? true) this.#waiting.push(pending);
      else reject(new ClientError('disconnected', 'Not connected', true, frame.id));
    });
  }

  // ---- connection lifecycle --------------------------------------------------------------

  #open(): void {
    this.#clearTimer('reconnect');
    this.#unwatchWake ??= watchWakeSignals(() => {
      if (this.#state === 'reconnecting') this.#open();
    });
    const conn = ++this.#conn;
    this.#setState('connecting', {});
    if (this.#state !== 'connecting' || this.#conn !== conn) return; // a state listener intervened
    this.#opened = false;
    if (this.#tokenSource === undefined && this.#refreshedToken === undefined && !this.#needRefresh) {
      this.#startTransport(conn, undefined);
    } else {
      this.#accessToken().then(
        (token) => {
          if (this.#conn === conn && this.#state === 'connecting') this.#startTransport(conn, token);
        },
        (err: unknown) => {
          if (this.#conn !== conn || this.#state === 'closed') return;
          const message = err instanceof Error ? err.message : String(err);
          const error = new ClientError('auth', `Could not get an access token: ${message}`, false);
          this.#emitter.emit('error', error);
          this.#finish(error, { reason: error.message });
        },
      );
    }
    // The open + hello exchange gets the same deadline as any request.
    this.#timers.welcome = setTimeout(() => {
      this.#timers.welcome = undefined;
      this.#abort(CLOSE.hello_timeout, 'no welcome in time');
    }, this.#timeoutMs);
  }

  /** The token for this attempt: refreshed when asked to, else the latest refreshed or configured one. */
  async #accessToken(): Promise<string> {
    if (this.#needRefresh && this.#refresh) {
      this.#needRefresh = false;
      this.#refreshedInStreak = true;
      this.#refreshedToken = await this.#refresh();
    }
    const refreshed = this.#refreshedToken;
    if (refreshed !== undefined) {
      // A function source is asked again next time (the app stores the new token); a string is replaced.
      if (typeof this.#tokenSource === 'function') this.#refreshedToken = undefined;
      return refreshed;
    }
    const source = this.#tokenSource;
    return typeof source === 'function' ? await source() : (source ?? '');
  }

  #startTransport(conn: number, token: string | undefined): void {
    this.#lastToken = token;
    // The token rides in the subprotocol list: browsers cannot set an Authorization header.
    const protocols = token ? ['parley.v1', `bearer.${token}`] : undefined;
    try {
      this.#transport = new Transport(
        this.#Ctor,
        this.#url,
        {
          open: () => this.#onOpen(conn),
          frame: (frame) => {
            if (this.#conn === conn) this.#onFrame(frame);
          },
          garbage: (text) => {
            if (this.#conn !== conn) return;
            const sample = text.slice(0, 80);
            this.#emitter.emit('error', new ClientError('bad_frame', `Unreadable frame from server: ${sample}`, false));
          },
          closed: (code, reason) => {
            if (this.#conn !== conn) return;
            this.#transport = undefined;
            this.#dropped({ code, reason });
          },
        },
        protocols,
      );
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const error = new ClientError('bad_url', `Cannot open ${this.#url}: ${message}`, false);
      this.#emitter.emit('error', error);
      this.#finish(error, { reason: error.message });
    }
  }

  #onOpen(conn: number): void {
    if (this.#conn !== conn) return;
    this.#opened = true;
    // Without a session yet, propose one: a retry after a lost welcome is then the same session.
    this.#session ??= newId(SESSION_ID_CHARS);
    const hello: ClientFrame = { type: 'hello', v: PROTOCOL_VERSION, nick: this.#nick, session: this.#session };
    this.#transport?.send(hello);
  }

  #onWelcome(frame: WelcomeFrame): void {
    if (this.#state !== 'connecting') return;
    this.#clearTimer('welcome');
    this.#user = frame.user;
    this.#session = frame.session;
    this.#refreshedInStreak = false;
    const { writesPerSec, writesBurst } = frame.limits;
    this.#maxUploadBytes = frame.limits.maxUploadBytes;
    // Pace under the limit, not at it: network and event-loop jitter bunch frames together on
    // the way, and the server's bucket loses the refill it could not hold while full.
    this.#pacer =
      writesPerSec !== undefined && writesBurst !== undefined
        ? new TokenBucket(writesPerSec * 0.9, Math.max(1, writesBurst - 2))
        : undefined;
    this.#heartbeat = new Heartbeat({
      intervalMs: frame.heartbeatMs,
      slackMs: this.#slackMs,
      ping: () => this.#transport?.send({ type: 'ping' }),
      dead: () => this.#abort(CLOSE.heartbeat_timeout, 'heartbeat timeout'),
    });
    this.#timers.stable = setTimeout(() => {
      this.#timers.stable = undefined;
      this.#failures = 0;
    }, STABLE_MS);
    const conn = this.#conn;
    this.#setState('connected', {});
    if (!this.#isCurrent(conn)) return;
    this.#emitter.emit('welcome', { user: frame.user, session: frame.session });
    if (!this.#isCurrent(conn)) return;
    if (this.#outboxReady) this.#checkOwners(frame.user.id);
    if (!this.#isCurrent(conn)) return;
    // The user log first: it is what tells about rooms joined or left elsewhere meanwhile.
    this.#read.connected();
    this.#statuses.connected(LIMITS.whoMax);
    this.#resume();
  }

  /** After welcome: re-join every room (sends follow each join), then release waiting requests. */
  #resume(): void {
    for (const rs of this.#rooms.values()) {
      if (rs.joining === undefined && rs.retryTimer === undefined) this.#sendJoin(rs);
    }
    this.#flush();
  }

  /** The connection ended without close(): decide between reconnecting and giving up. */
  #dropped(info: CloseInfo): void {
    const code = info.code ?? ABNORMAL_CLOSE;
    // token_expired: refresh, then reconnect at once. A refused handshake (a browser sees only
    // 1006) with a token that looks expired also refreshes, once per run of failures.
    const expired = code === CLOSE.token_expired && this.#refresh !== undefined;
    if (expired) this.#needRefresh = true;
    else if (!this.#opened && this.#refresh && this.#lastToken !== undefined) {
      const stale = tokenExpired(this.#lastToken);
      if (stale === true || (stale === undefined && !this.#refreshedInStreak)) this.#needRefresh = true;
    }
    if (!shouldReconnect(code) && !expired) {
      const error = terminalError(code, info.reason);
      this.#emitter.emit('error', error);
      if (this.#state !== 'closed') this.#finish(error, info);
      return;
    }
    this.#heartbeat?.stop();
    this.#heartbeat = undefined;
    this.#clearTimer('welcome');
    this.#clearTimer('stable');
    // Typing is ephemeral: with the link gone nobody's signal is current.
    this.#typists.clear();
    this.#read.disconnected();
    this.#typingSentAt.clear();
    for (const timer of this.#deadlines.values()) clearTimeout(timer);
    this.#deadlines.clear();
    for (const rs of this.#rooms.values()) {
      rs.joinedOn = undefined;
      rs.joining = undefined;
      if (rs.retryTimer !== undefined) clearTimeout(rs.retryTimer);
      rs.retryTimer = undefined;
    }
    const inflight = [...this.#inflight.values()];
    this.#inflight.clear();
    // Idempotent requests go back to the front of the queue: they were made before the waiting ones.
    this.#waiting = [...inflight.filter((p) => p.onDrop === 'retry'), ...this.#waiting];
    for (const p of inflight) {
      if (p.onDrop === 'reject') {
        p.reject(new ClientError('disconnected', 'The connection dropped before the answer came', true, p.frame.id));
      }
    }
    // Unacknowledged sends stay in the outbox: they go again, same id, after the room's re-join.
    if (!expired) this.#failures++;
    // Honour a shutting-down server's own spread; otherwise exponential backoff with full jitter.
    const hint = retryHintMs(info.reason);
    const delayMs = expired
      ? 0
      : hint === undefined
        ? backoffDelay(this.#failures - 1, this.#backoff)
        : Math.min(hint, this.#backoff.maxMs);
    this.#setState('reconnecting', { delayMs, ...info });
    if (this.#state !== 'reconnecting') return;
    this.#timers.reconnect = setTimeout(() => {
      this.#timers.reconnect = undefined;
      if (this.#state === 'reconnecting') this.#open();
    }, delayMs);
  }

  /** Give up on the current connection from our side (dead peer, missed deadline) and reconnect. */
  #abort(code: number, reason: string): void {
    const transport = this.#transport;
    if (!transport) return;
    this.#transport = undefined;
    transport.close(code, reason, true);
    this.#dropped({ code, reason });
  }

  /** Final state: close the socket, stop every timer and listener, reject everything pending. */
  #finish(error: ClientError, info: CloseInfo): void {
    const transport = this.#transport;
    this.#transport = undefined;
    transport?.close(CLOSE.normal, 'client closed');
    this.#heartbeat?.stop();
    this.#heartbeat = undefined;
    this.#clearTimer('reconnect');
    this.#clearTimer('welcome');
    this.#clearTimer('stable');
    this.#typists.clear();
    this.#typingSentAt.clear();
    this.#read.close();
    for (const timer of this.#deadlines.values()) clearTimeout(timer);
    this.#deadlines.clear();
    for (const timer of this.#resendTimers) clearTimeout(timer);
    this.#resendTimers.clear();
    clearTimeout(this.#paceTimer);
    this.#paceTimer = undefined;
    this.#unwatchWake?.();
    this.#unwatchWake = undefined;

    this.#setState('closed', info);

    const pending = [...this.#inflight.values(), ...this.#waiting];
    this.#inflight.clear();
    this.#waiting = [];
    for (const p of pending) if (p.onDrop !== 'forget') p.reject(error);
    for (const rs of this.#rooms.values()) {
      if (rs.retryTimer !== undefined) clearTimeout(rs.retryTimer);
      rs.retryTimer = undefined;
      rs.joinedOn = undefined;
      rs.joining = undefined;
      const waiters = rs.waiters;
      rs.waiters = [];
      for (const w of waiters) w.reject(error);
    }
    // Not a failure of the entries: they stay in the OutboxStore and a later client resends them.
    for (const entry of this.#outbox.drain()) entry.settle?.reject(error);
  }

  #setState(next: ConnectionState, info: CloseInfo & { delayMs?: number }): void {
    const prev = this.#state;
    if (prev === next) return;
    this.#state = next;
    const payload: ClientEvents['state'] = { state: next, prev, attempt: this.#failures };
    if (info.delayMs !== undefined) payload.delayMs = info.delayMs;
    if (info.code !== undefined) payload.code = info.code;
    if (info.reason !== undefined) payload.reason = info.reason;
    this.#emitter.emit('state', payload);
  }

  // ---- inbound frames -------------------------------------------------------------------

  #onFrame(frame: ServerFrame): void {
    this.#heartbeat?.seen();
    switch (frame.type) {
      case 'welcome':
        return this.#onWelcome(frame);
      case 'event':
        return this.#onEvent(frame);
      case 'ack':
        return this.#onAck(frame);
      case 'error':
        return this.#onError(frame);
      case 'presence':
        this.#emitter.emit('presence', { room: frame.room, online: frame.online });
        return;
      case 'typing':
        this.#typists.update(frame.room, frame.user, frame.on);
        return;
      case 'status':
        // With an id: the answer to a `who` (applied by StatusBook.who); without: live changes.
        if (frame.id !== undefined) return this.#answer(frame.id, frame);
        this.#statuses.apply(frame);
        return;
      case 'removed':
        return this.#onRemoved(frame);
      case 'user':
        return this.#read.userEvent(frame);
      case 'receipts':
        return this.#read.receiptsFrame(frame);
      case 'pong':
        return; // heartbeat pings carry no id; any inbound frame already counted as a sign of life
      case 'room':
      case 'rooms':
      case 'joined':
      case 'left':
      case 'history':
      case 'results':
      case 'synced':
      case 'unread':
      case 'members':
        return this.#answer(frame.id, frame);
      default:
        // A frame type this SDK does not know yet (a newer server): ignore it.
        return;
    }
  }

  #answer(id: string, frame: ServerFrame): void {
    const pending = this.#inflight.get(id);
    if (!pending) return;
    this.#inflight.delete(id);
    this.#clearDeadline(id);
    if (frame.type === pending.expect) pending.resolve(frame);
    else {
      pending.reject(new ClientError('bad_response', `Expected ${pending.expect}, got ${frame.type}`, false, id));
    }
  }

  #onError(frame: ErrorFrame): void {
    const error = new ClientError(frame.code, frame.message, frame.retryable, frame.id);
    // A refused `read` (e.g. the room was left meanwhile): nothing for the app to do.
    if (this.#read.refused(frame)) return;
    if (frame.id !== undefined) {
      const pending = this.#inflight.get(frame.id);
      if (pending) {
        this.#inflight.delete(frame.id);
        this.#clearDeadline(frame.id);
        pending.reject(error);
        return;
      }
      const entry = this.#outbox.get(frame.id);
      if (entry) {
        this.#clearDeadline(frame.id);
        if (error.retryable) this.#resendLater(entry, frame.retryAfterMs);
        else this.#failEntry(entry, error);
        return;
      }
    }
    this.#emitter.emit('error', error);
    // hello was refused (nick_taken, nick_invalid, bad_frame…): the same hello cannot succeed.
    // Stop now instead of waiting for a close: the server does not always send one.
    if (this.#state === 'connecting' && !error.retryable) {
      this.#finish(error, { code: CLOSE.rejected, reason: error.code });
    }
  }

  #onEvent(frame: EventFrame): void {
    const rs = this.#rooms.get(frame.room);
    if (!rs) return; // a room we left; late events are not ours any more
    const { type: _type, ...event } = frame;
    this.#deliver(rs, rs.tracker.receive(event));
    if (rs.tracker.gapAfter() !== undefined) void this.#fillGap(rs);
  }

  #onAck(frame: AckFrame): void {
    // Moderation requests are answered with an ack too.
    if (this.#inflight.has(frame.id)) return this.#answer(frame.id, frame);
    const entry = this.#outbox.take(frame.id);
    if (!entry) return; // an ack for a write that already failed or was settled
    this.#clearDeadline(frame.id);
    this.#persistence?.forget(entry.id);
    const result: SendResult = {
      id: frame.id,
      room: frame.room,
      seq: frame.seq,
      ts: frame.ts,
      duplicate: frame.duplicate,
    };
    entry.settle?.resolve(result);
    this.#emitter.emit('outbox', { change: 'acked', entry: toPending(entry), result });
  }

  // ---- rooms ----------------------------------------------------------------------------

  #sendJoin(rs: RoomState): void {
    const id = newId();
    rs.joining = id;
    const resume = rs.tracker.resumePoint();
    const frame: RequestFrame = resume
      ? { type: 'join', id, room: rs.name, after: resume.after, epoch: resume.epoch }
      : { type: 'join', id, room: rs.name };
    this.#dispatch({
      frame,
      expect: 'joined',
      room: undefined,
      // Rooms are re-joined on every welcome anyway; a join that hangs means the connection is bad.
      onDrop: 'forget',
      onTimeout: 'reconnect',
      resolve: (f) => this.#onJoined(rs, id, f as JoinedFrame),
      reject: (err) => this.#onJoinFailed(rs, id, err),
    });
  }

  #onJoined(rs: RoomState, id: string, frame: JoinedFrame): void {
    if (this.#rooms.get(rs.name) !== rs || rs.joining !== id) return;
    rs.joining = undefined;
    rs.joinedOn = this.#conn;
    rs.info = frame.room;
    rs.role = frame.role;
    rs.failures = 0;
    const outcome = rs.tracker.joined(frame.room, frame.from, frame.reset);
    // Counts cover the log up to their `at`: taken before any event of this join is delivered.
    this.#read.joined(frame, outcome.reset);
    if (outcome.reset) this.#emitter.emit('reset', { room: rs.name, room_info: frame.room });
    if (this.#rooms.get(rs.name) !== rs) return; // the app left the room from its reset listener
    const waiters = rs.waiters;
    rs.waiters = [];
    for (const w of waiters) w.resolve(frame.room);
    this.#deliver(rs, outcome.deliver);
    // Sends and requests that waited for this room go out now, after the join.
    this.#flush();
    if (rs.tracker.gapAfter() !== undefined) void this.#fillGap(rs);
  }

  #onJoinFailed(rs: RoomState, id: string, error: ClientError): void {
    if (this.#rooms.get(rs.name) !== rs || rs.joining !== id) return;
    rs.joining = undefined;
    if (error.retryable) {
      const conn = this.#conn;
      rs.retryTimer = setTimeout(
        () => {
          rs.retryTimer = undefined;
          if (this.#connected() && this.#conn === conn && this.#rooms.get(rs.name) === rs) this.#sendJoin(rs);
        },
        backoffDelay(rs.failures++, this.#backoff),
      );
      return;
    }
    const hadWaiters = rs.waiters.length > 0;
    this.#forgetRoom(rs, error);
    // A re-join after reconnect has nobody waiting on it: tell the app.
    if (!hadWaiters) this.#emitter.emit('error', error);
  }

  /** Stop tracking a room: its waiters and queued sends fail with `error`. */
  #forgetRoom(rs: RoomState, error: ClientError): void {
    this.#rooms.delete(rs.name);
    this.#typists.clear(rs.name);
    this.#typingSentAt.delete(rs.name);
    if (rs.retryTimer !== undefined) clearTimeout(rs.retryTimer);
    rs.retryTimer = undefined;
    rs.filling = undefined;
    const waiters = rs.waiters;
    rs.waiters = [];
    for (const w of waiters) w.reject(error);
    for (const entry of this.#outbox.drain(rs.name)) this.#failEntry(entry, error);
    // Requests held for this room's join are no longer held.
    this.#flush();
  }

  #deliver(rs: RoomState, events: RoomEvent[]): void {
    for (const event of events) {
      if (this.#rooms.get(rs.name) !== rs) return;
      if (event.kind === 'role' && event.target?.id === this.#user?.id) rs.role = event.body as RoomRole;
      this.#read.roomEvent(event);
      this.#emitter.emit('event', event);
    }
  }

  /** Fetch missing events with history, page by page, until the room is contiguous again. */
  async #fillGap(rs: RoomState): Promise<void> {
    if (rs.filling) return;
    const token = {};
    rs.filling = token;
    const generation = rs.tracker.generation;
    const stale = (): boolean =>
      this.#state !== 'connected' ||
      this.#rooms.get(rs.name) !== rs ||
      rs.tracker.generation !== generation ||
      rs.filling !== token;
    try {
      for (let after = rs.tracker.gapAfter(); after !== undefined && !stale(); after = rs.tracker.gapAfter()) {
        const frame: RequestFrame = {
          type: 'history',
          id: newId(),
          room: rs.name,
          after,
          limit: LIMITS.historyMaxLimit,
        };
        const page = await this.#request(frame, 'history', { room: rs.name, onDrop: 'reject', queue: false });
        if (stale()) return;
        this.#deliver(rs, rs.tracker.fill(page.events));
        if (rs.tracker.lastSeq === after) {
          // History has nothing after `after` although later events exist: never wedge the room.
          const message = `Room "${rs.name}": events after seq ${after} are missing; skipped ahead`;
          this.#emitter.emit('error', new ClientError('gap_unfilled', message, false));
          this.#deliver(rs, rs.tracker.skipGap());
        }
      }
    } catch {
      // Dropped or timed out: a re-join replays from lastSeq, or the next event retries.
    } finally {
      if (rs.filling === token) rs.filling = undefined;
    }
  }

  // ---- outbound -------------------------------------------------------------------------

  #connected(): boolean {
    return this.#state === 'connected' && this.#transport !== undefined;
  }

  #isCurrent(conn: number): boolean {
    return this.#conn === conn && this.#connected();
  }

  /** A frame for `room` may go out once the room (if we track it) has joined on this connection. */
  #gateOpen(room: string | undefined): boolean {
    if (room === undefined) return true;
    const rs = this.#rooms.get(room);
    return rs === undefined || rs.joinedOn === this.#conn;
  }

  /** Write every waiting request and unsent send whose room is ready, in their original order. */
  #flush(): void {
    if (!this.#connected()) return;
    const held: PendingRequest[] = [];
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const p of waiting) {
      if (this.#connected() && this.#gateOpen(p.room)) this.#dispatch(p);
      else held.push(p);
    }
    this.#waiting = [...held, ...this.#waiting];
    for (const entry of this.#outbox.unsent(this.#conn)) {
      if (!this.#canWrite(entry)) continue;
      // Out of tokens: stop here (keeping the order) until the pacer's flush.
      if (!this.#paced()) break;
      this.#writeEntry(entry);
    }
  }

  /** Whether a write may go now under the server's write limit; if not, a flush is scheduled. */
  #paced(): boolean {
    if (this.#paceTimer !== undefined) return false;
    const wait = this.#pacer?.take() ?? 0;
    if (wait === 0) return true;
    this.#paceTimer = setTimeout(() => {
      this.#paceTimer = undefined;
      this.#flush();
    }, wait);
    return false;
  }

  /** Whether an outbox entry may be written to the current connection now. */
  #canWrite(entry: OutboxEntry): boolean {
    if (!this.#outboxReady || !entry.persisted || entry.paused || !this.#connected()) return false;
    // Only ever as the user it was made as (bound at the welcome).
    if (entry.user !== this.#user?.id) return false;
    // Restored entries wait for a join of their room on this connection: the server refuses
    // writes to rooms not joined on the connection, and this life's app has not asked yet.
    if (entry.restored) return this.#rooms.get(entry.room)?.joinedOn === this.#conn;
    return this.#gateOpen(entry.room);
  }

  #dispatch(p: PendingRequest): void {
    this.#inflight.set(p.frame.id, p);
    this.#transport?.send(p.frame);
    this.#startDeadline(p.frame.id);
  }

  #writeEntry(entry: OutboxEntry): void {
    entry.sentOn = this.#conn;
    // The same frame, so the same id, on every resend: the server answers a repeat with the original seq.
    this.#transport?.send(entry.frame);
    this.#startDeadline(entry.id);
  }

  /** A retryable error for a write: try again on this connection after a backoff pause (at least `retryAfterMs`). */
  #resendLater(entry: OutboxEntry, retryAfterMs = 0): void {
    entry.sentOn = undefined;
    entry.paused = true;
    const timer = setTimeout(
      () => {
        this.#resendTimers.delete(timer);
        entry.paused = false;
        this.#flush();
      },
      // A rate_limited answer says how long to wait; never resend sooner.
      Math.max(retryAfterMs, backoffDelay(entry.failures++, this.#backoff)),
    );
    this.#resendTimers.add(timer);
  }

  #startDeadline(id: string): void {
    this.#clearDeadline(id);
    this.#deadlines.set(
      id,
      setTimeout(() => this.#onDeadline(id), this.#timeoutMs),
    );
  }

  #clearDeadline(id: string): void {
    const timer = this.#deadlines.get(id);
    if (timer !== undefined) clearTimeout(timer);
    this.#deadlines.delete(id);
  }

  #onDeadline(id: string): void {
    this.#deadlines.delete(id);
    const pending = this.#inflight.get(id);
    if (pending && pending.onTimeout === 'reject') {
      this.#inflight.delete(id);
      pending.reject(new ClientError('timeout', `No answer to ${pending.frame.type} in time`, true, id));
      return;
    }
    // An unanswered join or send: the connection is not working. Reconnecting resends them
    // (sends with the same id), which keeps exactly-once; rejecting would invite duplicates.
    if (pending || this.#outbox.get(id)) this.#abort(CLOSE.heartbeat_timeout, 'request timed out');
  }

  #clearTimer(which: 'reconnect' | 'welcome' | 'stable'): void {
    const timer = this.#timers[which];
    if (timer !== undefined) clearTimeout(timer);
    this.#timers[which] = undefined;
  }

  #closedError(): ClientError {
    return new ClientError('closed', 'The client is closed', false);
  }
}

function newRoomState(name: string): RoomState {
  return {
    name,
    tracker: new RoomTracker(name),
    info: undefined,
    joinedOn: undefined,
    joining: undefined,
    waiters: [],
    filling: undefined,
    failures: 0,
    retryTimer: undefined,
    role: undefined,
  };
}

export function createClient(options: ClientOptions): ParleyClient {
  const client = new Client(options);
  // Connect on the next microtask so the caller can subscribe to the first state change.
  if (options.autoConnect ?? true) {
    queueMicrotask(() => {
      if (client.state === 'idle') client.connect();
    });
  }
  return client;
}
