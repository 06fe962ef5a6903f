/**
 * The user-log port (docs/protocol.md, _The user log_): each user's own log, read watermarks and
 * what unread counts are made of. The entries a room event causes are appended by the room log's
 * append (core/room-log/user-events.ts); the rules of a read are core/room-log/read-marker.ts,
 * of counts core/room-log/unread.ts. Held to test/contract/user-log.contract.ts.
 */
import type { Receipt, UserEvent } from '../../protocol/index.ts';

/** One entry of a user's log, with whose log it is. */
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

/** A member's unread messages in one room, as counted by the engine. */
export interface UnreadMessages {
  readonly room: string;
  /** The watermark. */
  readonly read: number;
  /** The room's head when counted. */
  readonly head: number;
  /** Messages (written kinds) after the watermark, not the user's own, not deleted; at most `cap`. */
  readonly unread: number;
  /**
   * The current text (after its latest edit) of those of the newest `scan` unread messages whose
   * text contains `@`, newest first: where mentions may be (none when `unread` is 0).
   */
  readonly texts: readonly string[];
  /** The sender's user id of each of `texts`, in the same order (mentions by blocked users do not count). */
  readonly senders?: readonly string[];
}

export interface UserLogStore {
  /**
   * Moves the user's read watermark in the room forward to `seq` (clamped to the head) and
   * appends a `read` entry to the user's log, in one transaction, durable before it resolves.
   */
  markRead(room: string, userId: string, seq: number): Promise<ReadResult>;
  /** The user's log after `after`, ascending, at most `limit` entries. */
  userLog(userId: string, after: number, limit: number): Promise<UserLogPage>;
  /** seq of the newest entry of the user's log (0 when empty). */
  userHead(userId: string): Promise<number>;
  /** For `room`, or for every room the user is a member of (by name); empty for a non-member. */
  unreadMessages(
    userId: string,
    room: string | undefined,
    bounds: { readonly cap: number; readonly scan: number },
  ): Promise<UnreadMessages[]>;
  /** Members' read watermarks in the room, highest first, at most `limit`. */
  receipts(room: string, limit: number): Promise<Receipt[]>;
}
