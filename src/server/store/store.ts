/**
 * The durable store: room logs, memberships and sessions.
 * Every implementation is held to test/contract/store.contract.ts.
 */
import type { EventKind, RoomEvent, RoomInfo, UserRef } from '../../protocol/index.ts';

export interface AppendInput {
  readonly room: string;
  readonly sender: UserRef;
  /** Client id: (room, sender.id, cid) is unique, so a resend returns the original event. */
  readonly cid?: string;
  readonly kind: EventKind;
  readonly body: string;
  /** For mutation kinds: the seq of the message changed. */
  readonly ref?: number;
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

export interface Store {
  /** Creates the room; undefined when the name is taken. */
  createRoom(name: string, title: string): Promise<RoomInfo | undefined>;
  getRoom(name: string): Promise<RoomInfo | undefined>;
  listRooms(): Promise<RoomInfo[]>;
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
  close(): Promise<void>;
}
