/** The SDK's public types. The web app is written against these names: keep them stable. */
import type {
  AssignableRole,
  FileRef,
  Receipt,
  RemovalKind,
  RoomEvent,
  RoomInfo,
  RoomRole,
  UserEvent,
  UserRef,
} from '../protocol/index.ts';
import type { UserStatus } from '../protocol/index.ts';
import type { Activity } from './activity.ts';
import type { ClientError } from './errors.ts';
import type { CreateRoomOptions } from './moderation.ts';
import type { MemberList } from './room-admin.ts';
import type { OutboxFrame, OutboxStore } from './outbox-store.ts';
import type { SearchOptions, SearchPage } from './search.ts';
import type { FileLinks, UploadOptions } from './upload.ts';
import type { WebSocketConstructor } from './transport.ts';
import type { UnreadState } from './unread.ts';

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed';

export interface ClientOptions {
  /** ws://host:port/ws */
  url: string;
  nick: string;
  /**
   * Access token of an account (from POST /api/auth/login), or a function returning the current
   * one, called before every connection attempt. Sent as the WebSocket subprotocol entry
   * `bearer.<token>` next to `parley.v1` (browsers cannot set headers). With a token the server
   * ignores `nick`: the user is the account.
   */
  token?: string | (() => string | Promise<string>);
  /**
   * Returns a fresh access token (e.g. via POST /api/auth/refresh). Called when the server closes
   * with 4410 `token_expired`, and once when a handshake fails while the token looks expired;
   * the client then reconnects with the new token. Without it `token_expired` is terminal.
   */
  refresh?: () => Promise<string>;
  /**
   * Base of the HTTP routes (uploads, file links), e.g. `https://chat.example`; default derived
   * from `url` (ws://host/ws → http://host).
   */
  httpUrl?: string;
  /** Session token from a previous welcome: stay the same user. */
  session?: string;
  /**
   * The last user-log seq an earlier client of this user had (`client.userSeq`, kept with the
   * session): the user events after it are replayed. Without it the user log is followed from now.
   */
  userSeq?: number;
  /**
   * The user id `session` belongs to (from that welcome). Writes made before this client's
   * first welcome are stamped with it, so they too are never sent as a different user.
   * Without it such writes are bound to whoever the first welcome says.
   */
  userId?: string;
  /**
   * Where unacknowledged writes are kept; default a fresh MemoryOutboxStore (gone with the
   * client). Pass `indexedDbOutbox(db, scope)` in a browser so they survive a reload; the client
   * loads it once, at creation, and resends what it holds.
   */
  outbox?: OutboxStore;
  /** Default globalThis.WebSocket. In Node pass `WebSocket` from the `ws` package. */
  WebSocket?: WebSocketConstructor;
  /** Default true. */
  autoConnect?: boolean;
  /** Reconnect delay bounds; default 500 / 30000 ms. */
  backoff?: { minMs?: number; maxMs?: number };
  /** Extra quiet time after a heartbeat ping before the connection counts as dead; default 10000. */
  heartbeatSlackMs?: number;
  /** Deadline for an answer to a request sent while connected; default 15000. */
  requestTimeoutMs?: number;
}

export interface SendOptions {
  /** The seq of a message (text, image or file) of the same room this one replies to (`event.reply`). */
  reply?: number;
}

export interface SendResult {
  /** The send's id (its idempotency key, also the event's `cid`). */
  id: string;
  room: string;
  seq: number;
  ts: number;
  /** True when the server had already stored this id (a resend): the original seq is returned. */
  duplicate: boolean;
}

/** A write (send, edit, delete, react) that has not been acknowledged yet. */
export interface PendingEntry {
  /** Its idempotency key: the ack's id and the event's `cid`. */
  readonly id: string;
  readonly room: string;
  /** What is (re)sent, e.g. `frame.type === 'send'` with `frame.body`. */
  readonly frame: OutboxFrame;
  readonly createdAt: number;
  /** Loaded from the OutboxStore: made by an earlier client (page life), no promise tracks it. */
  readonly restored: boolean;
  readonly status: 'pending' | 'failed';
  /** Why it failed (status 'failed'). */
  readonly error?: ClientError;
}

/** Outbox changes, for every entry (restored or not). `acked`, `failed` and `discarded` remove it. */
export type OutboxChange =
  | { readonly change: 'added'; readonly entry: PendingEntry }
  | { readonly change: 'acked'; readonly entry: PendingEntry; readonly result: SendResult }
  | { readonly change: 'failed'; readonly entry: PendingEntry; readonly error: ClientError }
  | { readonly change: 'discarded'; readonly entry: PendingEntry };

export interface HistoryQuery {
  before?: number;
  after?: number;
  limit?: number;
}

