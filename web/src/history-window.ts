/**
 * The slice of a room's log the web app keeps in memory. A room can hold 100,000 events; the
 * app keeps one contiguous window of at most WINDOW_MAX of them and pages the rest in from the
 * server (`history` before/after) as the reader scrolls. Loading past the cap drops the far end
 * of the window, so memory stays bounded however far anyone scrolls. Pure.
 */
import type { RoomEvent } from '../../src/client/index.ts';

/** Events kept per room: 40 pages of 50, a few MB at most, and enough to scroll a while. */
export const WINDOW_MAX = 2_000;

export interface Trimmed {
  readonly events: readonly RoomEvent[];
  /** Events were dropped at the old end: older ones are on the server again. */
  readonly droppedOlder: boolean;
  /** Events were dropped at the new end: the window no longer reaches the room's head. */
  readonly droppedNewer: boolean;
}

/**
 * Caps `events` (ascending) at `max`, dropping from the end away from where the reader is:
 * `keep: 'older'` (they loaded older pages) drops the newest, `keep: 'newer'` the oldest.
 */
export function trimWindow(events: readonly RoomEvent[], keep: 'older' | 'newer', max = WINDOW_MAX): Trimmed {
  if (events.length <= max) return { events, droppedOlder: false, droppedNewer: false };
  return keep === 'older'
    ? { events: events.slice(0, max), droppedOlder: false, droppedNewer: true }
    : { events: events.slice(events.length - max), droppedOlder: true, droppedNewer: false };
}

/** The `before` of a history page that puts `seq` in the middle of it. */
export function pageAround(seq: number, limit: number): number {
  return seq + Math.ceil(limit / 2);
}
