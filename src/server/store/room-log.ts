/**
 * The room-log port: rooms, their ordered logs, and appends. An engine stores and reads; the
 * rules of an append (who may join, what moderation and settings change, whom a DM reaches, the
 * user-log entries and the search change) are decided above it, in src/server/core/room-log/.
 * Held to test/contract/store.contract.ts and rooms.contract.ts.
 */
import type { EventKind, FileRef, RoomEvent, RoomInfo, RoomVisibility, UserRef } from '../../protocol/index.ts';
import type { UserLogEntry } from './user-log.ts';

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
   * For moderation kinds: the user changed. The change is applied in the same transaction as the
   * event: invite adds a membership, kick removes it, ban removes it and records the ban, unban
   * lifts it, role sets the member's role to `body` (core/room-log/moderation.ts). Appended only
   * when something changes (else `unchanged`; a role for a non-member is `unchanged` too).
   */
  readonly target?: UserRef;
  /** For `image` / `file` messages: the upload's metadata, stored with the event (part of its identity for resends). */
  readonly file?: FileRef;
  /** For messages: the seq of the message replied to (checked by the caller; part of the identity for resends). */
  readonly reply?: number;
  /**
   * A `join` / `leave` in a large room (core/room-log/membership.ts): membership and the user-log
   * entry are written, but no room event (result `quiet`).
   */
  readonly quiet?: boolean;
  /** For an `edit` of an image or file message: its file name, kept in its search text (not stored). */
  readonly editedFile?: string;
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
      /** Appended with the event(s) in its transaction (core/room-log/user-events.ts), in order; only on `appended`. */
      readonly userEvents?: readonly UserLogEntry[];
    }
  /** The cid was used before by this sender for a different message. */
  | { readonly status: 'conflict' }
  | { readonly status: 'no_room' }
  /** A `join` by a banned user, or to a private room the sender is not a member (or owner) of. */
  | { readonly status: 'forbidden' }
  /** A `join` by a member or a `leave` by a non-member: membership is as asked, nothing appended. */
  | { readonly status: 'unchanged' }
  /** A `quiet` join / leave: membership changed and its user-log entry written, no room event. */
  | { readonly status: 'quiet'; readonly userEvents: readonly UserLogEntry[] };

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

export interface RoomLogStore {
  /** Creates the room (public unless told); undefined when the name is taken. */
  createRoom(name: string, title: string, options?: CreateRoomOptions): Promise<RoomInfo | undefined>;
  getRoom(name: string): Promise<RoomInfo | undefined>;
  /** Public rooms, plus the private rooms `userId` is a member or the owner of; with member counts. */
  listRooms(userId?: string): Promise<RoomInfo[]>;
  /**
   * Appends one event, assigning seq = head + 1, as core/room-log/decide-append.ts decides from the
   * state read in the same transaction. Resolves only after the write is durable; callers must not
   * acknowledge or fan out before. A `join` / `leave` event also adds / removes the sender's
   * membership in the same transaction, so a crash never keeps one without the other; it is
   * appended only when membership changes (else `unchanged`). `rename` / `topic` set the room's
   * title / topic (`unchanged` when it is already that value). A written message to a DM first
   * adds each of its people who is not a member (an `invite` from the writer, AppendResult `before`).
   */
  append(input: AppendInput): Promise<AppendResult>;
  history(room: string, query: HistoryQuery): Promise<HistoryPage>;
  /**
   * The heads (seq of the newest event) of these rooms, read at once: the fan-out's periodic
   * position check (fanout/healer.ts) asks for every room a node has subscribers in. A room that
   * does not exist is absent from the map.
   */
  heads(rooms: readonly string[]): Promise<Map<string, number>>;
  /** The event at this seq and whether it was deleted; undefined when there is none. */
  message(room: string, seq: number): Promise<MessageState | undefined>;
  /**
   * Creates the DM room (private, no owner) when missing, records who it is between, and makes
   * the opener a member (a `join` event), in one transaction. Only the people it is between may
   * ever join it (core/room-log/membership.ts); the others become members with its next message.
   */
  openDm(spec: DmSpec): Promise<DmResult>;
}
