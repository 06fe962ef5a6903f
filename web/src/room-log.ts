import type { RoomEvent } from '../../src/client/index.ts';

/**
 * Merge events into a room's ascending, seq-unique list. `current` is never mutated; the
 * result is `current` itself when nothing new arrived, so renders can bail out cheaply.
 * Of two events with the same seq the one already held wins: a seq is shown once.
 */
export function mergeEvents(current: readonly RoomEvent[], incoming: readonly RoomEvent[]): readonly RoomEvent[] {
  if (incoming.length === 0) return current;
  const last = current.length ? current[current.length - 1]!.seq : -Infinity;
  // Fast path: live events append at the end in order.
  if (isAscending(incoming) && incoming[0]!.seq > last) return [...current, ...incoming];

  const bySeq = new Map<number, RoomEvent>();
  for (const e of incoming) if (!bySeq.has(e.seq)) bySeq.set(e.seq, e);
  for (const e of current) bySeq.set(e.seq, e);
  if (bySeq.size === current.length) return current;
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

function isAscending(events: readonly RoomEvent[]): boolean {
  for (let i = 1; i < events.length; i++) if (events[i]!.seq <= events[i - 1]!.seq) return false;
  return true;
}

export function oldestSeq(events: readonly RoomEvent[]): number | undefined {
  return events[0]?.seq;
}

export function hasSeq(events: readonly RoomEvent[], seq: number): boolean {
  // Binary search: the list is ascending.
  let lo = 0;
  let hi = events.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = events[mid]!.seq;
    if (s === seq) return true;
    if (s < seq) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
