/**
 * The one feed algorithm (docs/protocol.md, _Resume_): how a connection starts following an
 * ordered log — a room on `join`, the user's own log on `sync` — with no gap and no duplicate.
 *
 * 1. Subscribe to the log's live events first; until step 4 they wait in the cursor's `pending`.
 * 2. Read the head only after subscribing: anything committed later reaches `pending`.
 * 3. Replay (from, head] from the store in pages, waiting for the socket to drain between pages
 *    (`conn.drained()`, which closes a peer that does not read within its deadline): memory
 *    stays bounded however far behind the client is.
 * 4. Release the held live events; `deliverEvent` skips those at or below the last replayed seq.
 *
 * A cursor that is no longer the connection's (kicked or banned while replaying, or a newer
 * join/sync of the same log) stops the replay; the newer one owns the log from then on.
 */
import { LIMITS } from '../../protocol/index.ts';
import type { ConnectionPort, FeedCursor } from './connection-port.ts';
import { prepareFrame } from '../gateway/wire.ts';

/** What the replay reads: entries of one log, ascending by seq. */
export interface FeedEntry {
  readonly seq: number;
}

export interface FeedSource<E extends FeedEntry> {
  /** The log's hub channel: a room's name, or a channel of its own (user-feed.ts). */
  readonly channel: string;
  /** Where this connection keeps the log's cursor: `conn.rooms` for rooms, `conn.feeds` otherwise. */
  readonly cursors: Map<string, FeedCursor>;
  /**
   * Runs once subscribed, before the head is read (e.g. the membership still stands): false
   * lets go of the log again and `follow` answers 'refused' — the caller then says why.
   */
  readonly admit?: () => Promise<boolean>;
  /**
   * Reads the head, answers the request (`joined`, `synced`) and says where the replay starts:
   * entries after `from`, up to and including `head`.
   */
  readonly start: () => Promise<{ readonly from: number; readonly head: number }>;
  /** Up to `limit` entries after `after`, ascending (entries past `head` are not replayed). */
  readonly page: (after: number, head: number, limit: number) => Promise<readonly E[]>;
  /** The entry's frame on the wire, serialized once. */
  readonly encode: (entry: E) => string;
}

/**
 * live: replayed and released, the connection follows the log. refused: `admit` said no.
 * stopped: the cursor was taken away while replaying (kick, ban, or a newer request).
 */
export type FeedOutcome = 'live' | 'refused' | 'stopped';

/** Starts (or restarts, to resume or fill a gap) following one log on this connection. */
export async function follow<E extends FeedEntry>(conn: ConnectionPort, source: FeedSource<E>): Promise<FeedOutcome> {
  const { channel, cursors } = source;
  const hub = conn.ctx.hub;
  const previous = cursors.get(channel);
  const cursor: FeedCursor = { lastSent: 0, pending: [] };
  cursors.set(channel, cursor);
  if (!previous) await hub.subscribe(channel, conn);
  if (source.admit && !(await source.admit())) {
    if (cursors.get(channel) === cursor) {
      cursors.delete(channel);
      await hub.unsubscribe(channel, conn);
    }
    return 'refused';
  }
  const { from, head } = await source.start();
  cursor.lastSent = from;
  while (cursor.lastSent < head && !conn.closing && cursors.get(channel) === cursor) {
    const entries = await source.page(cursor.lastSent, head, LIMITS.historyMaxLimit);
    if (entries.length === 0) break;
    for (const entry of entries) {
      if (entry.seq > head) break;
      cursor.lastSent = entry.seq;
      const payload = source.encode(entry);
      conn.sendPrepared(prepareFrame(payload));
      conn.ctx.metrics.replayed(payload);
    }
    // Bounded memory: wait for the socket to drain before reading the next page.
    await conn.drained();
  }
  // Kicked or banned while replaying: the log is gone from this connection; stop here.
  if (cursors.get(channel) !== cursor) return 'stopped';
  const live = cursor.pending ?? [];
  cursor.pending = null;
  for (const { seq, prepared } of live) conn.deliverEvent(channel, seq, prepared);
  return 'live';
}
