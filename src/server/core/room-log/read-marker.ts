/**
 * Read watermarks (docs/protocol.md, _Unread and read receipts_): a member's watermark only moves
 * forward, never past the room's head, and each move is a `read` entry in the user's log.
 */
import type { UserEventInput } from './user-events.ts';

/** What the engine read in the write's transaction: undefined membership for a non-member. */
export interface ReadState {
  readonly roomExists: boolean;
  readonly membership: { readonly read: number; readonly head: number } | undefined;
}

export type ReadDecision =
  /** Set the watermark to `read` and append `entry` to the user's log. */
  | { readonly status: 'move'; readonly read: number; readonly entry: UserEventInput }
  /** Nothing to write; `read` is the watermark. */
  | { readonly status: 'unchanged'; readonly read: number }
  | { readonly status: 'not_member' | 'no_room' };

export function decideRead(room: string, seq: number, state: ReadState): ReadDecision {
  const m = state.membership;
  if (!m) return { status: state.roomExists ? 'not_member' : 'no_room' };
  const read = Math.min(seq, m.head);
  if (read <= m.read) return { status: 'unchanged', read: m.read };
  return { status: 'move', read, entry: { kind: 'read', room, read } };
}