export interface ClientEvents {
  state: {
    state: ConnectionState;
    prev: ConnectionState;
    attempt: number;
    delayMs?: number;
    code?: number;
    reason?: string;
  };
  welcome: { user: UserRef; session: string };
  /** Each room's events exactly once, in seq order. */
  event: RoomEvent;
  /**
   * Who is online in the room (by nickname) and how many. In a large room only the count is
   * known and `online` is empty (docs/protocol.md, _Room presence_).
   */
  presence: { room: string; online: UserRef[]; count: number };
  /** Who else is typing in the room now (ephemeral; an entry expires when not renewed). */
  typing: { room: string; users: UserRef[] };
  /** The room's epoch changed: drop local state for the room and reload history. */
  reset: { room: string; room_info: RoomInfo };
  /** Errors not tied to a pending request (and fatal hello errors). */
  error: ClientError;
  /** The people you block, whenever the list is answered or changes (also from another tab). */
  blocks: { users: UserRef[] };
  /**
   * Someone's display name changed (docs/protocol.md, _Display names_): yours (after
   * setDisplayName, also from another tab; `client.user` has it already) or that of someone who
   * shares a room with you. `user.name` is absent when it was cleared.
   */
  profile: { user: UserRef };
  /**
   * You were kicked or banned from the room (on any connection of yours). The client has already
   * forgotten it: its join waiters and queued writes failed with `not_member` / `banned`.
   */
  removed: { room: string; reason: RemovalKind; by: UserRef };
  /** An outbox entry was added (also when loaded from storage), acknowledged, failed or discarded. */
  outbox: OutboxChange;
  /**
   * Each entry of your user log exactly once, in order, from every device of yours: `member`
   * (you joined elsewhere, were invited, a DM opened), `unmember` (left, kicked, banned), `read`.
   * Persist `client.userSeq` after it to resume the log after a reload.
   */
  user: UserEvent;
  /** Your read watermark in the room moved: by markRead here, or on another device. */
  read: { room: string; seq: number };
  /** A room's unread or mention count, or your watermark, changed. */
  unread: UnreadState;
  /** Members' read watermarks in the room (highest first) changed: for "seen by". */
  receipt: { room: string; receipts: Receipt[] };
  /**
   * Presence of users who share a room with you changed (online / away / offline with lastSeen),
   * or a `who()` answer told something new. Only the users that changed.
   */
  status: { users: UserStatus[] };
}

