/**
 * What the core tells an engine to write for an append (decide-append.ts): every event with seq,
 * id and time, and each one's effects, in order, all in one transaction with the events.
 */
import type { RoomEvent, RoomRole } from '../../../protocol/index.ts';
import type { SearchChange } from './search-doc.ts';
import type { UserEventInput } from './user-events.ts';

/** A change of room state that an event carries; applied in the event's transaction. */
export type Effect =
  /** A membership starts (role `member`, joined at the event's time). */
  | { readonly kind: 'add_member'; readonly user: string }
  | { readonly kind: 'remove_member'; readonly user: string }
  | { readonly kind: 'add_ban'; readonly user: string }
  | { readonly kind: 'remove_ban'; readonly user: string }
  /** Of a member (never the owner's ownership). */
  | { readonly kind: 'set_role'; readonly user: string; readonly role: RoomRole }
  | { readonly kind: 'set_title'; readonly title: string }
  | { readonly kind: 'set_topic'; readonly topic: string }
  /** The member's read watermark starts at this seq (nothing before it is unread). After add_member. */
  | { readonly kind: 'set_read'; readonly user: string; readonly seq: number };

/** An entry for a user's log: the engine gives it that user's next seq and the time. */
export interface UserLogWrite {
  /** Whose log. */
  readonly user: string;
  readonly event: UserEventInput;
}

/** One event to store, with everything written beside it. */
export interface EventWrite {
  readonly event: RoomEvent;
  /** In order. */
  readonly effects: readonly Effect[];
  /** In order, after the effects. */
  readonly userLog: readonly UserLogWrite[];
  /** What the search index does (search-doc.ts); none for most kinds. */
  readonly search?: SearchChange;
}

export type AppendDecision =
  /** Write these events, in seq order (the room's head becomes the last one's seq); the input's event is last. */
  | { readonly status: 'append'; readonly writes: readonly EventWrite[] }
  /** The cid's event is this one: nothing is written. */
  | { readonly status: 'duplicate'; readonly event: RoomEvent }
  /** A quiet join / leave: these effects and user-log entries, in order, and no event (the head stays). */
  | {
      readonly status: 'quiet';
      readonly room: string;
      readonly effects: readonly Effect[];
      readonly userLog: readonly UserLogWrite[];
      readonly now: number;
    }
  /** Nothing is written. */
  | { readonly status: 'conflict' | 'no_room' | 'forbidden' | 'unchanged' };
