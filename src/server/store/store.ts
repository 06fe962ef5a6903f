/**
 * The durable store: room logs, memberships and sessions.
 * Every implementation is held to test/contract/store.contract.ts.
 */
import type { EventKind, RoomEvent, RoomInfo, RoomRole, RoomVisibility, UserRef } from '../../protocol/index.ts';

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
}

export interface CreateRoomOptions {
  readonly visibility?: RoomVisibility;
  /** The creator's user id; that user's role is `owner`. */
  readonly ownerId?: string;
}

export interface MessageState {
  readonly event: RoomEvent;
  /** A delete event refers to it. */
  readonly deleted: boolean;
}

export type AppendResult =
  | { readonly status: 'appended' | 'duplicate'; readonly event: RoomEvent }
  /** The cid was used before by this sender for a different message. */
  | { readonly status: 'conflict' }
  | { readonly status: 'no_room' }
  /** A `join` by a banned user, or to a private room the sender is not a member (or owner) of. */
  | { readonly status: 'forbidden' }
  /** A `join` by a member or a `leave` by a non-member: membership is as asked, nothing appended. */
  | { readonly status: 'unchanged' };

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
  | { readonly status: 'rotated'; readonly userId: string }
  /** Unknown, expired or already used / revoked (a reused token also revokes the user's others). */
  | { readonly status: 'invalid' };

export interface Store {
  /** Creates the room (public unless told); undefined when the name is taken. */
  createRoom(name: string, title: string, options?: CreateRoomOptions): Promise<RoomInfo | undefined>;
  getRoom(name: string): Promise<RoomInfo | undefined>;
  /** Public rooms, plus the private rooms `userId` is a member or the owner of. */
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
  /** Stores a refresh token (only its hash) for the user, valid until `expiresAt` (ms). */
  createRefreshToken(userId: string, token: string, expiresAt: number): Promise<void>;
  /**
   * In one transaction: if `token` is valid (known, not revoked, not expired at `now`) revoke it
   * and store `next` in its place. Presenting a token that was already revoked (a replay of a
   * rotated token) revokes every refresh token of its user.
   */
  rotateRefreshToken(token: string, next: string, expiresAt: number, now?: number): Promise<RefreshResult>;
  /** Revokes the token; false when it was unknown or already revoked. */
  revokeRefreshToken(token: string): Promise<boolean>;
  close(): Promise<void>;
}
