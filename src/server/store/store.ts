/**
 * The durable store: room logs, memberships and sessions.
 * Every implementation is held to test/contract/store.contract.ts.
 */
import type {
  EventKind,
  FileRef,
  Member,
  RoomEvent,
  RoomInfo,
  RoomRole,
  RoomVisibility,
  Receipt,
  UnreadCounts,
  UserEvent,
  UserRef,
} from '../../protocol/index.ts';

export interface AppendInput {
  readonly room: string;
  readonly sender: UserRef;
  /** Client id: (room, sender.id, cid) is unique, so a resend returns the original event. */
  readonly cid?: string;
  readonly kind: EventKind;
  readonly body: string;
  /** For mutation kinds: the seq of the message changed. */
  readonly ref?: number;
  /**
   * For moderation kinds: the user changed. The store applies the change in the same
   * transaction as the event: invite adds a membership, kick removes it, ban removes it and
   * records the ban, unban lifts it, role sets the member's role to `body`. Appended only when
   * something changes (else `unchanged`; a role for a non-member is `unchanged` too).
   */
  readonly target?: UserRef;
  /** For `image` / `file` messages: the upload's metadata, stored with the event (part of its identity for resends). */
  readonly file?: FileRef;
  /** For messages: the seq of the message replied to (checked by the caller; part of the identity for resends). */
  readonly reply?: number;
}

/** An upload's metadata (src/server/files/); the bytes live in a FileStorage. */
export interface StoredFile extends FileRef {
  readonly room: string;
  readonly uploaderId: string;
  readonly createdAt: number;
}

export interface CreateRoomOptions {
  readonly visibility?: RoomVisibility;
  /** The creator's user id; that user's role is `owner`. */
  readonly ownerId?: string;
}

/** A direct message to open or re-open (docs/protocol.md, _Direct messages_). */
export interface DmSpec {
  /** dm-… (1:1, derived from the two ids) or gdm-… (a group, new each time). */
  readonly name: string;
  readonly title: string;
  /** Joins it (a `join` event) unless already a member. */
  readonly opener: UserRef;
  /** Recorded as its people; they become members with its next message (`append`), not now. */
  readonly others: readonly UserRef[];
}

export interface DmResult {
  readonly room: RoomInfo;
  /** The room did not exist before. */
  readonly created: boolean;
  /** Appended by this call: the opener's `join`, or none when the opener was a member already. */
  readonly events: readonly RoomEvent[];
  readonly userEvents: readonly UserLogEntry[];
  /** The name belongs to a room that is not a DM of the opener: nothing was done. */
  readonly taken?: boolean;
}

export interface MemberPage {
  /** The owner first (when a member), then by join time. */
  readonly members: Member[];
  readonly more: boolean;
}

export interface MessageState {
  readonly event: RoomEvent;
  /** A delete event refers to it. */
  readonly deleted: boolean;
}

export type AppendResult =
  | {
      readonly status: 'appended' | 'duplicate';
      readonly event: RoomEvent;
      /**
       * Appended in its transaction right before `event`, in seq order; only on `appended`: the
       * `invite`s of a DM's people who were not members, when `event` is a message there.
       */
      readonly before?: readonly RoomEvent[];
      /** Appended with the event(s) in its transaction (user-events.ts), in order; only on `appended`. */
      readonly userEvents?: readonly UserLogEntry[];
    }
  /** The cid was used before by this sender for a different message. */
  | { readonly status: 'conflict' }
  | { readonly status: 'no_room' }
  /** A `join` by a banned user, or to a private room the sender is not a member (or owner) of. */
  | { readonly status: 'forbidden' }
  /** A `join` by a member or a `leave` by a non-member: membership is as asked, nothing appended. */
  | { readonly status: 'unchanged' };

/** One entry of a user's log (docs/protocol.md, _The user log_), with whose log it is. */
export interface UserLogEntry {
  readonly user: string;
  readonly event: UserEvent;
}

export interface UserLogPage {
  /** Ascending by seq. */
  readonly events: UserEvent[];
  readonly more: boolean;
}