export interface ParleyClient {
  readonly state: ConnectionState;
  readonly user: UserRef | undefined;
  readonly session: string | undefined;
  /** Start (idle), skip the backoff wait (reconnecting), or start over after the server closed for good. */
  connect(): void;
  /** Final: state 'closed', pending promises reject; connect() does nothing afterwards. */
  close(): void;
  /** Returns the unsubscribe function. */
  on<E extends keyof ClientEvents>(event: E, fn: (payload: ClientEvents[E]) => void): () => void;
  rooms(): Promise<RoomInfo[]>;
  /** You become the room's owner. `visibility: 'private'`: only invited members see or join it. */
  createRoom(name: string, title?: string, options?: CreateRoomOptions): Promise<RoomInfo>;
  /**
   * Room moderation (docs/protocol.md, _Authorization_). `user` is a user id, not a nickname.
   * Owner or moderator: invite (adds a membership; needed for private rooms), kick, ban, unban.
   * Owner only: setRole. Idempotent; resolve with the ack (`duplicate` when already in effect).
   */
  invite(room: string, user: string): Promise<SendResult>;
  kick(room: string, user: string): Promise<SendResult>;
  ban(room: string, user: string): Promise<SendResult>;
  unban(room: string, user: string): Promise<SendResult>;
  setRole(room: string, user: string, role: AssignableRole): Promise<SendResult>;
  /**
   * Opens a direct message with these users (ids, not nicknames; you are added) and resolves with
   * its room (`dm` lists who it is between). One other user: always the same room. Join it to talk.
   */
  dm(users: readonly string[]): Promise<RoomInfo>;
  /** Owner or moderator (any member of a DM): the room's title, as a `rename` event. */
  rename(room: string, title: string): Promise<SendResult>;
  /** Owner or moderator (any member of a DM): the room's topic ('' clears it), as a `topic` event. */
  setTopic(room: string, topic: string): Promise<SendResult>;
  /** The room's members with their roles (a private room: members only). */
  members(room: string): Promise<MemberList>;
  /** Blocks a user by id; resolves with everyone you block (docs/protocol.md, _Blocking_). */
  block(userId: string): Promise<UserRef[]>;
  unblock(userId: string): Promise<UserRef[]>;
  /** Everyone you block. */
  blocked(): Promise<UserRef[]>;
  /**
   * Accounts only: sets your display name ('' clears it). Resolves with you as you are now;
   * rejects with `display_name_invalid` or, for a guest, `account_required`.
   */
  setDisplayName(name: string): Promise<UserRef>;
  /** Idempotent; remembered and re-joined after every reconnect. */
  join(room: string): Promise<RoomInfo>;
  leave(room: string): Promise<void>;
  /**
   * Writes go through the outbox: persisted, queued while disconnected, resent with the same
   * id after every reconnect + re-join until acked. Resolve with the ack; reject on a
   * non-retryable error (the entry is dropped), or with `closed` on close() (the entry stays
   * in the OutboxStore for the next client).
   */
  send(room: string, body: string, opts?: SendOptions): Promise<SendResult>;
  /**
   * Upload a file into a room (you must have joined it) over HTTP: `onProgress` reports bytes
   * sent, `signal` cancels. Resolves with the server's FileRef (sniffed type, size, image size).
   * Rejects with the server's code: `file_too_large`, `file_type_not_allowed`, `rate_limited`
   * (retryable), `not_member`, … or `aborted`, `network`.
   */
  upload(room: string, file: Blob | Uint8Array, opts?: UploadOptions): Promise<FileRef>;
  /**
   * Send an image (a file with a thumbnail) or file message: uploads `file` first unless it is
   * already a FileRef from upload(). The send goes through the outbox like send().
   */
  sendFile(
    room: string,
    file: FileRef | Blob | Uint8Array,
    caption?: string,
    opts?: UploadOptions,
  ): Promise<SendResult>;
  /**
   * Signed links to a file's bytes and thumbnail for `<img src>` / `<a href>`, for a member of
   * the file's room. Cached, and renewed a minute before they expire.
   */
  fileLinks(fileId: string): Promise<FileLinks>;
  /** Replace the text of message `ref` (a seq). */
  edit(room: string, ref: number, body: string): Promise<SendResult>;
  /** Delete message `ref` (frame type 'delete'). */
  remove(room: string, ref: number): Promise<SendResult>;
  /** Add (on, the default) or remove a reaction to message `ref`. */
  react(room: string, ref: number, emoji: string, on?: boolean): Promise<SendResult>;
  /** Unacknowledged writes, oldest first, restored ones included (once loaded). */
  pending(): PendingEntry[];
  /**
   * Stop (re)sending an unacknowledged write and forget it, also in storage. Its promise rejects
   * with `discarded`. A copy already on the wire may still be stored. False when unknown.
   */
  discard(id: string): boolean;
  history(room: string, q?: HistoryQuery): Promise<{ events: RoomEvent[]; more: boolean }>;
  /**
   * Full-text search over the messages of every room you are a member of (or only `room`):
   * words and "quoted phrases", all of which must occur, as substrings, case-insensitively.
   * Newest first; page on with `before: page.next`. Rejects with `query_invalid`,
   * `room_not_found`, `not_member` or `rate_limited` (retryable).
   */
  search(q: string, opts?: SearchOptions): Promise<SearchPage>;
  lastSeq(room: string): number | undefined;
  /**
   * Your role in a joined room (`owner`, `moderator`, `member`), as the server said at the join
   * and in later `role` events; undefined before the join. For showing what you may do: the
   * server checks every write anyway.
   */
  role(room: string): RoomRole | undefined;
  /** The last user-log seq delivered (see ClientOptions.userSeq); undefined before the first sync. */
  readonly userSeq: number | undefined;
  /**
   * You have read `room` up to `seq` (the last event seen). Moves forward only; shown at once
   * (`unread`, `read` events), sent debounced and resent after a reconnect until stored; your
   * other devices hear of it through the user log.
   */
  markRead(room: string, seq: number): void;
  /** Unread and mention counts and your watermark, for a room you are a member of (after rooms() or join()). */
  unread(room: string): UnreadState | undefined;
  unreadAll(): UnreadState[];
  /** Members' read watermarks in a joined room, highest first. */
  receipts(room: string): Receipt[];
  /**
   * Tell the room you are typing (call on every keystroke: renewals are sent at most every
   * TYPING_TTL_MS / 2) or that you stopped (on send, blur, or an emptied input). Ephemeral:
   * dropped when not connected or not joined.
   */
  typing(room: string, on?: boolean): void;
  /**
   * Who is online in a joined room, as the last `presence` event told (by nickname; empty in a
   * large room, where only `count` is known); undefined before the room's first presence.
   */
  online(room: string): { online: UserRef[]; count: number } | undefined;
  /** The last known presence of a user (from live changes or who()); undefined when never heard of. */
  status(userId: string): UserStatus | undefined;
  /**
   * Ask the presence of users, e.g. when a member list opens. Users who share no room with you
   * are left out of the answer. Known statuses are asked again after every reconnect.
   */
  who(userIds: readonly string[]): Promise<UserStatus[]>;
  /**
   * This client's activity: 'idle' when its user is away (hidden tab, no input for a while).
   * Sent when it changes and after every reconnect; watchActivity() drives it in browsers.
   */
  setActivity(activity: Activity): void;
  readonly activity: Activity;
}