export type ReadResult =
  /** The watermark moved to `read` (the asked seq, clamped to the head); `entry` is its user event. */
  | { readonly status: 'moved'; readonly read: number; readonly entry: UserLogEntry }
  /** The asked seq was not above the watermark: nothing changed; `read` is the watermark. */
  | { readonly status: 'unchanged'; readonly read: number }
  | { readonly status: 'not_member' }
  | { readonly status: 'no_room' };

export interface HistoryQuery {
  /** Only events with seq < before. */
  readonly before?: number;
  /** Only events with seq > after; when given, the page starts right after it. */
  readonly after?: number;
  readonly limit: number;
}

export interface HistoryPage {
  /** Ascending by seq. */
  readonly events: RoomEvent[];
  /** More events exist beyond this page in the direction read. */
  readonly more: boolean;
}

/** A registered account (src/server/auth/). */
export interface Account {
  readonly id: string;
  /** As registered; unique case-insensitively. */
  readonly username: string;
  /** Self-describing password hash (scheme, parameters, salt, hash). */
  readonly passwordHash: string;
  readonly createdAt: number;
}

export interface NewAccount {
  readonly id: string;
  readonly username: string;
  readonly passwordHash: string;
}

export type RefreshResult =
  | { readonly status: 'rotated'; readonly userId: string; readonly sessionId: string }
  /** Unknown, expired, or of an ended login session. */
  | { readonly status: 'invalid' }
  /**
   * An already-rotated token of a live session came back (it may have been stolen): every login
   * session of the user was ended. `ended`: the ids of those that were still live.
   */
  | { readonly status: 'replayed'; readonly userId: string; readonly ended: readonly string[] };

/** Full-text search (docs/protocol.md, _Search_). */
export interface SearchQuery {
  /** Only messages of rooms this user is a member of at the time of the query. */
  readonly userId: string;
  /**
   * Literal text, never query syntax: a message matches when each term occurs in its current
   * text (case-insensitively; substrings, so Chinese needs no word breaks). At least one.
   */
  readonly terms: readonly string[];
  /** Only this room. */
  readonly room?: string;
  /** Only results older than this cursor (a previous hit's `cursor`). */
  readonly before?: number;
  readonly limit: number;
}

export interface SearchHit {
  /** The message (kind text, image or file) with `body` its current text, after edits. */
  readonly event: RoomEvent;
  /** Orders results (greater is newer) and pages them: pass it as `before`. */
  readonly cursor: number;
}

export interface SearchPage {
  /** Newest first; at most `limit`. */
  readonly hits: SearchHit[];
  /**
   * Where to continue (as `before`) when older results may exist. A store may bound the work of
   * one page, so a page can hold fewer than `limit` hits, even none, and still have `next`.
   */
  readonly next?: number;
}

/** When a user's last connection closed, and the nickname they had then (presence). */
export interface LastSeen {
  readonly user: UserRef;
  readonly ts: number;
}

export interface Store {
  /** Creates the room (public unless told); undefined when the name is taken. */
  createRoom(name: string, title: string, options?: CreateRoomOptions): Promise<RoomInfo | undefined>;
  getRoom(name: string): Promise<RoomInfo | undefined>;
  /** Public rooms, plus the private rooms `userId` is a member or the owner of; with member counts. */
  listRooms(userId?: string): Promise<RoomInfo[]>;
  /** `owner` for the room's owner (member or not), else the member's role; undefined for non-members. */
  roleOf(room: string, userId: string): Promise<RoomRole | undefined>;
  isBanned(room: string, userId: string): Promise<boolean>;
  /** The latest nickname a user id was seen with (from its sessions); undefined when unknown. */
  findUser(userId: string): Promise<UserRef | undefined>;
  /**
   * Appends one event, assigning seq = head + 1. Resolves only after the write is durable;
   * callers must not acknowledge or fan out before. A `join` / `leave` event also adds /
   * removes the sender's membership in the same transaction, so a crash never keeps one
   * without the other; it is appended only when membership changes (else `unchanged`).
   */
  append(input: AppendInput): Promise<AppendResult>;
  history(room: string, query: HistoryQuery): Promise<HistoryPage>;
  /** The event at this seq and whether it was deleted; undefined when there is none. */
  message(room: string, seq: number): Promise<MessageState | undefined>;
  isMember(room: string, userId: string): Promise<boolean>;
  /**
   * Returns the new session's token (`token` when given, else a random one); only its hash is
   * stored. The caller checks that a given token is unknown and random-looking.
   */
  createSession(user: UserRef, token?: string): Promise<string>;
  findSession(token: string): Promise<UserRef | undefined>;
  /** Creates the account; undefined when the username is taken (case-insensitively). */
  createAccount(account: NewAccount): Promise<Account | undefined>;
  /** By username, case-insensitively. */
  findAccount(username: string): Promise<Account | undefined>;
  getAccount(id: string): Promise<Account | undefined>;
  /**
   * Starts a login session (a refresh-token family) for the user with its first refresh token
   * (only its hash is stored), valid until `expiresAt` (ms). Returns the session id.
   */
  createLoginSession(userId: string, refreshToken: string, expiresAt: number): Promise<string>;
  /**
   * In one transaction: if `token` is valid (known, not revoked, not expired at `now`, its session
   * live) revoke it and store `next` in its place, in the same session. Presenting a token that was
   * already rotated while its session is live is a replay: it ends every login session of its user.
   */
  rotateRefreshToken(token: string, next: string, expiresAt: number, now?: number): Promise<RefreshResult>;
  /**
   * Ends the login session of `refreshToken` (any token the session ever had), or with `all` every
   * login session of its user, revoking their refresh tokens. Returns the ids this call ended
   * (empty for an unknown token or sessions already ended).
   */
  endLoginSessions(refreshToken: string, all?: boolean, now?: number): Promise<string[]>;
  /** True while the session exists and has not been ended (checked at every WebSocket upgrade). */
  loginSessionActive(sessionId: string): Promise<boolean>;
  /** Records an upload whose bytes are already stored. */
  createFile(file: StoredFile): Promise<void>;
  getFile(id: string): Promise<StoredFile | undefined>;
  /** Forgets an upload's metadata (events that carry it keep their copy); false when unknown. */
  deleteFile(id: string): Promise<boolean>;
  /**
   * Messages matching every term, newest first, from the user's rooms only. The index follows the
   * log in the append's own transaction: an edit replaces a message's text, a delete removes it.
   */
  search(query: SearchQuery): Promise<SearchPage>;
  /**
   * Moves the user's read watermark in the room forward to `seq` (clamped to the head) and
   * appends a `read` entry to the user's log, in one transaction, durable before it resolves.
   */
  markRead(room: string, userId: string, seq: number): Promise<ReadResult>;
  /** The user's log after `after`, ascending, at most `limit` entries. */
  userLog(userId: string, after: number, limit: number): Promise<UserLogPage>;
  /** seq of the newest entry of the user's log (0 when empty). */
  userHead(userId: string): Promise<number>;
  /**
   * Unread and mention counts (capped at UNREAD_CAP) with the watermark, for `room` or for
   * every room the user is a member of; empty for a non-member. `user.nick` is who is mentioned.
   */
  unread(user: UserRef, room?: string): Promise<UnreadCounts[]>;
  /** Members' read watermarks in the room, highest first, at most `limit`. */
  receipts(room: string, limit: number): Promise<Receipt[]>;
  /**
   * Creates the DM room (private, no owner) when missing, records who it is between, and makes
   * the opener a member (a `join` event), in one transaction. The others become members only with
   * a message: `append` of text / image / file to a DM first adds each of its people who is not a
   * member (an `invite` from the writer, see AppendResult `before`), in the message's transaction.
   * Only the people it is between may ever join it. `append` of `rename` / `topic` sets the room's
   * title / topic in the event's transaction (`unchanged` when it is already that value).
   */
  openDm(spec: DmSpec): Promise<DmResult>;
  /** The room's members with their roles, at most `limit`. */
  members(room: string, limit: number): Promise<MemberPage>;
  /** Ids of the users who share at least one room membership with the user (not the user): who sees their presence. */
  roomPeers(userId: string): Promise<string[]>;
  /** Presence: the user's last connection closed at `ts` (kept across restarts). */
  setLastSeen(user: UserRef, ts: number): Promise<void>;
  /** Last seen times of those of these users that have one. */
  lastSeen(userIds: readonly string[]): Promise<Map<string, LastSeen>>;
  close(): Promise<void>;
}
